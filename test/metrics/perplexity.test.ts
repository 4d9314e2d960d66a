/** perplexity and perplexity-score on answers carrying token log-probabilities, and through the grader. */
import { describe, expect, it } from 'vitest';
import { createGrader } from '../../src/engine/grade.js';
import perplexity from '../../src/metrics/perplexity.js';
import perplexityScore from '../../src/metrics/perplexity-score.js';
import type { Assertion, TestCase } from '../../src/types.js';
import { fixturesDir, prepareMetric, scoreMetric } from './test-metric.js';

// Mean log-probability −ln 2 → perplexity exactly 2.
const LN2 = Math.log(2);
const two = { logprobs: [-LN2, -LN2, -LN2] };

describe('perplexity', () => {
  it('is exp(−mean logprob), passing at or under the maximum in `value`', async () => {
    expect(await scoreMetric(perplexity, 2.5, 'x', { result: two })).toEqual({ pass: true, reason: 'perplexity 2.000 over 3 tokens ≤ 2.5' });
    expect(await scoreMetric(perplexity, 1.5, 'x', { result: two })).toEqual({
      pass: false,
      reason: 'perplexity 2.000 over 3 tokens is above the maximum 1.5',
    });
    expect(await scoreMetric(perplexity, undefined, 'x', { result: two })).toEqual({ pass: true, reason: 'perplexity 2.000 over 3 tokens (no maximum set)' });
  });

  it('is an error, not a pass, when the provider returned no log-probabilities', async () => {
    await expect(scoreMetric(perplexity, 2, 'x')).rejects.toMatchObject({
      code: 'METRIC_ERROR',
      message: expect.stringContaining('provider echo returned no token log-probabilities'),
    });
  });

  it('declares that it needs log-probabilities, and refuses a maximum under 1', async () => {
    expect(perplexity.needs).toEqual({ logprobs: true });
    expect(perplexityScore.needs).toEqual({ logprobs: true });
    await expect(prepareMetric(perplexity, 0.5)).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
  });
});

describe('perplexity-score', () => {
  it('is 1 / (1 + perplexity), always passing without a threshold (promptfoo) and at score ≥ threshold with one', async () => {
    expect(await scoreMetric(perplexityScore, undefined, 'x', { result: two })).toMatchObject({ pass: true, score: 1 / 3 });
    const grade = async (threshold?: number) => {
      const assertion: Assertion = { type: 'perplexity-score', negate: false, weight: 1, metric: 'p', ...(threshold === undefined ? {} : { threshold }) };
      const test: TestCase = { id: 't', index: 0, vars: {}, assert: [assertion] };
      const verdict = await createGrader(fixturesDir).grade({ output: 'x', test, prompt: 'p', result: { output: 'x', ...two }, providerId: 'openai:gpt-4o-mini' });
      return verdict.assertions[0];
    };
    expect(await grade(0.3)).toMatchObject({ pass: true, score: 1 / 3 });
    expect(await grade(0.4)).toMatchObject({ pass: false, score: 1 / 3 });
  });
});
