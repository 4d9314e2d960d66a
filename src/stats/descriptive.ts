/**
 * The few descriptive statistics the intervals share, and the result shape they all return.
 */

/**
 * A point estimate with a two-sided confidence interval and the number of observations behind it. Every interval
 * in this folder returns this shape (often extended), so a report can render any of them the same way.
 */
export interface Interval {
  estimate: number;
  low: number;
  high: number;
  n: number;
  /** The confidence level the interval was computed at, e.g. 0.95. */
  confidence: number;
}

/**
 * Arithmetic mean, NaN for no values. Summed with Neumaier's compensated summation (A. Neumaier 1974, ZAMM
 * 54:39), so the rounding error does not grow with n: the mean of a constant sample is that constant exactly.
 */
export function mean(values: ArrayLike<number>): number {
  let sum = 0;
  let compensation = 0;
  for (let i = 0; i < values.length; i++) {
    const x = values[i] as number;
    const t = sum + x;
    compensation += Math.abs(sum) >= Math.abs(x) ? sum - t + x : x - t + sum;
    sum = t;
  }
  return (sum + compensation) / values.length;
}

/**
 * Sample variance with the n − 1 (Bessel) denominator, by the corrected two-pass algorithm (Chan, Golub &
 * LeVeque 1983, "Algorithms for computing the sample variance", Am. Stat. 37:242, eq. 1.7):
 * (Σ d² − (Σ d)²/n) / (n − 1) with d = x − x̄, where the second term cancels the error of the computed mean.
 * No Σx² − n·x̄² cancellation. NaN for fewer than two values.
 */
export function sampleVariance(values: ArrayLike<number>, center = mean(values)): number {
  const n = values.length;
  if (n < 2) return NaN;
  let squares = 0;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const d = (values[i] as number) - center;
    squares += d * d;
    sum += d;
  }
  return Math.max(0, (squares - (sum * sum) / n) / (n - 1));
}

/**
 * The p-quantile of values sorted ascending, by linear interpolation between order statistics: Hyndman & Fan
 * (1996) definition 7, the default of R's `quantile` and NumPy's `percentile`. NaN for no values.
 */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, n - 1);
  const a = sorted[lo] as number;
  return a + (h - lo) * ((sorted[hi] as number) - a);
}
