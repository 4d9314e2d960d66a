/**
 * ROUGE-1 F1 on hand-counted examples. Tokens are lowercase runs of letters and digits, as in the original
 * ROUGE-1.5.5 and Google's rouge_score (`[^a-z0-9]+` → space), with no stemming.
 */
import { describe, expect, it } from 'vitest';
import rouge1 from '../../src/metrics/rouge-1.js';
import { rougeTokens } from '../../src/metrics/rouge-shared.js';
import { prepareMetric, scoreMetric } from './test-metric.js';

describe('rouge-1', () => {
  it('counts clipped unigram overlap and reports F1 with its precision and recall', async () => {
    // reference: the cat sat on the mat            → 6 tokens, "the" twice
    // candidate: the cat was on the mat too        → 7 tokens, "the" twice
    // overlap:   the ×min(2,2) = 2, cat, on, mat   → 5
    // P = 5/7, R = 5/6, F1 = 2PR/(P+R) = (50/42)/(65/42) = 10/13
    const result = await scoreMetric(rouge1, 'the cat sat on the mat', 'The cat was on the mat, too.');
    expect(result.score).toBeCloseTo(10 / 13, 12);
    expect(result).toEqual({
      pass: true,
      score: result.score,
      reason: 'ROUGE-1 F1 0.7692 (P 0.7143 = 5/7, R 0.8333 = 5/6 unigrams)',
    });
  });

  it('credits a repeated word only as often as the reference has it', async () => {
    // candidate "the the the the": 4 tokens, reference has "the" twice → overlap 2; P = 2/4, R = 2/6, F1 = 0.4
    expect((await scoreMetric(rouge1, 'the cat sat on the mat', 'the the the the')).score).toBeCloseTo(0.4, 12);
  });

  it('tokenizes as ROUGE does: lowercase, punctuation and symbols separate words', () => {
    expect(rougeTokens("The U.S.A.'s GDP-growth: 3.5%!")).toEqual(['the', 'u', 's', 'a', 's', 'gdp', 'growth', '3', '5']);
    // Beyond ASCII, letters and digits of any script are words too (rouge_score would drop them).
    expect(rougeTokens('Café Ünïcode — 東京')).toEqual(['café', 'ünïcode', '東京']);
  });

  it('takes the best F1 over several references and says which one', async () => {
    const score = await prepareMetric(rouge1, ['completely different words', 'the cat sat on the mat']);
    expect(await score('the cat sat on the mat')).toEqual({
      pass: true,
      score: 1,
      reason: 'ROUGE-1 F1 1.0000 (P 1.0000 = 6/6, R 1.0000 = 6/6 unigrams) against reference 2 of 2',
    });
  });

  it('fails below F1 0.5 without a threshold, and scores an output without words 0', async () => {
    expect(await scoreMetric(rouge1, 'the cat sat on the mat', 'a dog')).toEqual({
      pass: false,
      score: 0,
      reason: 'ROUGE-1 F1 0.0000 (P 0.0000 = 0/2, R 0.0000 = 0/6 unigrams)',
    });
    expect((await scoreMetric(rouge1, 'the cat', '...')).score).toBe(0);
  });

  it('rejects a missing value, an empty one, or a reference without words', async () => {
    for (const value of [undefined, '', [], ['ok', 3], '?!', { text: 'x' }]) {
      await expect(prepareMetric(rouge1, value)).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
    }
  });
});
