import { describe, expect, it } from 'vitest';
import containsAny from '../../src/metrics/contains-any.js';
import { prepareMetric, scoreMetric } from './test-metric.js';

describe('contains-any', () => {
  it('passes on the first item found and names it', async () => {
    expect(await scoreMetric(containsAny, ['refund', 'credit'], 'store credit or a refund')).toEqual({
      pass: true,
      reason: 'found "refund"',
    });
  });

  it('fails naming every item it looked for', async () => {
    expect(await scoreMetric(containsAny, ['refund', 'credit'], 'Sorry, no.')).toEqual({
      pass: false,
      reason: 'none of "refund", "credit" found',
    });
  });

  it('accepts a comma-separated string, trimming items and dropping empty ones', async () => {
    const score = await prepareMetric(containsAny, ' refund ,, credit ,');
    expect(await score('a credit')).toEqual({ pass: true, reason: 'found "credit"' });
    expect(await score('a debit')).toEqual({ pass: false, reason: 'none of "refund", "credit" found' });
  });

  it('keeps a phrase with a comma whole when given as a list', async () => {
    expect((await scoreMetric(containsAny, ['Hello, world'], 'Hello there, world')).pass).toBe(false);
    expect((await scoreMetric(containsAny, ['Hello, world'], 'Hello, world!')).pass).toBe(true);
  });

  it('is case-sensitive and stringifies numbers', async () => {
    expect((await scoreMetric(containsAny, ['Refund'], 'refund')).pass).toBe(false);
    expect((await scoreMetric(containsAny, [404, 500], 'HTTP 500')).pass).toBe(true);
  });

  it('rejects an empty list, an all-empty string and a missing value', async () => {
    for (const value of [[], ' , ', undefined, { a: 1 }]) {
      await expect(prepareMetric(containsAny, value)).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
    }
  });
});
