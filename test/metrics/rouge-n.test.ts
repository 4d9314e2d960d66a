import { describe, expect, it } from 'vitest';
import rouge1 from '../../src/metrics/rouge-1.js';
import rougeN, { ROUGE_N_PASS } from '../../src/metrics/rouge-n.js';
import { scoreMetric } from './test-metric.js';

describe('rouge-n', () => {
  it('scores exactly as rouge-1 but passes at promptfoo\'s 0.75', async () => {
    // 5 of 6 unigrams shared each way: F1 ≈ 0.83 passes; 4 of 6: F1 ≈ 0.67 passes rouge-1 (0.5), not rouge-n.
    const reference = 'the cat sat on the mat';
    const close = await scoreMetric(rougeN, reference, 'the cat sat on a mat');
    expect(close).toMatchObject({ pass: true, score: (await scoreMetric(rouge1, reference, 'the cat sat on a mat')).score });
    const middling = 'the cat lay on a mat';
    expect((await scoreMetric(rouge1, reference, middling)).pass).toBe(true);
    const n = await scoreMetric(rougeN, reference, middling);
    expect(n.pass).toBe(false);
    expect(n.score).toBeLessThan(ROUGE_N_PASS);
    expect(n.reason).toMatch(/^ROUGE-1 F1 0\.6667/);
  });
});
