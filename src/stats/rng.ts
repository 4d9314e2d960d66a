/**
 * A small, fast, seedable pseudo-random generator, so that resampling statistics are reproducible: the same seed
 * gives the same interval on every machine and Node version (unlike Math.random, which cannot be seeded).
 */
import { invalid } from './validate.js';

const TWO_32 = 4294967296;

/**
 * xoshiro128** (D. Blackman and S. Vigna, 2018, "Scrambled linear pseudorandom number generators";
 * reference C code at https://prng.di.unimi.it/xoshiro128starstar.c): 128-bit state, period 2^128 − 1, passes
 * BigCrush. Returns a generator of unsigned 32-bit integers from the raw state, which must not be all zero.
 */
export function xoshiro128StarStar(s0: number, s1: number, s2: number, s3: number): () => number {
  let a = s0 | 0;
  let b = s1 | 0;
  let c = s2 | 0;
  let d = s3 | 0;
  if ((a | b | c | d) === 0) invalid('xoshiro128** state must not be all zero');
  return () => {
    const m = Math.imul(b, 5);
    const result = Math.imul((m << 7) | (m >>> 25), 9) >>> 0;
    const t = b << 9;
    c ^= a;
    d ^= b;
    b ^= c;
    a ^= d;
    c ^= t;
    d = (d << 11) | (d >>> 21);
    return result;
  };
}

/**
 * 32-bit SplitMix: a Weyl sequence (step 0x9E3779B9, the golden ratio) through MurmurHash3's fmix32 finalizer.
 * Used only to spread a small seed over xoshiro's 128-bit state, as Vigna recommends for seeding.
 */
export function splitMix32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/**
 * Uniform integers in [0, bound) from a uint32 stream, exactly: draws at or above the largest multiple of `bound`
 * below 2^32 are rejected, and the rest divided by 2^32 / bound (rounded down), so every index gets the same
 * number of the 2^32 outcomes (no modulo bias). 1 ≤ bound ≤ 2^32.
 */
export function indexSampler(uint32: () => number, bound: number): () => number {
  if (!(Number.isInteger(bound) && bound >= 1 && bound <= TWO_32)) {
    invalid(`bound must be an integer in 1..2^32, got ${bound}`);
  }
  const limit = TWO_32 - (TWO_32 % bound);
  const width = limit / bound;
  return () => {
    let x = uint32();
    while (x >= limit) x = uint32();
    return Math.floor(x / width);
  };
}

/** A seeded generator. */
export interface Rng {
  /** Uniform unsigned 32-bit integer. */
  uint32(): number;
  /** Uniform in [0, 1) with 53 random bits. */
  float(): number;
  /** Uniform integer in [0, bound), exactly (see {@link indexSampler}); 1 ≤ bound ≤ 2^32. */
  int(bound: number): number;
}

/**
 * A xoshiro128** generator seeded from any safe integer through SplitMix32 (the high 32 bits of the seed are
 * folded in, so seeds above 2^32 stay distinct).
 */
export function createRng(seed: number): Rng {
  if (!Number.isSafeInteger(seed)) invalid(`seed must be a safe integer, got ${seed}`);
  const high = Math.floor(seed / TWO_32) >>> 0;
  const mix = splitMix32((seed >>> 0) ^ Math.imul(high, 0x9e3779b9));
  // fmix32 is a bijection, so at most one of four consecutive outputs is zero: the state is never all zero.
  const uint32 = xoshiro128StarStar(mix(), mix(), mix(), mix());
  return {
    uint32,
    float: () => ((uint32() >>> 5) * 67108864 + (uint32() >>> 6)) / 9007199254740992,
    int: (bound) => indexSampler(uint32, bound)(),
  };
}
