import { describe, expect, it } from 'vitest';
import containsAll from '../../src/metrics/contains-all.js';
import { prepareMetric, scoreMetric } from './test-metric.js';

describe('contains-all', () => {
  it('passes when every item is present', async () => {
    expect(await scoreMetric(containsAll, ['order', 'refund'], 'order 7: refund sent')).toEqual({
      pass: true,
      reason: 'found all of "order", "refund"',
    });
  });

  it('fails naming what is missing and what was found', async () => {
    expect(await scoreMetric(containsAll, ['order', 'refund', 'date'], 'order shipped')).toEqual({
      pass: false,
      reason: 'missing "refund", "date" (found "order")',
    });
    expect(await scoreMetric(containsAll, ['order'], 'nothing')).toEqual({ pass: false, reason: 'missing "order"' });
  });

  it('accepts a comma-separated string', async () => {
    expect((await scoreMetric(containsAll, 'order, refund', 'refund for order 7')).pass).toBe(true);
    expect((await scoreMetric(containsAll, 'order, refund', 'order 7')).pass).toBe(false);
  });

  it('gives a pass/fail score only (partial credit would read wrongly under not-)', async () => {
    expect((await scoreMetric(containsAll, ['a', 'b'], 'a')).score).toBeUndefined();
  });

  it('rejects an empty list', async () => {
    await expect(prepareMetric(containsAll, [])).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
  });
});
