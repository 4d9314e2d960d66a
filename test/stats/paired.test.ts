import { describe, expect, it } from 'vitest';
import { LlmlabError } from '../../src/errors.js';
import { holm, mcnemarExact, pairedProportionDiff } from '../../src/stats/paired.js';
import { choose, expectClose, ratio } from './close.js';

/** Pairs from a 2×2 table: a both pass, b first only, c second only, d both fail. */
function table(a: number, b: number, c: number, d: number): Array<[boolean, boolean]> {
  const rows: Array<[number, [boolean, boolean]]> = [
    [a, [true, true]],
    [b, [true, false]],
    [c, [false, true]],
    [d, [false, false]],
  ];
  return rows.flatMap(([count, pair]) => Array.from({ length: count }, () => pair));
}

/** Exact two-sided McNemar p by BigInt: 2 Σ_{j ≤ min(b,c)} C(b+c, j) / 2^(b+c), capped at 1. */
function exactMcNemar(b: number, c: number): number {
  const m = b + c;
  let tail = 0n;
  for (let j = 0; j <= Math.min(b, c); j++) tail += choose(m, j);
  return Math.min(1, ratio(2n * tail, 2n ** BigInt(m)));
}

describe('mcnemarExact', () => {
  it('b = 1, c = 9: p = 2 · P(X ≤ 1 | 10, ½) = 2 · 11/1024 = 0.021484375', () => {
    const result = mcnemarExact(1, 9, 20);
    expectClose(result.pValue, 0.021484375, 1e-14);
    expect(result).toMatchObject({ b: 1, c: 9, n: 20, difference: 0.4 });
  });

  it('matches the exact BigInt sum for many tables, and is symmetric in b and c', () => {
    for (const [b, c] of [
      [0, 5],
      [2, 7],
      [10, 30],
      [45, 60],
      [300, 340],
    ] as const) {
      expectClose(mcnemarExact(b, c).pValue, exactMcNemar(b, c), 1e-12);
      expect(mcnemarExact(c, b).pValue).toBe(mcnemarExact(b, c).pValue);
    }
    expectClose(mcnemarExact(0, 5).pValue, 0.0625, 1e-15); // 2/32
  });

  it('gives p = 1 with no discordant pairs or a tie', () => {
    expect(mcnemarExact(0, 0).pValue).toBe(1);
    expect(mcnemarExact(12, 12).pValue).toBe(1);
    expect(mcnemarExact(0, 0).difference).toBeNull();
    expect(mcnemarExact(3, 5, 0 + 8).difference).toBe(0.25);
  });

  it('keeps tiny p-values: 2^-999 for b = 0, c = 1000, and 0 (not NaN) when beyond double range', () => {
    expectClose(mcnemarExact(0, 1000).pValue, 1.866527237006437758e-301, 1e-12);
    expect(mcnemarExact(0, 5000).pValue).toBe(0);
    expect(Number.isNaN(mcnemarExact(3, 100_000).pValue)).toBe(false);
  });

  it('handles huge discordant counts (n = 100,000) against the normal approximation', () => {
    // b = 49,000, c = 51,000: z = (c − b)/√(b + c) = 6.3246, two-sided normal p ≈ 2.54e-10; the exact p is
    // within a few percent of it at this size.
    const p = mcnemarExact(49_000, 51_000).pValue;
    expect(p).toBeGreaterThan(2.3e-10);
    expect(p).toBeLessThan(2.8e-10);
  });

  it('rejects negative or fractional counts and an n below b + c', () => {
    expect(() => mcnemarExact(-1, 3)).toThrow(LlmlabError);
    expect(() => mcnemarExact(1.5, 3)).toThrow(/non-negative integer/);
    expect(() => mcnemarExact(4, 3, 5)).toThrow(/cannot be less/);
  });
});

