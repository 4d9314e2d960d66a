/**
 * What the schema descriptions promise about scored metrics, checked through the real grader: without a
 * `threshold` the metric's own default decides; with one, score ≥ threshold decides; `not-` inverts.
 */
import { describe, expect, it } from 'vitest';
import { createGrader } from '../../src/engine/grade.js';
import type { Assertion, TestCase } from '../../src/types.js';
import { fixturesDir } from './test-metric.js';

async function grade(assertion: Partial<Assertion> & { type: string }, output: string) {
  const full: Assertion = { negate: false, weight: 1, metric: assertion.type, ...assertion };
  const test: TestCase = { id: 't', index: 0, vars: {}, assert: [full] };
  const verdict = await createGrader(fixturesDir).grade({ output, test, prompt: 'p', result: { output }, providerId: 'echo' });
  const [result] = verdict.assertions;
  return { pass: result?.pass, score: result?.score, error: result?.error };
}

describe('scored metrics under the grader', () => {
  it('levenshtein: distance ≤ 5 by default, similarity ≥ threshold when one is set', async () => {
    // "Pariss" vs "Paris": distance 1, similarity 1 − 1/6
    expect(await grade({ type: 'levenshtein', value: 'Paris' }, 'Pariss')).toMatchObject({ pass: true });
    expect(await grade({ type: 'levenshtein', value: 'Paris', threshold: 0.9 }, 'Pariss')).toMatchObject({
      pass: false,
      score: 1 - 1 / 6,
    });
    expect(await grade({ type: 'levenshtein', value: 'Paris', negate: true }, 'London')).toMatchObject({ pass: true });
  });

  it('bleu, rouge-*, f1: pass at 0.5 by default, at the threshold when set', async () => {
    // f1 of "the Panthers" against "Carolina Panthers" is 2/3.
    expect(await grade({ type: 'f1', value: 'Carolina Panthers' }, 'the Panthers')).toMatchObject({ pass: true });
    expect(await grade({ type: 'f1', value: 'Carolina Panthers', threshold: 0.7 }, 'the Panthers')).toMatchObject({
      pass: false,
    });
    // ROUGE-L of S3 against S1 in Lin (2004) is 0.5: passes the default, fails a 0.6 threshold.
    const s1 = 'police killed the gunman';
    expect(await grade({ type: 'rouge-l', value: s1 }, 'the gunman kill police')).toMatchObject({ pass: true, score: 0.5 });
    expect(await grade({ type: 'rouge-l', value: s1, threshold: 0.6 }, 'the gunman kill police')).toMatchObject({
      pass: false,
    });
    expect(await grade({ type: 'bleu', value: 'the cat is on the mat', threshold: 0.99 }, 'the cat is on the mat')).toMatchObject({
      pass: true,
      score: 1,
    });
  });

  it('a missing latency is the assertion error, not a failure', async () => {
    expect(await grade({ type: 'latency', value: 100 }, 'x')).toMatchObject({
      pass: false,
      error: 'latency: no latency was recorded for this answer',
    });
  });
});
