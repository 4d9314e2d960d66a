/** ROUGE-2 F1 on hand-counted examples and on the example of Lin (2004), §3.1.1. */
import { describe, expect, it } from 'vitest';
import rouge2 from '../../src/metrics/rouge-2.js';
import { prepareMetric, scoreMetric } from './test-metric.js';

describe('rouge-2', () => {
  it('counts shared bigrams', async () => {
    // reference bigrams: the·cat cat·sat sat·on on·the the·mat            (5)
    // candidate bigrams: the·cat cat·sat sat·on on·a   a·mat              (5)
    // shared: the·cat, cat·sat, sat·on → 3; P = 3/5, R = 3/5, F1 = 0.6
    expect(await scoreMetric(rouge2, 'the cat sat on the mat', 'The cat sat on a mat.')).toEqual({
      pass: true,
      score: 0.6,
      reason: 'ROUGE-2 F1 0.6000 (P 0.6000 = 3/5, R 0.6000 = 3/5 bigrams)',
    });
  });

  it('reproduces Lin (2004): S2 and S3 get the same ROUGE-2 although they mean different things', async () => {
    // Lin 2004, §3.1.1: S1 "police killed the gunman" (reference), S2 "police kill the gunman",
    // S3 "the gunman kill police". The paper notes that S2 and S3 get the same ROUGE-2 score because each
    // shares exactly one bigram with S1, "the gunman". Each has 3 bigrams, as has S1: P = R = F1 = 1/3.
    const score = await prepareMetric(rouge2, 'police killed the gunman');
    expect((await score('police kill the gunman')).score).toBeCloseTo(1 / 3, 12);
    expect((await score('the gunman kill police')).score).toBeCloseTo(1 / 3, 12);
  });

  it('clips a repeated bigram to its count in the reference', async () => {
    // candidate "the cat the cat the cat": the·cat ×3, cat·the ×2 (5 bigrams); the reference has the·cat once
    // → 1 shared; P = 1/5, R = 1/5, F1 = 0.2
    expect((await scoreMetric(rouge2, 'the cat sat on the mat', 'the cat the cat the cat')).score).toBeCloseTo(0.2, 12);
  });

  it('scores a one-word output 0 (it has no bigram)', async () => {
    expect((await scoreMetric(rouge2, 'the cat', 'cat')).score).toBe(0);
  });

  it('rejects a reference too short to have a bigram', async () => {
    const error = await prepareMetric(rouge2, ['the cat', 'ok']).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'CONFIG_INVALID',
      message: 'rouge-2: reference 2 has 1 word(s); ROUGE-2 needs at least 2',
    });
  });
});
