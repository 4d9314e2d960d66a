import { describe, expect, it } from 'vitest';
import icontainsAll from '../../src/metrics/icontains-all.js';
import icontainsAny from '../../src/metrics/icontains-any.js';
import { prepareMetric, scoreMetric } from './test-metric.js';

describe('icontains-any / icontains-all', () => {
  it('icontains-any passes on the first item found ignoring case, and names all it looked for when none is', async () => {
    expect(await scoreMetric(icontainsAny, 'refund, credit', 'Store CREDIT it is')).toEqual({ pass: true, reason: 'found "credit" (ignoring case)' });
    expect(await scoreMetric(icontainsAny, ['refund', 'credit'], 'no')).toEqual({ pass: false, reason: 'none of "refund", "credit" found (ignoring case)' });
  });

  it('icontains-all needs every item, folding case as icontains does (ß = SS)', async () => {
    expect((await scoreMetric(icontainsAll, ['STRASSE', 'order'], 'Die Straße: ORDER 7')).pass).toBe(true);
    expect(await scoreMetric(icontainsAll, ['order', 'refund'], 'Your ORDER shipped')).toEqual({
      pass: false,
      reason: 'missing "refund" (ignoring case); found "order"',
    });
  });

  it('rejects an empty value like contains-any', async () => {
    await expect(prepareMetric(icontainsAny, ' , ')).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
  });
});
