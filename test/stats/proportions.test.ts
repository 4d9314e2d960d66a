import { describe, expect, it } from 'vitest';
import { LlmlabError } from '../../src/errors.js';
import { binomialPmf } from '../../src/stats/distributions.js';
import {
  summarizePassRate,
  wilson,
  zeroFailureUpperBound,
  zeroSuccessUpperBound,
} from '../../src/stats/proportions.js';
import { expectClose } from './close.js';

describe('wilson', () => {
  it('matches Newcombe (1998, Stat Med 17:857, Table II, method 3) to the published 4 decimals', () => {
    const cases = [
      [81, 263, 0.2553, 0.3662],
      [15, 148, 0.0624, 0.1605],
      [0, 20, 0, 0.1611],
      [1, 29, 0.0061, 0.1718],
    ] as const;
    for (const [x, n, low, high] of cases) {
      const interval = wilson(x, n);
      expect(interval?.estimate).toBe(x / n);
      expect(interval?.low).toBeCloseTo(low, 4);
      expect(interval?.high).toBeCloseTo(high, 4);
      expect(interval).toMatchObject({ n, confidence: 0.95 });
    }
  });

  it('bounds solve the score equation |p̂ − p| = z √(p(1−p)/n) (the interval’s definition)', () => {
    const z = 1.959963984540054;
    for (const [x, n] of [
      [81, 263],
      [3, 10],
      [999, 1000],
    ] as const) {
      const interval = wilson(x, n);
      for (const p of [interval?.low as number, interval?.high as number]) {
        expectClose(Math.abs(x / n - p), z * Math.sqrt((p * (1 - p)) / n), 1e-12);
      }
    }
  });

  it('is exactly [0, ·] with no success and [·, 1] when all succeed; low = n/(n + z²) at 100 %', () => {
    const none = wilson(0, 50);
    expect(none?.low).toBe(0);
    expect(none?.estimate).toBe(0);
    const all = wilson(50, 50);
    expect(all?.high).toBe(1);
    // At x = n the lower root of the score equation is n/(n + z²).
    expectClose(all?.low, 50 / (50 + 1.959963984540054 ** 2), 1e-14);
  });

  it('returns null when n = 0: no data, no interval', () => {
    expect(wilson(0, 0)).toBeNull();
  });

  it('stays inside [0, 1] and narrows like 1/√n at huge n', () => {
    const big = wilson(700_000, 1_000_000);
    expect(big?.low).toBeGreaterThan(0.699);
    expect(big?.high).toBeLessThan(0.701);
    // Half-width ≈ z √(p(1−p)/n) for large n.
    expectClose(((big?.high as number) - (big?.low as number)) / 2, 1.959964 * Math.sqrt(0.21 / 1e6), 1e-4);
  });

  it('widens with the confidence level', () => {
    const ninety = wilson(30, 100, 0.9);
    const ninetyNine = wilson(30, 100, 0.99);
    expect(ninetyNine?.low).toBeLessThan(ninety?.low as number);
    expect(ninetyNine?.high).toBeGreaterThan(ninety?.high as number);
  });

  it('rejects impossible counts and confidence levels', () => {
    expect(() => wilson(5, 4)).toThrow(/cannot exceed n/);
    expect(() => wilson(-1, 4)).toThrow(LlmlabError);
    expect(() => wilson(1.5, 4)).toThrow(/non-negative integer/);
    expect(() => wilson(1, 4, 1)).toThrow(/confidence/);
    expect(() => wilson(1, 4, 0)).toThrow(/confidence/);
  });
});

describe('zero-event upper bounds', () => {
  it('is 1 − α^(1/n): 0.0950 for n = 30, against the rule of three’s 3/30', () => {
    expectClose(zeroFailureUpperBound(30), 1 - 0.05 ** (1 / 30), 1e-14);
    expectClose(zeroFailureUpperBound(30), 0.09503385285530411, 1e-12);
    expect(zeroFailureUpperBound(30)).toBeLessThan(3 / 30);
  });

  it('is the rate at which seeing no failure has probability α (checked with the binomial pmf)', () => {
    for (const n of [1, 7, 100, 12_345]) {
      for (const confidence of [0.9, 0.95, 0.99]) {
        expectClose(binomialPmf(0, n, zeroFailureUpperBound(n, confidence)), 1 - confidence, 1e-10);
      }
    }
  });

  it('tends to −ln(0.05)/n ≈ 2.996/n: the rule of three, accurate for huge n', () => {
    const n = 1e9;
    expectClose(zeroFailureUpperBound(n) * n, -Math.log(0.05), 1e-8);
    expectClose(zeroFailureUpperBound(1000) * 1000, 3, 0.01);
  });

  it('is 1 for n = 0, and the zero-success bound is its mirror', () => {
    expect(zeroFailureUpperBound(0)).toBe(1);
    expect(zeroSuccessUpperBound(30, 0.99)).toBe(zeroFailureUpperBound(30, 0.99));
  });
});

describe('summarizePassRate', () => {
  it('adds the failure-rate bound only when everything passed', () => {
    const perfect = summarizePassRate(100, 100);
    expect(perfect?.estimate).toBe(1);
    expect(perfect?.high).toBe(1);
    expectClose(perfect?.failureRateUpperBound, 1 - 0.05 ** (1 / 100), 1e-14);
    expect(summarizePassRate(99, 100)?.failureRateUpperBound).toBeNull();
    expect(summarizePassRate(0, 100)?.failureRateUpperBound).toBeNull();
    expect(summarizePassRate(0, 0)).toBeNull();
  });
});
