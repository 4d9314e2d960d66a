import { describe, expect, it } from 'vitest';
import length from '../../src/metrics/length.js';
import { prepareMetric, scoreMetric } from './test-metric.js';

describe('length', () => {
  it('counts Unicode code points, whitespace included', async () => {
    expect(await scoreMetric(length, 5, 'hello')).toEqual({ pass: true, reason: '5 characters (wanted exactly 5)' });
    expect((await scoreMetric(length, 3, 'a b')).pass).toBe(true);
    expect((await scoreMetric(length, 4, 'café')).pass).toBe(true);
    // '👍' is one code point but two UTF-16 units: String.length would say 2.
    expect((await scoreMetric(length, 1, '👍')).pass).toBe(true);
    expect((await scoreMetric(length, 0, '')).pass).toBe(true);
  });

  it('checks an inclusive range', async () => {
    const range = await prepareMetric(length, { min: 2, max: 4 });
    expect((await range('ab')).pass).toBe(true);
    expect((await range('abcd')).pass).toBe(true);
    expect(await range('abcde')).toEqual({ pass: false, reason: '5 characters, wanted 2 to 4' });
    expect(await scoreMetric(length, { max: 10 }, 'short')).toEqual({
      pass: true,
      reason: '5 characters (wanted at most 10)',
    });
  });

  it('rejects a value that is not a count or a range', async () => {
    for (const value of [undefined, -3, 'long', { min: 3, max: 1 }]) {
      await expect(prepareMetric(length, value)).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
    }
  });
});
