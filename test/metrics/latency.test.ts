import { describe, expect, it } from 'vitest';
import latency from '../../src/metrics/latency.js';
import { prepareMetric } from './test-metric.js';

describe('latency', () => {
  it('passes when the recorded latency is within the limit, inclusive', async () => {
    const score = (latencyMs: number) => prepareMetric(latency, 2000, { result: { latencyMs } }).then((s) => s('ok'));
    expect(await score(850)).toEqual({ pass: true, reason: 'latency 850 ms, within the limit of 2000 ms' });
    expect((await score(2000)).pass).toBe(true);
    expect(await score(2001)).toEqual({ pass: false, reason: 'latency 2001 ms, over the limit of 2000 ms' });
  });

  it('is an error, not a verdict, when no latency was recorded', async () => {
    const score = await prepareMetric(latency, 1000);
    await expect(score('ok')).rejects.toMatchObject({ code: 'METRIC_ERROR' });
  });

  it('rejects a limit that is not a non-negative number', async () => {
    for (const value of [undefined, -1, '2s', Number.NaN]) {
      await expect(prepareMetric(latency, value)).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
    }
  });
});
