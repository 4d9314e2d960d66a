/** Relative-tolerance assertions for floating-point statistics. */
import { expect } from 'vitest';

/** |actual − expected| ≤ rel · |expected| (or ≤ rel when expected is 0). */
export function expectClose(actual: number | null | undefined, expected: number, rel = 1e-12): void {
  expect(typeof actual, `expected a number close to ${expected}, got ${actual}`).toBe('number');
  const scale = expected === 0 ? 1 : Math.abs(expected);
  const error = Math.abs((actual as number) - expected) / scale;
  expect(error, `${actual} vs ${expected}: relative error ${error} > ${rel}`).toBeLessThanOrEqual(rel);
}

/** Exact binomial coefficient, by BigInt: an independent check on anything computed in floating point. */
export function choose(n: number, k: number): bigint {
  if (k < 0 || k > n) return 0n;
  let result = 1n;
  for (let i = 1; i <= k; i++) result = (result * BigInt(n - k + i)) / BigInt(i);
  return result;
}

/** A ratio of BigInts as a double, correct to about 1e-16 however large or small the two are. */
export function ratio(numerator: bigint, denominator: bigint): number {
  const bits = (x: bigint) => x.toString(2).length;
  const shift = Math.max(0, 64 + bits(denominator) - bits(numerator));
  const quotient = (numerator << BigInt(shift)) / denominator;
  // Scale in two steps so that 2^−shift never underflows on its own.
  return Number(quotient) * 2 ** -Math.floor(shift / 2) * 2 ** -Math.ceil(shift / 2);
}
