import { describe, expect, it } from 'vitest';
import { LlmlabError } from '../../src/errors.js';
import { agreementRate, flaky, majorityVote, passAtK } from '../../src/stats/repeats.js';
import { choose, expectClose, ratio } from './close.js';

/** pass@k by brute force: the share of all k-subsets of n samples (c correct) that contain a correct one. */
function bruteForcePassAtK(n: number, c: number, k: number): number {
  let hit = 0;
  let total = 0;
  for (let mask = 0; mask < 1 << n; mask++) {
    let bits = 0;
    for (let m = mask; m; m &= m - 1) bits++;
    if (bits !== k) continue;
    total++;
    // Samples 0..c−1 are the correct ones.
    if ((mask & ((1 << c) - 1)) !== 0) hit++;
  }
  return hit / total;
}

describe('passAtK', () => {
  it('matches closed forms for tiny n: 1 − C(n−c, k)/C(n, k)', () => {
    expect(passAtK(2, 1, 1)).toBe(0.5);
    expectClose(passAtK(5, 2, 2), 0.7, 1e-15); // 1 − C(3,2)/C(5,2) = 1 − 3/10
    expectClose(passAtK(10, 3, 5), 1 - 21 / 252, 1e-15); // C(7,5) = 21, C(10,5) = 252
    expect(passAtK(4, 0, 2)).toBe(0);
    expect(passAtK(4, 4, 1)).toBe(1);
    expect(passAtK(5, 3, 3)).toBe(1); // n − c = 2 < k: every 3-subset has a correct sample
  });

  it('pass@1 is c/n', () => {
    for (const [n, c] of [
      [10, 3],
      [200, 57],
      [1, 1],
    ] as const) {
      expectClose(passAtK(n, c, 1), c / n, 1e-13);
    }
  });

  it('agrees with brute-force enumeration of every k-subset for n ≤ 10', () => {
    for (let n = 1; n <= 10; n++) {
      for (let c = 0; c <= n; c++) {
        for (let k = 1; k <= n; k++) expectClose(passAtK(n, c, k), bruteForcePassAtK(n, c, k), 1e-14);
      }
    }
  });

  it('stays exact for large n where C(n, k) overflows a double', () => {
    // C(n−c, k)/C(n, k) = Π_{i<c} (n−k−i)/(n−i); for n = 200, c = 3, k = 100: (100·99·98)/(200·199·198).
    expectClose(passAtK(200, 3, 100), 1 - (100 * 99 * 98) / (200 * 199 * 198), 1e-14);
    // n = 2000, c = 600, k = 1000: C(1400, 1000)/C(2000, 1000) by BigInt (C(2000, 1000) ≈ 2e600).
    expectClose(passAtK(2000, 600, 1000), 1 - ratio(choose(1400, 1000), choose(2000, 1000)), 1e-12);
  });

  it('rejects impossible arguments', () => {
    expect(() => passAtK(5, 6, 1)).toThrow(/cannot exceed/);
    expect(() => passAtK(5, 2, 0)).toThrow(/k must be/);
    expect(() => passAtK(5, 2, 6)).toThrow(LlmlabError);
    expect(() => passAtK(5.5, 2, 1)).toThrow(/non-negative integer/);
  });
});

describe('majorityVote', () => {
  it('picks the strict plurality and reports its share', () => {
    expect(majorityVote([true, false, true])).toEqual({ verdict: true, votes: 2, n: 3, share: 2 / 3 });
    expect(majorityVote(['pass', 'error', 'fail', 'pass'])).toMatchObject({ verdict: 'pass', votes: 2 });
  });

  it('returns null on a tie for first place and for no verdicts', () => {
    expect(majorityVote([true, false, false, true])).toEqual({ verdict: null, votes: 2, n: 4, share: 0.5 });
    expect(majorityVote(['a', 'b', 'c'])).toMatchObject({ verdict: null, votes: 1 });
    expect(majorityVote([])).toEqual({ verdict: null, votes: 0, n: 0, share: 0 });
  });
});

describe('agreementRate', () => {
  it('is the share of agreeing repeat pairs: Σ C(n_v, 2) / C(n, 2)', () => {
    expect(agreementRate([true, true, true])).toBe(1);
    // 3 pass, 1 fail: C(3,2) = 3 agreeing pairs of C(4,2) = 6.
    expect(agreementRate([true, true, false, true])).toBe(0.5);
    // 2/2 split: 2 of 6 pairs agree.
    expectClose(agreementRate(['a', 'b', 'a', 'b']), 1 / 3, 1e-15);
    expect(agreementRate(['x', 'y', 'z'])).toBe(0);
  });

  it('is null with fewer than two repeats', () => {
    expect(agreementRate([])).toBeNull();
    expect(agreementRate([true])).toBeNull();
  });
});

describe('flaky', () => {
  it('lists the tests whose verdict flips, in input order, with counts', () => {
    const result = flaky({
      stable: [true, true, true],
      coin: [true, false, true, false],
      mostly: ['pass', 'pass', 'error'] as never,
      single: [false],
    });
    expect(result.map((test) => test.id)).toEqual(['coin', 'mostly']);
    expect(result[0]).toEqual({
      id: 'coin',
      n: 4,
      agreement: 1 / 3,
      majority: null,
      counts: [
        { verdict: true, count: 2 },
        { verdict: false, count: 2 },
      ],
    });
    expect(result[1]).toMatchObject({ majority: 'pass', agreement: 1 / 3 });
  });

  it('accepts a Map and returns nothing when every test is stable', () => {
    const byTest = new Map([
      ['t1', ['pass', 'pass']],
      ['t2', ['fail', 'fail']],
    ]);
    expect(flaky(byTest)).toEqual([]);
    expect(flaky(new Map([['t3', ['pass', 'fail']]]))[0]?.id).toBe('t3');
  });
});
