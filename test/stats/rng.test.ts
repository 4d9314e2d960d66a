import { describe, expect, it } from 'vitest';
import { LlmlabError } from '../../src/errors.js';
import { createRng, indexSampler, splitMix32, xoshiro128StarStar } from '../../src/stats/rng.js';

describe('xoshiro128**', () => {
  it('reproduces the reference C implementation (prng.di.unimi.it/xoshiro128starstar.c)', () => {
    // Test vector from the xoshiro-6502 project's data generated with the reference C code, and re-checked by
    // compiling that C code: state {0x964D4A0C, 0xD40AB895, 0xAD7FDECB, 0x3006F0F0} → these four outputs.
    const next = xoshiro128StarStar(0x964d4a0c, 0xd40ab895, 0xad7fdecb, 0x3006f0f0);
    expect([next(), next(), next(), next()]).toEqual([0xf1391922, 0x6fe53806, 0xa5be2840, 0xf510ee70]);
  });

  it('refuses the all-zero state, which would emit zeros forever', () => {
    expect(() => xoshiro128StarStar(0, 0, 0, 0)).toThrow(LlmlabError);
  });
});

describe('splitMix32', () => {
  it('is the Weyl step 0x9E3779B9 through MurmurHash3 fmix32', () => {
    // fmix32(0x9E3779B9) by hand: h ^= h >>> 16; h *= 0x85EBCA6B; h ^= h >>> 13; h *= 0xC2B2AE35; h ^= h >>> 16.
    let h = 0x9e3779b9;
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
    expect(splitMix32(0)()).toBe((h ^ (h >>> 16)) >>> 0);
  });
});

describe('createRng', () => {
  it('is deterministic for a seed and differs between seeds (including above 2^32)', () => {
    const draw = (seed: number) => {
      const rng = createRng(seed);
      return Array.from({ length: 5 }, () => rng.uint32());
    };
    expect(draw(42)).toEqual(draw(42));
    expect(draw(42)).not.toEqual(draw(43));
    expect(draw(5)).not.toEqual(draw(5 + 2 ** 32));
    expect(draw(-1)).toEqual(draw(-1));
  });

  it('floats lie in [0, 1) with mean ½ and variance 1/12', () => {
    const rng = createRng(1);
    const n = 100_000;
    let sum = 0;
    let squares = 0;
    for (let i = 0; i < n; i++) {
      const x = rng.float();
      expect(x >= 0 && x < 1).toBe(true);
      sum += x;
      squares += x * x;
    }
    // Standard errors: √(1/12/n) ≈ 0.0009 for the mean, ≈ 0.0003 for the second moment.
    expect(Math.abs(sum / n - 0.5)).toBeLessThan(0.005);
    expect(Math.abs(squares / n - 1 / 3)).toBeLessThan(0.003);
  });

  it('draws integers uniformly: every bucket within 5 standard deviations of n/k', () => {
    const rng = createRng(9);
    const counts = new Array<number>(6).fill(0);
    for (let i = 0; i < 60_000; i++) {
      const bucket = rng.int(6);
      counts[bucket] = (counts[bucket] as number) + 1;
    }
    const sd = Math.sqrt(60_000 * (1 / 6) * (5 / 6));
    for (const count of counts) expect(Math.abs(count - 10_000)).toBeLessThan(5 * sd);
  });

  it('rejects a seed that is not a safe integer', () => {
    expect(() => createRng(1.5)).toThrow(/seed/);
    expect(() => createRng(2 ** 60)).toThrow(LlmlabError);
  });
});

describe('indexSampler', () => {
  it('maps equal slices of the uint32 range to each index and rejects the uneven remainder', () => {
    // bound 3: 2^32 mod 3 = 1, so the limit is 2^32 − 1 and each index owns (2^32 − 1)/3 = 1431655765 values.
    const stream = [0, 1431655764, 1431655765, 4294967294, 4294967295, 7];
    const draw = indexSampler(() => stream.shift() as number, 3);
    expect([draw(), draw(), draw(), draw(), draw()]).toEqual([0, 0, 1, 2, 0]);
  });

  it('rejects a bound outside 1..2^32', () => {
    expect(() => indexSampler(() => 0, 0)).toThrow(/bound/);
    expect(() => indexSampler(() => 0, 2 ** 32 + 1)).toThrow(/bound/);
  });
});
