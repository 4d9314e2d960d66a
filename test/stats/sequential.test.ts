import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/stats/rng.js';
import {
  createSequentialTest,
  DEFAULT_TAU2,
  mixtureHalfWidth,
  sequentialTest,
  unitsNeeded,
} from '../../src/stats/sequential.js';
import { expectClose } from './close.js';

/**
 * One simulated experiment: `perDay` units per arm each day for `days` days, thumbs with the given rates, looked
 * at after every day. Returns whether any look was significant, by the anytime-valid test and by the classical
 * fixed-n test. The test object keeps running sums, so a look costs O(1).
 */
function experiment(rng: ReturnType<typeof createRng>, days: number, perDay: number, control: number, treatment: number) {
  const test = createSequentialTest();
  let classical = false;
  for (let day = 0; day < days; day++) {
    for (let u = 0; u < perDay; u++) {
      test.add('control', rng.float() < control ? 1 : 0);
      test.add('treatment', rng.float() < treatment ? 1 : 0);
    }
    if (test.look().fixedPValue < 0.05) classical = true;
  }
  // The always-valid p-value is a running minimum over every unit: significant now = significant at some look.
  return { anytime: test.look().significant, classical };
}

describe('sequentialTest (normal-mixture mSPRT)', () => {
  it('A/A: 2,000 experiments looked at daily for 14 days keep the false-positive rate ≤ 5 %', () => {
    const rng = createRng(19);
    let anytime = 0;
    let classical = 0;
    for (let e = 0; e < 2000; e++) {
      const result = experiment(rng, 14, 50, 0.5, 0.5);
      if (result.anytime) anytime++;
      if (result.classical) classical++;
    }
    expect(anytime / 2000).toBeLessThanOrEqual(0.05);
    // The contrast that motivates the method: peeking at a fixed-n test 14 times inflates it several-fold.
    expect(classical / 2000).toBeGreaterThan(0.15);
  });

  it('A/A with a rare outcome (10 %) and few units a day still stays ≤ 5 %', () => {
    const rng = createRng(7);
    let anytime = 0;
    for (let e = 0; e < 2000; e++) if (experiment(rng, 14, 15, 0.1, 0.1).anytime) anytime++;
    expect(anytime / 2000).toBeLessThanOrEqual(0.05);
  });

  it('A/A with skewed 0..1 scores (a judge that is mostly harsh) stays ≤ 5 %', () => {
    const rng = createRng(10);
    let anytime = 0;
    for (let e = 0; e < 2000; e++) {
      const test = createSequentialTest();
      for (let i = 0; i < 700; i++) {
        test.add('control', rng.float() ** 4);
        test.add('treatment', rng.float() ** 4);
      }
      if (test.look().significant) anytime++;
    }
    expect(anytime / 2000).toBeLessThanOrEqual(0.05);
  });

  it('power: +10 points on a 50 % thumbs-up rate, 700 units per arm over 14 days, is detected ≥ 80 % of the time', () => {
    // Documented in docs/gateway.md; the simulated power is about 85 % (the fixed-n test at 700 has 98 %).
    const rng = createRng(2024);
    let detected = 0;
    for (let e = 0; e < 1000; e++) if (experiment(rng, 14, 50, 0.5, 0.6).anytime) detected++;
    expect(detected / 1000).toBeGreaterThanOrEqual(0.8);
  });

  it('computes the mixture ratio, interval and Welch p-value from the formulas', () => {
    const control = Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? 1 : 0)); // mean ½, s² = 40/(4·39)
    const treatment = Array.from({ length: 40 }, (_, i) => (i % 5 === 0 ? 0 : 1)); // mean 0.8, s² = 0.16·40/39
    // Times interleave the arms one to one, so the last look is the one with every unit.
    const times = Array.from({ length: 40 }, (_, i) => i);
    const result = sequentialTest({ values: control, times }, { values: treatment, times });
    const v = 0.25 * (40 / 39) / 40 + 0.16 * (40 / 39) / 40;
    const diff = 0.3;
    const lambda = Math.sqrt(v / (v + DEFAULT_TAU2)) * Math.exp((diff * diff * DEFAULT_TAU2) / (2 * v * (v + DEFAULT_TAU2)));
    expectClose(result.difference, diff, 1e-12);
    expect(result.pValue).toBeLessThanOrEqual(Math.min(1, 1 / lambda) * (1 + 1e-12));
    expect(result.n).toEqual({ control: 40, treatment: 40 });
    expect(result.considered).toBe(true);
    // Welch t at this n: t = 0.3 / √v ≈ 2.96, df ≈ 74.6 → p ≈ 0.004 (scipy.stats.ttest_ind(equal_var=False)).
    expect(result.fixedPValue).toBeGreaterThan(0.003);
    expect(result.fixedPValue).toBeLessThan(0.005);
    // The always-valid interval is wider than the classical one.
    expect(result.high - result.low).toBeGreaterThan(2 * 1.96 * Math.sqrt(v));
    expect(result.significant).toBe(result.pValue <= 0.05);
    expect(result.significant).toBe(result.low > 0 || result.high < 0);
  });

  it('never lets the p-value rise and keeps the interval nested as units arrive', () => {
    const rng = createRng(3);
    const test = createSequentialTest({ burnIn: 10 });
    let lastP = 1;
    let last = { low: -Infinity, high: Infinity };
    for (let i = 0; i < 500; i++) {
      test.add('control', rng.float() < 0.5 ? 1 : 0);
      test.add('treatment', rng.float() < 0.55 ? 1 : 0);
      const look = test.look();
      expect(look.pValue).toBeLessThanOrEqual(lastP);
      if (look.low <= look.high && i > 20) {
        expect(look.low).toBeGreaterThanOrEqual(last.low);
        expect(look.high).toBeLessThanOrEqual(last.high);
      }
      lastP = look.pValue;
      last = look;
    }
  });

  it('counts nothing before the burn-in: p = 1 and an unbounded interval', () => {
    const result = sequentialTest({ values: [0, 0, 0, 0, 0] }, { values: [1, 1, 1, 1, 1] });
    expect(result).toMatchObject({ pValue: 1, significant: false, considered: false, low: -Infinity, high: Infinity, difference: 1 });
  });

  it('has no difference and NaN p-values with an empty arm', () => {
    const result = sequentialTest({ values: [] }, { values: [1, 0] });
    expect(result.difference).toBeNaN();
    expect(result.fixedPValue).toBeNaN();
    expect(result.pValue).toBe(1);
  });

  it('unitsNeeded finds the n where the interval half-width reaches the effect', () => {
    const n = unitsNeeded({ control: 0.25, treatment: 0.25 }, 0.1);
    expect(mixtureHalfWidth(0.5 / n, DEFAULT_TAU2, 0.05)).toBeLessThanOrEqual(0.1);
    expect(mixtureHalfWidth(0.5 / (n - 1), DEFAULT_TAU2, 0.05)).toBeGreaterThan(0.1);
    expect(unitsNeeded({ control: 0.25, treatment: 0.25 }, 0)).toBe(Infinity);
    expect(unitsNeeded({ control: NaN, treatment: 0.25 }, 0.1)).toBe(Infinity);
  });

  it('rejects a bad alpha or τ² as a caller bug', () => {
    expect(() => createSequentialTest({ alpha: 1 })).toThrow(/alpha/);
    expect(() => createSequentialTest({ tau2: 0 })).toThrow(/tau2/);
    expect(() => createSequentialTest().add('control', NaN)).toThrow(/finite/);
  });
});
