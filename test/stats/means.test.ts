import { describe, expect, it } from 'vitest';
import { LlmlabError } from '../../src/errors.js';
import { mean, sampleVariance } from '../../src/stats/descriptive.js';
import { clusteredInterval, tInterval } from '../../src/stats/means.js';
import { createRng } from '../../src/stats/rng.js';
import { expectClose } from './close.js';

describe('tInterval', () => {
  it('matches a hand computation: 1..5 gives 3 ± 2.776445 · √2.5/√5', () => {
    // x̄ = 3, s² = 10/4 = 2.5, se = √(2.5/5) = 0.7071068, t_{0.975,4} = 2.776445 (t table).
    const interval = tInterval([1, 2, 3, 4, 5]);
    expect(interval?.estimate).toBe(3);
    expectClose(interval?.sd, Math.sqrt(2.5), 1e-15);
    expectClose(interval?.se, Math.sqrt(0.5), 1e-15);
    expect(interval?.df).toBe(4);
    expectClose(interval?.low, 3 - 2.7764451051977934 * Math.sqrt(0.5), 1e-13);
    expectClose(interval?.high, 3 + 2.7764451051977934 * Math.sqrt(0.5), 1e-13);
  });

  it('reproduces R’s one-sample t.test on the sleep differences: 1.58, 95 % CI 0.7001142 to 2.4598858', () => {
    // R `?sleep`: t.test(extra ~ group, paired = TRUE) reports the same interval for the differences.
    const d = [1.2, 2.4, 1.3, 1.3, 0.0, 1.0, 1.8, 0.8, 4.6, 1.4];
    const interval = tInterval(d);
    expectClose(interval?.estimate, 1.58, 1e-14);
    expectClose(interval?.low, 0.7001142, 1e-7);
    expectClose(interval?.high, 2.4598858, 1e-7);
  });

  it('is null below two values, a point for constant values', () => {
    expect(tInterval([])).toBeNull();
    expect(tInterval([0.7])).toBeNull();
    expect(tInterval([0.5, 0.5, 0.5])).toMatchObject({ estimate: 0.5, low: 0.5, high: 0.5, sd: 0, se: 0 });
  });

  it('rejects NaN and infinite values', () => {
    expect(() => tInterval([1, NaN])).toThrow(LlmlabError);
    expect(() => tInterval([1, Infinity])).toThrow(/finite/);
  });

  it('mean and variance keep precision with a large offset and many terms', () => {
    // Σx² − n·x̄² would lose everything here; the exact sample variance of {1e9 + 1, 1e9 + 2, 1e9 + 3} is 1.
    expect(sampleVariance([1e9 + 1, 1e9 + 2, 1e9 + 3])).toBe(1);
    // Compensated summation: 2000 copies of 0.4 average to 0.4 exactly, and their variance is exactly 0.
    expect(mean(new Array<number>(2000).fill(0.4))).toBe(0.4);
    expect(sampleVariance(new Array<number>(2000).fill(0.1))).toBe(0);
    expect(mean([])).toBeNaN();
  });
});

describe('clusteredInterval', () => {
  it('equals the ordinary t interval exactly when every cluster has one item', () => {
    // Miller's formula with n − 1 on the diagonal: the within-cluster cross terms vanish for singletons, so
    // SE_clustered = s/√n, and with G = n clusters the t critical value has the same n − 1 df.
    const values = [0.2, 0.9, 0.4, 0.4, 1, 0, 0.75, 0.3];
    const plain = tInterval(values);
    for (const clusters of [values.map((_, i) => `c${i}`), values.map(() => null)]) {
      const clustered = clusteredInterval(values, clusters);
      expectClose(clustered?.se, plain?.se as number, 1e-14);
      expectClose(clustered?.low, plain?.low as number, 1e-14);
      expectClose(clustered?.high, plain?.high as number, 1e-14);
      expect(clustered?.df).toBe(plain?.df);
      expectClose(clustered?.designEffect, 1, 1e-14);
    }
  });

  it('matches a hand computation and the stated relation to the CR0 sandwich', () => {
    // values 1, 1, 0, 0 in clusters a, a, b, b: s̄ = ½, residuals ±½, Σe² = 1.
    // SE²_CLT = Σe²/(n(n−1)) = 1/12; cross terms (1/n²)[Σ_c (Σ_i e_ic)² − Σe²] = (1 + 1 − 1)/16 = 1/16.
    // SE² = 1/12 + 1/16 = 7/48. CR0² = Σ_c (Σ_i e_ic)² / n² = 2/16, and SE² − CR0² = Σe²/(n²(n−1)) = 1/48.
    const result = clusteredInterval([1, 1, 0, 0], ['a', 'a', 'b', 'b']);
    expectClose(result?.se, Math.sqrt(7 / 48), 1e-15);
    expectClose(result?.seIndependent, Math.sqrt(1 / 12), 1e-15);
    expectClose((result?.se as number) ** 2 - 2 / 16, 1 / 48, 1e-13);
    expectClose(result?.designEffect, 7 / 48 / (1 / 12), 1e-14);
    expect(result).toMatchObject({ estimate: 0.5, clusters: 2, df: 1, n: 4 });
    // G − 1 = 1 df: t_{0.975,1} = 12.706205 (t table).
    expectClose(result?.high, 0.5 + 12.706204736174694 * Math.sqrt(7 / 48), 1e-13);
  });

  it('accepts numeric cluster ids and keeps items without one in clusters of their own', () => {
    const a = clusteredInterval([1, 1, 0, 0, 1], [7, 7, 8, 8, null]);
    expect(a?.clusters).toBe(3);
    const b = clusteredInterval([1, 1, 0, 0, 1], ['7', '7', '8', '8', undefined]);
    expectClose(b?.se, a?.se as number, 1e-15);
  });

  it('tracks the true spread of the mean under strong clustering, where the naive SE is far too small', () => {
    // Simulation with a fixed seed: 40 clusters × 5 items, score = cluster effect + noise with equal variances
    // (intra-cluster correlation ½, design effect 1 + 4·½ = 3). Over 400 replications the mean clustered
    // variance should be near the empirical variance of the means; the naive one about a third of it.
    const rng = createRng(2024);
    const normal = () => Math.sqrt(-2 * Math.log(1 - rng.float())) * Math.cos(2 * Math.PI * rng.float());
    const clusters = Array.from({ length: 200 }, (_, i) => Math.floor(i / 5));
    const means: number[] = [];
    let clusteredVariance = 0;
    let naiveVariance = 0;
    for (let rep = 0; rep < 400; rep++) {
      const effects = Array.from({ length: 40 }, normal);
      const values = clusters.map((c) => (effects[c] as number) + normal());
      const result = clusteredInterval(values, clusters);
      means.push(result?.estimate as number);
      clusteredVariance += (result?.se as number) ** 2 / 400;
      naiveVariance += (result?.seIndependent as number) ** 2 / 400;
    }
    const empirical = sampleVariance(means);
    expect(clusteredVariance / empirical).toBeGreaterThan(0.8);
    expect(clusteredVariance / empirical).toBeLessThan(1.25);
    expect(naiveVariance / empirical).toBeLessThan(0.45);
  });

  it('is null with fewer than two clusters, and rejects mismatched lengths', () => {
    expect(clusteredInterval([1, 0, 1], ['a', 'a', 'a'])).toBeNull();
    expect(clusteredInterval([], [])).toBeNull();
    expect(() => clusteredInterval([1, 0], ['a'])).toThrow(/cluster ids/);
  });
});
