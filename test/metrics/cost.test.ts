import { describe, expect, it } from 'vitest';
import cost from '../../src/metrics/cost.js';
import { prepareMetric } from './test-metric.js';

describe('cost', () => {
  it('passes when the call cost at most the limit, in US dollars', async () => {
    const score = (usd: number) => prepareMetric(cost, 0.002, { result: { cost: usd } }).then((s) => s('ok'));
    expect(await score(0.00123456)).toEqual({ pass: true, reason: 'cost $0.001235, within the limit of $0.002' });
    expect((await score(0.002)).pass).toBe(true);
    expect(await score(0.0125)).toEqual({ pass: false, reason: 'cost $0.0125, over the limit of $0.002' });
    expect((await score(0)).pass).toBe(true);
  });

  it('is an error when no cost was recorded', async () => {
    await expect((await prepareMetric(cost, 1))('ok')).rejects.toMatchObject({ code: 'METRIC_ERROR' });
  });

  it('rejects a limit that is not a non-negative number', async () => {
    for (const value of [undefined, -0.5, '$1']) {
      await expect(prepareMetric(cost, value)).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
    }
  });
});
