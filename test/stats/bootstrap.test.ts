import { describe, expect, it } from 'vitest';
import { LlmlabError } from '../../src/errors.js';
import {
  bootstrapInterval,
  bootstrapReplicates,
  percentileInterval,
} from '../../src/stats/bootstrap.js';
import { mean, quantileSorted, sampleVariance } from '../../src/stats/descriptive.js';
import { tInterval } from '../../src/stats/means.js';
import { createRng } from '../../src/stats/rng.js';
import { expectClose } from './close.js';

function sample(n: number, seed: number): number[] {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => rng.float() ** 2);
}

describe('quantileSorted', () => {
  it('is Hyndman–Fan type 7: quantile(1:100, c(.025, .975)) = 3.475, 97.525 as in R', () => {
    // h = (n − 1)p = 2.475 → x[3] + 0.475 (x[4] − x[3]) = 3.475; h = 96.525 → 97.525.
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expectClose(quantileSorted(values, 0.025), 3.475, 1e-14);
    expectClose(quantileSorted(values, 0.975), 97.525, 1e-14);
    expect(quantileSorted(values, 0)).toBe(1);
    expect(quantileSorted(values, 1)).toBe(100);
    expect(quantileSorted([], 0.5)).toBeNaN();
  });
});

describe('bootstrapInterval', () => {
  it('is deterministic for a seed and changes with it', () => {
    const values = sample(200, 3);
    const a = bootstrapInterval(values, { seed: 11 });
    expect(bootstrapInterval(values, { seed: 11 })).toEqual(a);
    expect(bootstrapInterval(values, { seed: 12 })?.low).not.toBe(a?.low);
    expect(a).toMatchObject({ resamples: 2000, seed: 11, n: 200, confidence: 0.95 });
    expect(a?.estimate).toBe(mean(values));
  });

  it('has the bootstrap SE of a mean: √((n−1)/n) · s/√n within Monte-Carlo error', () => {
    // The plug-in (bootstrap) variance of a resampled mean is exactly (n−1)/n · s²/n; with B = 4000 the SE is
    // estimated to about ±2.2 % (1/√(2B)), so 6 % is a safe bound.
    const values = sample(500, 5);
    const n = values.length;
    const expected = Math.sqrt(((n - 1) / n) * (sampleVariance(values) / n));
    const result = bootstrapInterval(values, { seed: 1, resamples: 4000 });
    expectClose(result?.se, expected, 0.06);
  });

  it('agrees with the t interval for a large, well-behaved sample', () => {
    const values = sample(2000, 8);
    const boot = bootstrapInterval(values, { seed: 4 });
    const t = tInterval(values);
    const width = (t?.high as number) - (t?.low as number);
    expect(Math.abs((boot?.low as number) - (t?.low as number))).toBeLessThan(0.1 * width);
    expect(Math.abs((boot?.high as number) - (t?.high as number))).toBeLessThan(0.1 * width);
  });

  it('bootstraps any statistic, e.g. the median', () => {
    const median = (xs: ArrayLike<number>) => quantileSorted(Float64Array.from(xs).sort(), 0.5);
    const values = sample(301, 6);
    const result = bootstrapInterval(values, { seed: 2, statistic: median, resamples: 500 });
    expect(result?.estimate).toBe(median(values));
    expect(result?.low).toBeLessThan(result?.estimate as number);
    expect(result?.high).toBeGreaterThan(result?.estimate as number);
  });

  it('is null for no values and a point for one value or constant values', () => {
    expect(bootstrapInterval([])).toBeNull();
    expect(bootstrapInterval([0.4])).toMatchObject({ estimate: 0.4, low: 0.4, high: 0.4, se: 0 });
    expect(bootstrapInterval([1, 1, 1, 1])).toMatchObject({ low: 1, high: 1, se: 0 });
  });

  it('rejects bad resample counts and non-finite values', () => {
    expect(() => bootstrapReplicates([1, 2], 0)).toThrow(/resamples/);
    expect(() => bootstrapReplicates([1, NaN])).toThrow(LlmlabError);
    expect(() => bootstrapReplicates([])).toThrow(/empty/);
  });

  it('percentileInterval reads the bounds off sorted replicates', () => {
    const replicates = Float64Array.from({ length: 100 }, (_, i) => 100 - i);
    const result = percentileInterval(replicates, 0.95);
    expectClose(result.low, 3.475, 1e-14);
    expectClose(result.high, 97.525, 1e-14);
  });

  it('performance: 10,000 values × 2,000 resamples (measured, not asserted)', () => {
    const values = sample(10_000, 10);
    const started = performance.now();
    const result = bootstrapInterval(values, { seed: 1, resamples: 2000 });
    const elapsed = performance.now() - started;
    console.info(`bootstrap 10,000 × 2,000: ${elapsed.toFixed(0)} ms`);
    expect(result?.n).toBe(10_000);
  });
});
