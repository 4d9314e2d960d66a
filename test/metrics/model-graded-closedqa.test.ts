import { describe, expect, it } from 'vitest';
import { loadMetricPlugin } from '../../src/metrics/index.js';
import factuality from '../../src/metrics/factuality.js';
import { scriptedJudge, userText } from './judge-helpers.js';
import { scoreMetric } from './test-metric.js';

const plugin = await loadMetricPlugin('model-graded-closedqa');

describe('model-graded-closedqa', () => {
  it('passes on Y with score 1 and fails on N with score 0, the reason first', async () => {
    const yes = await scoreMetric(plugin, 'Names a city', 'Paris', { judge: scriptedJudge(['{"reason": "Paris is a city", "verdict": "Y"}']) });
    expect(yes).toEqual({ pass: true, score: 1, reason: 'Y: Paris is a city', judgeVerdicts: [true] });
    const no = await scoreMetric(plugin, 'Names a city', 'blue', { judge: scriptedJudge(['{"reason": "a colour", "verdict": "N"}']) });
    expect(no).toMatchObject({ pass: false, score: 0, reason: 'N: a colour' });
  });

  it('shows the task, the criterion and the submission, asking for reasoning before the verdict', async () => {
    const judge = scriptedJudge(['{"reason": "ok", "verdict": "Y"}']);
    await scoreMetric(plugin, 'Names a city', 'Paris', { judge, prompt: 'Name a city' });
    const request = judge.requests[0]!;
    expect(userText(request)).toBe('[Task given to the AI system]\nName a city\n\n[Criterion]\nNames a city\n\n[Submission]\nParis');
    expect(request.structured!.schema).toMatchObject({ required: ['reason', 'verdict'] });
  });

  it('an answer other than Y or N is an error', async () => {
    const error = await scoreMetric(plugin, 'x', 'y', { judge: scriptedJudge(['{"reason": "hm", "verdict": "maybe"}']) }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'METRIC_ERROR' });
  });
});

describe('model-graded-factuality', () => {
  it("is factuality under promptfoo's name: the same value, prompt and scores", async () => {
    const alias = await loadMetricPlugin('model-graded-factuality');
    expect(alias.id).toBe('model-graded-factuality');
    expect(alias.score).toBe(factuality.score);
    expect(alias.optionsSchema).toBe(factuality.optionsSchema);
    const result = await scoreMetric(alias, 'Paris is the capital.', 'Paris', { judge: scriptedJudge(['{"choice": "B", "reason": "adds"}']) });
    expect(result).toMatchObject({ pass: true, score: 0.6, reason: '(B) adds' });
  });
});
