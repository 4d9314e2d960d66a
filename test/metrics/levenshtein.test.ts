import { describe, expect, it } from 'vitest';
import levenshtein, { levenshteinDistance } from '../../src/metrics/levenshtein.js';
import { prepareMetric, scoreMetric } from './test-metric.js';

const distance = (a: string, b: string) => levenshteinDistance(Array.from(a), Array.from(b));

describe('levenshtein', () => {
  it('computes the edit distance (textbook cases)', () => {
    expect(distance('kitten', 'sitting')).toBe(3); // k→s, e→i, +g
    expect(distance('flaw', 'lawn')).toBe(2); // −f, +n
    expect(distance('', 'abc')).toBe(3);
    expect(distance('abc', '')).toBe(3);
    expect(distance('same', 'same')).toBe(0);
    expect(distance('abcdef', 'azcdqf')).toBe(2); // prefix and suffix trimmed, then two substitutions
    expect(distance('ab', 'ba')).toBe(2); // no transpositions: this is Levenshtein, not Damerau
  });

  it('counts code points, so an emoji or an accented letter is one character', () => {
    expect(distance('I ❤️ JS', 'I ❤ JS')).toBe(1); // the variation selector U+FE0F is the one extra code point
    expect(distance('👍', '👎')).toBe(1);
    expect(distance('café', 'cafe')).toBe(1);
  });

  it('scores similarity 1 − d / longer length; a bare text passes within distance 5', async () => {
    expect(await scoreMetric(levenshtein, 'kitten', 'sitting')).toEqual({
      pass: true,
      score: 1 - 3 / 7,
      reason: 'edit distance 3 from "kitten" (similarity 0.5714), within the maximum of 5',
    });
    const far = await scoreMetric(levenshtein, 'Paris', 'The capital is Paris');
    expect(far).toEqual({
      pass: false,
      score: 0.25,
      reason: 'edit distance 15 from "Paris" (similarity 0.2500), over the maximum of 5',
    });
  });

  it('takes maxDistance or minSimilarity', async () => {
    const strict = await prepareMetric(levenshtein, { expected: 'colour', maxDistance: 1 });
    expect((await strict('color')).pass).toBe(true);
    expect((await strict('colr')).pass).toBe(false);
    const similar = await prepareMetric(levenshtein, { expected: 'colour', minSimilarity: 0.8 });
    expect(await similar('color')).toEqual({
      pass: true,
      score: 1 - 1 / 6,
      reason: 'edit distance 1 from "colour" (similarity 0.8333) ≥ minSimilarity 0.8',
    });
    expect((await similar('colr')).reason).toBe('edit distance 2 from "colour" (similarity 0.6667) < minSimilarity 0.8');
  });

  it('compares numbers as their text, and two empty texts as identical', async () => {
    expect((await scoreMetric(levenshtein, 12345, '12346')).score).toBeCloseTo(0.8, 12);
    expect(await scoreMetric(levenshtein, { expected: '' }, '')).toMatchObject({ pass: true, score: 1 });
  });

  it('shortens a long expected text in the reason', async () => {
    const long = 'x'.repeat(100);
    expect((await scoreMetric(levenshtein, long, long)).reason).toBe(
      `edit distance 0 from "${'x'.repeat(60)}"… (similarity 1.0000), within the maximum of 5`,
    );
  });

  // No clock: 4,050 characters a side is ~16 M steps for the intended algorithm (well under a second), while an
  // exponential one would not finish, and the test's time limit catches that.
  it('handles long texts in reasonable time', async () => {
    const a = 'lorem ipsum dolor sit amet '.repeat(150);
    const b = a.replaceAll('o', '0');
    expect(distance(a, b)).toBe(a.split('o').length - 1);
  });

  it('rejects a missing value, both limits at once, or a non-text expectation', async () => {
    for (const value of [undefined, null, { maxDistance: 1 }, { expected: 'a', maxDistance: 1, minSimilarity: 0.5 }, [1]]) {
      await expect(prepareMetric(levenshtein, value)).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
    }
  });
});
