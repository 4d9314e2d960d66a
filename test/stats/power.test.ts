import { describe, expect, it } from 'vitest';
import { minimumDetectableEffect, tCritical, zCritical } from '../../src/stats/power.js';
import { expectClose } from './close.js';

describe('critical values', () => {
  it('match the normal and t tables', () => {
    expectClose(zCritical(0.95), 1.959963984540054, 1e-15);
    expectClose(zCritical(0.99), 2.5758293035489004, 1e-15);
    expectClose(tCritical(0.95, 10), 2.228138851986274, 1e-13);
    expectClose(tCritical(0.9, 30), 1.6972608865939574, 1e-13);
  });

  it('reject a confidence outside (0, 1)', () => {
    expect(() => zCritical(1.2)).toThrow(/confidence/);
  });
});

describe('minimumDetectableEffect', () => {
  it('is (z_{0.975} + z_{0.8}) · se = 2.801585 · se at α = 0.05 and 80 % power', () => {
    // Table values: z_{0.975} = 1.959964, z_{0.80} = 0.841621.
    expectClose(minimumDetectableEffect(1), 1.959963984540054 + 0.8416212335729143, 1e-14);
    expectClose(minimumDetectableEffect(0.02), 0.02 * 2.801585218112968, 1e-14);
  });

  it('uses t quantiles with df: (t_{0.975,9} + t_{0.8,9}) · se', () => {
    // Table values: t_{0.975,9} = 2.262157, t_{0.80,9} = 0.883404.
    expectClose(minimumDetectableEffect(1, { df: 9 }), 2.262157162798205 + 0.8834038596855347, 1e-12);
  });

  it('grows with power and shrinks with α', () => {
    expect(minimumDetectableEffect(1, { power: 0.9 })).toBeGreaterThan(minimumDetectableEffect(1));
    expect(minimumDetectableEffect(1, { alpha: 0.1 })).toBeLessThan(minimumDetectableEffect(1));
    expect(minimumDetectableEffect(0)).toBe(0);
  });

  it('rejects a negative standard error and an impossible power', () => {
    expect(() => minimumDetectableEffect(-1)).toThrow(/standard error/);
    expect(() => minimumDetectableEffect(1, { power: 1 })).toThrow(/power/);
  });
});
