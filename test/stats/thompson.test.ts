import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/stats/rng.js';
import { betaSample, gammaSample, thompsonAllocation } from '../../src/stats/thompson.js';

const thumbs = (ups: number, n: number) => Array.from({ length: n }, (_, i) => (i < ups ? 1 : 0));

describe('thompsonAllocation', () => {
  it('gives equal arms with no data equal shares', () => {
    const shares = thompsonAllocation([{ outcomes: [] }, { outcomes: [] }], { kind: 'thumbs' });
    expect(shares[0]! + shares[1]!).toBeCloseTo(1, 12);
    expect(Math.abs(shares[0]! - 0.5)).toBeLessThan(0.02);
  });

  it('sends most traffic to a clearly better arm, keeping the floor for the other', () => {
    const shares = thompsonAllocation([{ outcomes: thumbs(30, 100) }, { outcomes: thumbs(70, 100) }], { kind: 'thumbs' });
    expect(shares[1]).toBeGreaterThan(0.94);
    expect(shares[0]).toBeGreaterThanOrEqual(0.05);
    expect(shares[0]).toBeLessThan(0.051);
  });

  it('matches P(B > A) for two Beta posteriors', () => {
    // Beta(6, 6) vs Beta(8, 4): P(B > A) = 0.80650… by the closed form for integer parameters (E. Miller 2015,
    // "Formulas for Bayesian A/B Testing"), and the same by numerical integration of the two densities.
    const shares = thompsonAllocation([{ outcomes: thumbs(5, 10) }, { outcomes: thumbs(7, 10) }], {
      kind: 'thumbs',
      floor: 0,
      draws: 40_000,
    });
    expect(Math.abs(shares[1]! - 0.8065)).toBeLessThan(0.01);
  });

  it('uses a normal posterior for scores, and is reproducible for a seed', () => {
    const arms = [{ outcomes: [0.6, 0.7, 0.65, 0.62, 0.68] }, { outcomes: [0.3, 0.35, 0.32, 0.4, 0.33] }];
    const a = thompsonAllocation(arms, { kind: 'score', seed: 5 });
    expect(a).toEqual(thompsonAllocation(arms, { kind: 'score', seed: 5 }));
    expect(a[0]).toBeGreaterThan(0.9);
  });

  it('lowers the floor when k arms cannot all have it, and rejects outcomes outside 0..1', () => {
    const arms = Array.from({ length: 25 }, () => ({ outcomes: [] as number[] }));
    const shares = thompsonAllocation(arms, { kind: 'thumbs', draws: 100 });
    expect(shares.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(() => thompsonAllocation([{ outcomes: [2] }], { kind: 'score' })).toThrow(/0\.\.1/);
  });
});

describe('samplers', () => {
  it('draw Gamma and Beta with the right means', () => {
    const rng = createRng(11);
    let g = 0;
    let small = 0;
    let b = 0;
    const n = 20_000;
    for (let i = 0; i < n; i++) {
      g += gammaSample(rng, 3);
      small += gammaSample(rng, 0.5);
      b += betaSample(rng, 2, 6);
    }
    expect(Math.abs(g / n - 3)).toBeLessThan(0.05); // sd of the mean √3/√n ≈ 0.012
    expect(Math.abs(small / n - 0.5)).toBeLessThan(0.02);
    expect(Math.abs(b / n - 0.25)).toBeLessThan(0.005); // sd ≈ 0.144/√n ≈ 0.001
  });
});
