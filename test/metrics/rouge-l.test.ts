/** ROUGE-L F1 (longest common subsequence) on the examples of Lin (2004), §3.1.1, and hand-counted ones. */
import { describe, expect, it } from 'vitest';
import rougeL from '../../src/metrics/rouge-l.js';
import { lcsLength } from '../../src/metrics/text-overlap.js';
import { prepareMetric, scoreMetric } from './test-metric.js';

describe('rouge-l', () => {
  it('reproduces Lin (2004): S2 scores 3/4 and S3 scores 2/4 against S1, with β = 1', async () => {
    // Lin 2004, §3.1.1: reference S1 "police killed the gunman". S2 "police kill the gunman" shares the
    // subsequence "police … the gunman" (3 of 4 words) → 3/4; S3 "the gunman kill police" shares only
    // "the gunman" → 2/4. All texts have 4 words, so P = R = F.
    const score = await prepareMetric(rougeL, 'police killed the gunman');
    expect(await score('police kill the gunman')).toEqual({
      pass: true,
      score: 0.75,
      reason: 'ROUGE-L F1 0.7500 (P 0.7500 = 3/4, R 0.7500 = 3/4 LCS words)',
    });
    expect((await score('the gunman kill police')).score).toBe(0.5);
    // S4 of the same section, "the gunman police killed": its LCS with S1 is also 2 words.
    expect((await score('the gunman police killed')).score).toBe(0.5);
  });

  it('credits in-order matches that are not adjacent', async () => {
    // reference a b c d e f (6), candidate a x c y e (5): LCS "a c e" = 3; P = 3/5, R = 3/6, F1 = 6/11
    expect((await scoreMetric(rougeL, 'a b c d e f', 'a x c y e')).score).toBeCloseTo(6 / 11, 12);
  });

  it('computes the LCS length for uneven and empty inputs', () => {
    expect(lcsLength(['a', 'b', 'c', 'b', 'd', 'a', 'b'], ['b', 'd', 'c', 'a', 'b', 'a'])).toBe(4); // CLRS: BCBA
    expect(lcsLength([], ['a'])).toBe(0);
    expect(lcsLength(['x'], ['x'])).toBe(1);
  });

  it('fails below F1 0.5 without a threshold, naming the best of several references', async () => {
    const score = await prepareMetric(rougeL, ['police killed the gunman', 'officers shot the suspect']);
    expect(await score('gunman kills police')).toEqual({
      pass: false,
      score: expect.closeTo(2 / 7, 12),
      reason: 'ROUGE-L F1 0.2857 (P 0.3333 = 1/3, R 0.2500 = 1/4 LCS words) against reference 1 of 2',
    });
  });
});
