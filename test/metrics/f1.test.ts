/**
 * Token F1 as the official SQuAD evaluation script (evaluate-v2.0.py, `normalize_answer` / `compute_f1`)
 * computes it. Each expectation below is what that script returns for the same strings; the counting is shown.
 */
import { describe, expect, it } from 'vitest';
import f1, { squadTokens } from '../../src/metrics/f1.js';
import { prepareMetric, scoreMetric } from './test-metric.js';

async function f1Of(gold: unknown, prediction: string): Promise<number> {
  return (await scoreMetric(f1, gold, prediction)).score as number;
}

describe('f1', () => {
  it('normalises like SQuAD: lowercase, ASCII punctuation deleted, articles dropped, whitespace collapsed', () => {
    expect(squadTokens('  The Denver   Broncos. ')).toEqual(['denver', 'broncos']);
    // Punctuation is deleted, not replaced by a space: one token each.
    expect(squadTokens("The Eiffel-Tower! Don't U.S.A.")).toEqual(['eiffeltower', 'dont', 'usa']);
    // Articles only as whole words: "and", "anna", "theory" stay.
    expect(squadTokens('Anna and an theory of the band')).toEqual(['anna', 'and', 'theory', 'of', 'band']);
    // string.punctuation is ASCII only: "¿" stays, "?" goes. Python's \b is Unicode-aware, so the "a" of "año"
    // is no article (an ASCII-only \b would cut "año" to "ño").
    expect(squadTokens('¿Qué? A café, un año')).toEqual(['¿qué', 'café', 'un', 'año']);
  });

  it('scores the overlap of normalised tokens', async () => {
    // "The Denver Broncos." → [denver, broncos] = gold tokens → 1
    expect(await f1Of('Denver Broncos', 'The Denver Broncos.')).toBe(1);
    // [in, 1889] vs [1889]: 1 shared; P = 1/2, R = 1/1, F1 = 2/3
    expect(await f1Of('1889', 'in 1889.')).toBeCloseTo(2 / 3, 12);
    // [cats, dogs, dogs] vs [dogs, dogs, birds]: dogs min(2,2) = 2 shared; P = R = 2/3
    expect(await f1Of('dogs dogs birds', 'cats dogs dogs')).toBeCloseTo(2 / 3, 12);
    // [eiffeltower] vs [eiffel, tower]: nothing shared → 0
    expect(await f1Of('Eiffel Tower', 'the Eiffel-Tower')).toBe(0);
  });

  it('reports the counts, and passes at F1 ≥ 0.5 without a threshold', async () => {
    expect(await scoreMetric(f1, 'Carolina Panthers', 'the Panthers')).toEqual({
      pass: true,
      score: expect.closeTo(2 / 3, 12),
      reason: 'F1 0.6667 against "Carolina Panthers": 1 shared of 1 predicted and 2 gold tokens',
    });
    // [levi, stadium, in, santa, clara] vs [santa, clara, california]: P = 2/5, R = 2/3, F1 = 0.5 exactly → pass
    expect(await scoreMetric(f1, 'Santa Clara, California', 'Levi Stadium in Santa Clara')).toMatchObject({
      pass: true,
      score: expect.closeTo(0.5, 12),
    });
    // [levis, stadium, in, santa, clara, ca]: P = 2/6, R = 2/3, F1 = 4/9 → fail
    expect(await scoreMetric(f1, 'Santa Clara, California', "Levi's Stadium in Santa Clara, CA")).toMatchObject({
      pass: false,
      score: expect.closeTo(4 / 9, 12),
    });
  });

  it('takes the best gold answer, accepting numbers as answers', async () => {
    const score = await prepareMetric(f1, ['Denver Broncos', 'Broncos', 1889]);
    expect(await score('Broncos')).toEqual({
      pass: true,
      score: 1,
      reason: 'F1 1.0000 against "Broncos" (best of 3 answers): 1 shared of 1 predicted and 1 gold tokens',
    });
    expect((await score('It opened in 1889')).score).toBeCloseTo(0.4, 12); // [it, opened, in, 1889] vs [1889]
  });

  it('treats an empty answer as SQuAD 2.0 does: 1 when both are empty, 0 when one is', async () => {
    expect(await f1Of('', '')).toBe(1);
    expect(await f1Of('', 'The.')).toBe(1); // "The." normalises to nothing
    expect(await f1Of('', 'Broncos')).toBe(0);
    expect(await f1Of('Broncos', '')).toBe(0);
  });

  it('rejects a missing or malformed value', async () => {
    for (const value of [undefined, [], [{ a: 1 }], { answer: 'x' }, true]) {
      await expect(prepareMetric(f1, value)).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
    }
  });
});
