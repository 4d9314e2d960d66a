/** User metrics share the `javascript` metric's time limit: a runaway loop fails the assertion after 5 s. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadUserMetric } from '../../src/metrics/user-metric.js';
import { fixturesDir, scoreMetric } from './test-metric.js';

describe('user metric time limit', () => {
  // Waits out the real default (5 s): before the limit existed, this test hung its worker for good.
  it('fails a function that never returns with "timed out after 5000 ms"', async () => {
    const plugin = await loadUserMetric('runaway', join(fixturesDir, 'runaway-metric.mjs'));
    const error = await scoreMetric(plugin, undefined, 'hello').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'METRIC_ERROR', message: 'metric runaway timed out after 5000 ms' });
  });
});
