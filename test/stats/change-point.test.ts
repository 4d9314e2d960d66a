import { describe, expect, it } from 'vitest';
import { binomialChangePoints, binomialSample, meanChangePoints } from '../../src/stats/change-point.js';
import { createRng, type Rng } from '../../src/stats/rng.js';
import { normalSample } from '../../src/stats/thompson.js';

/** passes of `runs` runs of n cells each, rate `rateAt(i)` in run i. */
function binomialSeries(rng: Rng, runs: number, n: number, rateAt: (i: number) => number): { passes: number[]; trials: number[] } {
  const passes: number[] = [];
  for (let i = 0; i < runs; i++) passes.push(binomialSample(rng, n, rateAt(i)));
  return { passes, trials: Array<number>(runs).fill(n) };
}

describe('binomialSample', () => {
  it('has the binomial mean and variance, for small and large n', () => {
    const rng = createRng(7);
    for (const [n, p] of [[20, 0.3], [50_000, 0.999], [100, 0.8]] as const) {
      const draws = Array.from({ length: 20_000 }, () => binomialSample(rng, n, p));
      const mean = draws.reduce((s, x) => s + x, 0) / draws.length;
      const variance = draws.reduce((s, x) => s + (x - mean) ** 2, 0) / (draws.length - 1);
      const sd = Math.sqrt(n * p * (1 - p));
      // 5 standard errors of the mean, and the variance within 5 %.
      expect(Math.abs(mean - n * p)).toBeLessThan((5 * sd) / Math.sqrt(draws.length));
      expect(variance / (sd * sd)).toBeGreaterThan(0.95);
      expect(variance / (sd * sd)).toBeLessThan(1.05);
      expect(draws.every((x) => Number.isInteger(x) && x >= 0 && x <= n)).toBe(true);
    }
  });
});

describe('binomialChangePoints', () => {
  it('flags a stationary series (20 runs, n = 100, p = 0.8) in at most 5 % of 500 simulations', () => {
    const rng = createRng(1);
    let flagged = 0;
    for (let s = 0; s < 500; s++) {
      const { passes, trials } = binomialSeries(rng, 20, 100, () => 0.8);
      if (binomialChangePoints(passes, trials).length > 0) flagged++;
    }
    expect(flagged).toBeLessThanOrEqual(25);
  });

  // 200 series, not 500: a series with a shift runs all 999 Monte Carlo draws, and the test should stay fast.
  it('finds a +20 pp shift at run 10 within one run in at least 80 % of 200 simulations', () => {
    const rng = createRng(2);
    let found = 0;
    for (let s = 0; s < 200; s++) {
      const { passes, trials } = binomialSeries(rng, 20, 100, (i) => (i < 10 ? 0.6 : 0.8));
      const points = binomialChangePoints(passes, trials, { seed: s });
      const near = points.find((c) => Math.abs(c.index - 10) <= 1);
      if (near && near.shift > 0.1) found++;
    }
    expect(found).toBeGreaterThanOrEqual(160);
  });

  it('reports the shift between the segments and its p-value', () => {
    const passes = [80, 79, 81, 80, 82, 78, 60, 61, 59, 60, 62, 58];
    const points = binomialChangePoints(passes, Array<number>(12).fill(100));
    expect(points).toHaveLength(1);
    expect(points[0]!.index).toBe(6);
    expect(points[0]!.before).toBeCloseTo(0.8, 10);
    expect(points[0]!.after).toBeCloseTo(0.6, 10);
    expect(points[0]!.shift).toBeCloseTo(-0.2, 10);
    expect(points[0]!.pValue).toBeLessThanOrEqual(0.01);
    expect(points[0]!.pValue).toBeGreaterThan(0);
  });

  it('finds nothing in a series too short to split, or constant', () => {
    expect(binomialChangePoints([], [])).toEqual([]);
    expect(binomialChangePoints([10, 90, 90], [100, 100, 100])).toEqual([]);
    expect(binomialChangePoints(Array<number>(15).fill(80), Array<number>(15).fill(100))).toEqual([]);
    expect(binomialChangePoints(Array<number>(15).fill(100), Array<number>(15).fill(100))).toEqual([]);
  });

  it('skips runs with no trials, and indexes the original runs', () => {
    const passes = [80, 80, 0, 81, 79, 80, 40, 41, 39, 40, 40];
    const trials = [100, 100, 0, 100, 100, 100, 100, 100, 100, 100, 100];
    expect(binomialChangePoints(passes, trials).map((c) => c.index)).toEqual([6]);
  });

  it('is deterministic for a seed', () => {
    const passes = [50, 55, 48, 60, 52, 58, 61, 57];
    const trials = Array<number>(8).fill(100);
    expect(binomialChangePoints(passes, trials, { alpha: 0.5, seed: 3 })).toEqual(binomialChangePoints(passes, trials, { alpha: 0.5, seed: 3 }));
  });

  it('rejects impossible counts', () => {
    expect(() => binomialChangePoints([5], [4])).toThrow(/exceeds/);
    expect(() => binomialChangePoints([1, 2], [4])).toThrow(/length/);
  });
});

describe('meanChangePoints', () => {
  it('flags a stationary series of means rarely and finds a shift of 4 standard errors', () => {
    const rng = createRng(5);
    let falseAlarms = 0;
    let found = 0;
    for (let s = 0; s < 100; s++) {
      const flat = Array.from({ length: 20 }, () => 0.7 + 0.02 * normalSample(rng));
      if (meanChangePoints(flat, Array<number>(20).fill(0.02)).length > 0) falseAlarms++;
      const shifted = Array.from({ length: 20 }, (_, i) => (i < 12 ? 0.7 : 0.78) + 0.02 * normalSample(rng));
      if (meanChangePoints(shifted, Array<number>(20).fill(0.02)).some((c) => Math.abs(c.index - 12) <= 1)) found++;
    }
    expect(falseAlarms).toBeLessThanOrEqual(5);
    expect(found).toBeGreaterThanOrEqual(80);
  });

  it('finds nothing in a constant series or one without standard errors', () => {
    expect(meanChangePoints(Array<number>(10).fill(0.5), Array<number>(10).fill(0.01))).toEqual([]);
    expect(meanChangePoints([0.1, 0.1, 0.1, 0.9, 0.9, 0.9], Array<number>(6).fill(0))).toEqual([]);
  });
});