describe('pairedProportionDiff', () => {
  it('matches Newcombe’s square-and-add interval for the Cavo et al. (2012) example', () => {
    // Fagerland, Lydersen & Laake (2017), "Statistical Analysis of Contingency Tables", ch. 8 (and the R
    // package contingencytables' test): table [[59, 6], [16, 80]], p1 − p2 = −0.0621, 95 % CI −0.1186 to
    // −0.0046. We report second − first, so the signs flip.
    const result = pairedProportionDiff(table(59, 6, 16, 80));
    expect(result?.estimate).toBeCloseTo(0.0621, 4);
    expect(result?.low).toBeCloseTo(0.0046, 4);
    expect(result?.high).toBeCloseTo(0.1186, 4);
    expect(result).toMatchObject({ n: 161, bothPass: 59, firstOnly: 6, secondOnly: 16, bothFail: 80 });
    expectClose(result?.first, 65 / 161, 1e-15);
    expectClose(result?.second, 75 / 161, 1e-15);
    expectClose(result?.pValue, mcnemarExact(6, 16).pValue, 0);
    expectClose(result?.pValue, exactMcNemar(6, 16), 1e-12);
  });

  it('MDE is (z_{0.975} + z_{0.8}) · sd(d)/√n with d ∈ {−1, 0, 1}', () => {
    // Cavo: 6 pairs d = −1, 16 pairs d = +1, d̄ = 10/161; Σ(d − d̄)² = 22 − 161 d̄²; se = √(that/160/161).
    const result = pairedProportionDiff(table(59, 6, 16, 80));
    const se = Math.sqrt((22 - 161 * (10 / 161) ** 2) / 160 / 161);
    expectClose(result?.mde, 2.801585218112968 * se, 1e-12);
  });

  it('approaches the Wald interval d̄ ± 1.96 · se at large n', () => {
    const result = pairedProportionDiff(table(4000, 1500, 1800, 2700));
    const n = 10_000;
    const d = 300 / n;
    const se = Math.sqrt((3300 / n - d * d) / n);
    expect(result?.low).toBeCloseTo(d - 1.959964 * se, 3);
    expect(result?.high).toBeCloseTo(d + 1.959964 * se, 3);
  });

  it('does not collapse without discordant pairs, and stays within [−1, 1] at the extremes', () => {
    const same = pairedProportionDiff(table(30, 0, 0, 10));
    expect(same?.estimate).toBe(0);
    expect(same?.low).toBeLessThan(0);
    expect(same?.high).toBeGreaterThan(0);
    expect(same?.pValue).toBe(1);
    expect(same?.mde).toBeNull();
    const flipped = pairedProportionDiff(table(0, 0, 25, 0));
    expect(flipped?.estimate).toBe(1);
    expect(flipped?.high).toBeLessThanOrEqual(1);
    expect(flipped?.low).toBeGreaterThan(0.8);
    const allPass = pairedProportionDiff(table(12, 0, 0, 0));
    expect(allPass).toMatchObject({ estimate: 0, first: 1, second: 1, pValue: 1 });
  });

  it('is null for no pairs and handles a single pair', () => {
    expect(pairedProportionDiff([])).toBeNull();
    const one = pairedProportionDiff([[false, true]]);
    expect(one).toMatchObject({ estimate: 1, n: 1, pValue: 1, mde: null });
  });
});

describe('holm', () => {
  it('R’s p.adjust(c(.01, .02, .03, .04, .05), "holm") = .05, .08, .09, .09, .09', () => {
    // 5·.01 = .05; 4·.02 = .08; 3·.03 = .09; 2·.04 = .08 → running max .09; 1·.05 → .09.
    const adjusted = holm([0.01, 0.02, 0.03, 0.04, 0.05]);
    [0.05, 0.08, 0.09, 0.09, 0.09].forEach((expected, i) => expectClose(adjusted[i], expected, 1e-14));
  });

  it('returns adjusted values in input order, caps at 1, and handles ties and empty input', () => {
    const adjusted = holm([0.04, 0.5, 0.001, 0.04]);
    // Sorted: .001·4 = .004; .04·3 = .12; .04·2 = .08 → .12; .5·1 = .5.
    [0.12, 0.5, 0.004, 0.12].forEach((expected, i) => expectClose(adjusted[i], expected, 1e-14));
    expect(holm([0.6, 0.7])).toEqual([1, 1]);
    expect(holm([])).toEqual([]);
  });

  it('agrees with Holm’s sequential rejection procedure at every level α', () => {
    // Step-down: reject H_(1), H_(2), … while p_(k) ≤ α/(m − k + 1); H_i is rejected iff adjusted_i ≤ α.
    const p = [0.003, 0.2, 0.012, 0.04, 0.0001, 0.03, 0.9, 0.011];
    const adjusted = holm(p);
    const order = p.map((_, i) => i).sort((i, j) => (p[i] as number) - (p[j] as number));
    for (const alpha of [0.001, 0.01, 0.05, 0.1, 0.3]) {
      const rejected = new Set<number>();
      for (const [k, index] of order.entries()) {
        if ((p[index] as number) > alpha / (p.length - k)) break;
        rejected.add(index);
      }
      p.forEach((_, i) => expect(adjusted[i] as number <= alpha).toBe(rejected.has(i)));
    }
  });

  it('rejects values that are not probabilities', () => {
    expect(() => holm([0.1, NaN])).toThrow(/pValues\[1\]/);
    expect(() => holm([1.2])).toThrow(LlmlabError);
  });
});
