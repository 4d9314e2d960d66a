import { describe, expect, it } from 'vitest';
import { chiSquareSf } from '../../src/stats/distributions.js';
import { erfc } from '../../src/stats/special.js';
import { sampleRatioMismatch } from '../../src/stats/srm.js';
import { expectClose } from './close.js';

describe('chiSquareSf', () => {
  it('matches the closed forms for df = 1, 2, 3, 4', () => {
    // df=1: erfc(√(x/2)); df=2: e^(−x/2); df=3: erfc(√(x/2)) + √(2x/π) e^(−x/2); df=4: e^(−x/2)(1 + x/2)
    // (Abramowitz & Stegun 26.4.4–26.4.5; the same values scipy.stats.chi2.sf gives).
    for (const x of [0.01, 0.5, 1, 3.841458820694124, 7, 20, 60, 200]) {
      expectClose(chiSquareSf(x, 1), erfc(Math.sqrt(x / 2)), 1e-13);
      expectClose(chiSquareSf(x, 2), Math.exp(-x / 2), 1e-13);
      expectClose(chiSquareSf(x, 3), erfc(Math.sqrt(x / 2)) + Math.sqrt((2 * x) / Math.PI) * Math.exp(-x / 2), 1e-12);
      expectClose(chiSquareSf(x, 4), Math.exp(-x / 2) * (1 + x / 2), 1e-13);
    }
  });

  it('gives the textbook critical values', () => {
    // scipy.stats.chi2.sf(3.841458820694124, 1) = 0.05; chi2.sf(10.827566170662733, 1) = 0.001;
    // chi2.sf(18.307038053275146, 10) = 0.05 (chi2.isf of those levels).
    expectClose(chiSquareSf(3.841458820694124, 1), 0.05, 1e-12);
    expectClose(chiSquareSf(10.827566170662733, 1), 0.001, 1e-12);
    expectClose(chiSquareSf(18.307038053275146, 10), 0.05, 1e-10);
    expect(chiSquareSf(0, 3)).toBe(1);
    expect(() => chiSquareSf(1, 0)).toThrow(/df/);
  });
});

describe('sampleRatioMismatch', () => {
  it('flags 5,200 vs 4,800 on a 50/50 split and passes 5,050 vs 4,950', () => {
    const bad = sampleRatioMismatch([5200, 4800], [0.5, 0.5]);
    expect(bad.chiSquare).toBeCloseTo(16, 10); // (200² + 200²) / 5000
    expectClose(bad.pValue, erfc(Math.sqrt(8)), 1e-13);
    expect(bad.mismatch).toBe(true);
    const fine = sampleRatioMismatch([5050, 4950], [0.5, 0.5]);
    expect(fine.chiSquare).toBeCloseTo(1, 10);
    expect(fine.mismatch).toBe(false);
    expect(fine.expected).toEqual([5000, 5000]);
  });

  it('uses k − 1 degrees of freedom and normalizes the shares', () => {
    const result = sampleRatioMismatch([210, 390, 400], [2, 4, 4]);
    expect(result.df).toBe(2);
    expect(result.expected).toEqual([200, 400, 400]);
    expectClose(result.pValue, Math.exp(-result.chiSquare / 2), 1e-13);
  });

  it('treats a unit in a zero-share arm as a mismatch, and no units as nothing to check', () => {
    expect(sampleRatioMismatch([10, 10, 1], [0.5, 0.5, 0]).mismatch).toBe(true);
    expect(sampleRatioMismatch([0, 0], [0.5, 0.5])).toMatchObject({ pValue: 1, mismatch: false });
  });

  it('rejects mismatched lengths and bad counts', () => {
    expect(() => sampleRatioMismatch([1], [0.5, 0.5])).toThrow(/counts/);
    expect(() => sampleRatioMismatch([1.5, 2], [0.5, 0.5])).toThrow(/integer/);
  });
});
