import { describe, expect, it } from 'vitest';
import { LlmlabError } from '../../src/errors.js';
import { pairedBootstrap, pairedTTest } from '../../src/stats/paired-scores.js';
import { createRng } from '../../src/stats/rng.js';
import { expectClose } from './close.js';

// Cushny & Peebles' sleep data as in Student (1908) and R's `sleep` dataset: extra hours of sleep with drug 1
// (group 1) and drug 2 (group 2) for the same ten patients.
const group1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0];
const group2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4];

function noisyPairs(n: number, shift: number, seed: number): [number[], number[]] {
  const rng = createRng(seed);
  const a = Array.from({ length: n }, () => rng.float());
  const b = a.map((x) => Math.min(1, Math.max(0, x + shift + (rng.float() - 0.5) * 0.4)));
  return [a, b];
}

describe('pairedTTest', () => {
  it('reproduces R: t.test(extra ~ group, data = sleep, paired = TRUE)', () => {
    // R ?sleep output: t = −4.0621, df = 9, p-value = 0.002833, 95 % CI −2.4598858 −0.7001142, mean
    // difference −1.58 (group 1 − group 2). We report b − a = group 2 − group 1, so the signs flip.
    const result = pairedTTest(group1, group2);
    expectClose(result?.estimate, 1.58, 1e-14);
    expectClose(result?.t, 4.0621, 1e-4);
    expect(result?.df).toBe(9);
    expectClose(result?.pValue, 0.002833, 2e-4);
    expectClose(result?.low, 0.7001142, 1e-7);
    expectClose(result?.high, 2.4598858, 1e-7);
  });

  it('p-value is 2 P(T₉ ≤ −|t|), cross-checked against the CI: at α = p the interval touches 0', () => {
    // Duality of test and interval: the (1 − p) interval has 0 as an endpoint.
    const result = pairedTTest(group1, group2);
    const atP = pairedTTest(group1, group2, 1 - (result?.pValue as number));
    expect(Math.abs(atP?.low as number)).toBeLessThan(1e-9);
  });

  it('MDE uses t quantiles: (t_{0.975,9} + t_{0.8,9}) · se', () => {
    const result = pairedTTest(group1, group2);
    expectClose(result?.mde, (2.262157162798205 + 0.8834038596855347) * (result?.se as number), 1e-12);
  });

  it('handles no difference, a constant shift and too few pairs', () => {
    expect(pairedTTest([1, 2, 3], [1, 2, 3])).toMatchObject({ estimate: 0, t: 0, pValue: 1, mde: null });
    expect(pairedTTest([1, 2, 3], [2, 3, 4])).toMatchObject({ estimate: 1, t: Infinity, pValue: 0, low: 1 });
    expect(pairedTTest([1, 2, 3], [0, 1, 2])).toMatchObject({ t: -Infinity, pValue: 0 });
    expect(pairedTTest([1], [2])).toBeNull();
  });

  it('does not underflow to NaN for an overwhelming difference', () => {
    const [a, b] = noisyPairs(5000, 0.3, 1);
    const p = pairedTTest(a, b)?.pValue as number;
    expect(Number.isNaN(p)).toBe(false);
    expect(p).toBeLessThan(1e-100);
  });

  it('rejects samples of different lengths', () => {
    expect(() => pairedTTest([1, 2], [1])).toThrow(/differ in length/);
    expect(() => pairedTTest([1, NaN], [1, 2])).toThrow(LlmlabError);
  });
});

describe('pairedBootstrap', () => {
  it('is deterministic for a seed', () => {
    const [a, b] = noisyPairs(300, 0.02, 2);
    const first = pairedBootstrap(a, b, { seed: 5 });
    expect(pairedBootstrap(a, b, { seed: 5 })).toEqual(first);
    expect(pairedBootstrap(a, b, { seed: 6 })?.low).not.toBe(first?.low);
    expect(first).toMatchObject({ resamples: 2000, seed: 5, n: 300 });
  });

  it('agrees with the paired t-test on a large sample: interval, p-value and MDE', () => {
    const [a, b] = noisyPairs(2000, 0.01, 3);
    const boot = pairedBootstrap(a, b, { seed: 1, resamples: 4000 });
    const t = pairedTTest(a, b);
    expect(boot?.estimate).toBe(t?.estimate);
    const width = (t?.high as number) - (t?.low as number);
    expect(Math.abs((boot?.low as number) - (t?.low as number))).toBeLessThan(0.1 * width);
    expect(Math.abs((boot?.high as number) - (t?.high as number))).toBeLessThan(0.1 * width);
    // t ≈ 2.5 here, p ≈ 0.01; the bootstrap's Monte-Carlo error on p is about √(p/B) ≈ 0.0016.
    expect(Math.abs((boot?.pValue as number) - (t?.pValue as number))).toBeLessThan(0.01);
    expectClose(boot?.mde, t?.mde as number, 0.08);
  });

  it('finds the sleep-data difference significant; p is a count over B + 1, never below 1/(B + 1)', () => {
    const result = pairedBootstrap(group1, group2, { seed: 1 });
    const count = (result?.pValue as number) * 2001;
    expectClose(count, Math.round(count), 1e-12);
    expect(result?.pValue).toBeGreaterThanOrEqual(1 / 2001);
    expect(result?.pValue).toBeLessThan(0.01);
    expect(result?.low).toBeGreaterThan(0);
    expectClose(result?.estimate, 1.58, 1e-14);
  });

  it('gives p = 1 for no difference, a point interval for a constant one, and null below two pairs', () => {
    expect(pairedBootstrap([1, 2, 3], [1, 2, 3])).toMatchObject({ estimate: 0, pValue: 1, mde: null, se: 0 });
    expect(pairedBootstrap([1, 2, 3], [2, 3, 4])).toMatchObject({ low: 1, high: 1, se: 0 });
    expect(pairedBootstrap([0.5], [0.7])).toBeNull();
  });
});
