import { describe, expect, it } from 'vitest';
import { LlmlabError } from '../../src/errors.js';
import contains from '../../src/metrics/contains.js';
import { prepareMetric, scoreMetric } from './test-metric.js';

describe('contains', () => {
  it('finds an exact substring and says where', async () => {
    expect(await scoreMetric(contains, 'reset link', 'We sent a reset link.')).toEqual({
      pass: true,
      reason: 'found "reset link" at 10',
    });
  });

  it('is case-sensitive and names what it missed', async () => {
    expect(await scoreMetric(contains, 'reset link', 'We sent a Reset Link.')).toEqual({
      pass: false,
      reason: '"reset link" not found',
    });
  });

  it('accepts a number from YAML and matches its text', async () => {
    expect((await scoreMetric(contains, 42, 'The answer is 42.')).pass).toBe(true);
    expect((await scoreMetric(contains, 4.5, 'rated 4.5 stars')).pass).toBe(true);
    expect((await scoreMetric(contains, 42, 'The answer is 4 2.')).pass).toBe(false);
  });

  it('treats regex characters literally', async () => {
    expect((await scoreMetric(contains, 'a.b*', 'x a.b* y')).pass).toBe(true);
    expect((await scoreMetric(contains, 'a.b*', 'x aXbbb y')).pass).toBe(false);
  });

  it('rejects an empty or missing value as a config error', async () => {
    for (const value of ['', undefined, null, ['a']]) {
      await expect(prepareMetric(contains, value)).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
    }
    await expect(prepareMetric(contains, '')).rejects.toBeInstanceOf(LlmlabError);
  });
});
