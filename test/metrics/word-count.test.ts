import { describe, expect, it } from 'vitest';
import wordCount from '../../src/metrics/word-count.js';
import { prepareMetric, scoreMetric } from './test-metric.js';

describe('word-count', () => {
  it('counts runs of non-whitespace as words', async () => {
    const exactly = await prepareMetric(wordCount, 4);
    expect(await exactly("  Don't stop\n\tthe well-known\u00a0 ")).toEqual({ pass: true, reason: '4 words (wanted exactly 4)' });
    expect(await exactly('one two three')).toEqual({ pass: false, reason: '3 words, wanted exactly 4' });
    expect(await scoreMetric(wordCount, 0, '   ')).toEqual({ pass: true, reason: '0 words (wanted exactly 0)' });
  });

  it('checks an inclusive range, either bound optional', async () => {
    const range = await prepareMetric(wordCount, { min: 2, max: 3 });
    expect((await range('a b')).pass).toBe(true);
    expect((await range('a b c')).pass).toBe(true);
    expect(await range('a')).toEqual({ pass: false, reason: '1 words, wanted 2 to 3' });
    expect(await range('a b c d')).toEqual({ pass: false, reason: '4 words, wanted 2 to 3' });
    expect((await scoreMetric(wordCount, { max: 2 }, 'a b c')).reason).toBe('3 words, wanted at most 2');
    expect((await scoreMetric(wordCount, { min: 2 }, 'a')).reason).toBe('1 words, wanted at least 2');
    expect((await scoreMetric(wordCount, { min: 2 }, 'a b c d e f')).pass).toBe(true);
  });

  it('gives pass/fail only, no partial score', async () => {
    expect((await scoreMetric(wordCount, 3, 'a b')).score).toBeUndefined();
  });

  it('rejects a missing, negative, fractional, empty or inverted value', async () => {
    for (const value of [undefined, -1, 2.5, '3', {}, { min: -1 }, { max: 1.5 }, { min: 5, max: 2 }, [1, 2]]) {
      await expect(prepareMetric(wordCount, value)).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
    }
    await expect(prepareMetric(wordCount, { min: 5, max: 2 })).rejects.toThrow('word-count: min (5) is greater than max (2)');
  });
});
