import { describe, expect, it } from 'vitest';
import { krippendorffAlpha, percentAgreement } from '../../src/stats/agreement.js';
import { expectClose } from './close.js';

type Value = number | null;

// Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", §C: 4 observers × 12 units with missing
// data; nominal α = 0.743. Rows here are units, columns observers A–D.
const KRIPPENDORFF_2011: Value[][] = [
  [1, 1, null, 1],
  [2, 2, 3, 2],
  [3, 3, 3, 3],
  [3, 3, 3, 3],
  [2, 2, 2, 2],
  [1, 2, 3, 4],
  [4, 4, 4, 4],
  [1, 1, 2, 1],
  [2, 2, 2, 2],
  [null, 5, 5, 5],
  [null, null, 1, 1],
  [null, 3, null, null],
];

/**
 * α by the pairwise definition, independently of the coincidence matrix: D_o averages disagreement over all
 * ordered pairs of values within each unit, weighted 1/(m_u − 1); D_e over all ordered pairs of pairable values
 * anywhere (Krippendorff 2011, §E, nominal δ).
 */
function bruteForceAlpha(units: Value[][]): number {
  const pairable = units.map((u) => u.filter((v): v is number => v !== null)).filter((u) => u.length >= 2);
  const all = pairable.flat();
  const n = all.length;
  let observed = 0;
  for (const unit of pairable) {
    for (let i = 0; i < unit.length; i++) {
      for (let j = 0; j < unit.length; j++) if (i !== j && unit[i] !== unit[j]) observed += 1 / (unit.length - 1);
    }
  }
  let expected = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j && all[i] !== all[j]) expected++;
  return 1 - (observed / n) / (expected / (n * (n - 1)));
}

describe('krippendorffAlpha', () => {
  it('reproduces the 4-coder nominal example with missing data: α = 0.743', () => {
    const result = krippendorffAlpha(KRIPPENDORFF_2011);
    expect(result.alpha).toBeCloseTo(0.743, 3);
    expectClose(result.alpha, bruteForceAlpha(KRIPPENDORFF_2011), 1e-14);
    // Unit 12 has a single value: 11 pairable units and 40 pairable values, as in the paper.
    expect(result).toMatchObject({ pairable: 40, units: 11 });
  });

  it('reproduces the two-observer binary example: α = 0.095', () => {
    // Krippendorff (2011) §A: observers A and B on 10 units; α = 1 − 19·8/168 = 0.0952 (our derivation from
    // the coincidence matrix: n = 20, n_0 = 14, n_1 = 6, 4 disagreeing units).
    const a = [0, 1, 0, 0, 0, 0, 0, 0, 1, 0];
    const b = [1, 1, 1, 0, 0, 1, 0, 0, 0, 0];
    const result = krippendorffAlpha(a.map((value, i) => [value, b[i] as number]));
    expectClose(result.alpha, 1 - (19 * 8) / 168, 1e-14);
    expect(result.alpha).toBeCloseTo(0.095, 3);
  });

  it('reproduces Wikipedia’s 3-coder, 15-unit example: nominal α = 0.691', () => {
    // en.wikipedia.org/wiki/Krippendorff's_alpha, "A computational example" (also the `krippendorff` package's
    // example); coders as columns, '*' missing.
    const coders = [
      '* * * * * 3 4 1 2 1 1 3 3 * 3',
      '1 * 2 1 3 3 4 3 * * * * * * *',
      '* * 2 1 3 4 4 * 2 1 1 3 3 * 4',
    ].map((row) => row.split(' ').map((v) => (v === '*' ? null : Number(v))));
    const units = (coders[0] as Value[]).map((_, u) => coders.map((row) => row[u] as Value));
    const result = krippendorffAlpha(units);
    expect(result.alpha).toBeCloseTo(0.691, 3);
    expectClose(result.alpha, bruteForceAlpha(units), 1e-14);
  });

  it('is 1 for perfect agreement, null when nothing varies or nothing is pairable', () => {
    expect(krippendorffAlpha([['pass', 'pass'], ['fail', 'fail'], ['pass', 'pass']]).alpha).toBe(1);
    expect(krippendorffAlpha([[true, true], [true, true]]).alpha).toBeNull();
    expect(krippendorffAlpha([[1, null], [null, 2]])).toMatchObject({ alpha: null, pairable: 0, units: 0 });
    expect(krippendorffAlpha([]).alpha).toBeNull();
  });

  it('is negative for systematic disagreement', () => {
    expect(krippendorffAlpha([['a', 'b'], ['b', 'a'], ['a', 'b']]).alpha).toBeLessThan(0);
  });
});

describe('percentAgreement', () => {
  it('is the share of units two raters agree on, without missing data', () => {
    const a = [0, 1, 0, 0, 0, 0, 0, 0, 1, 0];
    const b = [1, 1, 1, 0, 0, 1, 0, 0, 0, 0];
    expect(percentAgreement(a.map((value, i) => [value, b[i] as number]))).toBe(0.6);
  });

  it('averages per-unit pairwise agreement, skipping units with fewer than two ratings', () => {
    // Per unit: [1,1,·,1] → 1; [2,2,3,2] → 3/6; [1,2,3,4] → 0; the single-rating unit is skipped.
    const units: Value[][] = [
      [1, 1, null, 1],
      [2, 2, 3, 2],
      [1, 2, 3, 4],
      [null, 3, null, null],
    ];
    expectClose(percentAgreement(units), (1 + 0.5 + 0) / 3, 1e-15);
    expect(percentAgreement([[1, null]])).toBeNull();
  });
});
