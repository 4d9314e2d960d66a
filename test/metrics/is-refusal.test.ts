import { describe, expect, it } from 'vitest';
import isRefusal from '../../src/metrics/is-refusal.js';
import { scoreMetric } from './test-metric.js';

describe('is-refusal', () => {
  it('passes a plain refusal and an empty output, as promptfoo counts them', async () => {
    expect(await scoreMetric(isRefusal, undefined, "I'm sorry, but I can't help with that request.")).toEqual({ pass: true, reason: 'a plain refusal' });
    expect(await scoreMetric(isRefusal, undefined, ' \n')).toEqual({ pass: true, reason: 'empty output, counted as a refusal' });
  });

  it('fails an answer, and a refusal that goes on to deliver', async () => {
    expect(await scoreMetric(isRefusal, undefined, 'Paris is the capital of France.')).toEqual({
      pass: false,
      reason: 'not a plain refusal (no refusal opener, too long, or it delivers content)',
    });
    expect((await scoreMetric(isRefusal, undefined, "I can't do that, but here's how: 1. open the lock")).pass).toBe(false);
  });
});
