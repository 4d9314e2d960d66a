/**
 * Intervals for a pass rate: Wilson's score interval, and the exact upper bound on the failure rate when none
 * failed ("rule of three"), so a report never shows a bare "100 %".
 */
import type { Interval } from './descriptive.js';
import { zCritical } from './power.js';
import { checkConfidence, checkCount, invalid } from './validate.js';

function checkSuccesses(successes: number, n: number): void {
  checkCount('n', n);
  checkCount('successes', successes);
  if (successes > n) invalid(`successes (${successes}) cannot exceed n (${n})`);
}

/**
 * Wilson score interval for a binomial proportion (E. B. Wilson 1927, JASA 22:209; method 3 of R. G. Newcombe
 * 1998, "Two-sided confidence intervals for the single proportion", Stat Med 17:857), in Newcombe's form
 * (2np̂ + z² ± z√(z² + 4np̂q̂)) / (2(n + z²)). Unlike the Wald interval it stays inside [0, 1] and does not
 * collapse to a point at 0 % or 100 %; the bounds are exactly 0 and 1 there.
 *
 * Returns `null` when n = 0: there is no estimate and no interval, and a report should say "no data" rather
 * than invent 0 % or 50 %.
 */
export function wilson(successes: number, n: number, confidence = 0.95): Interval | null {
  checkSuccesses(successes, n);
  checkConfidence(confidence);
  if (n === 0) return null;
  const z = zCritical(confidence);
  const z2 = z * z;
  const centre = 2 * successes + z2;
  const spread = z * Math.sqrt(z2 + (4 * successes * (n - successes)) / n);
  const denominator = 2 * (n + z2);
  return {
    estimate: successes / n,
    low: successes === 0 ? 0 : Math.max(0, (centre - spread) / denominator),
    high: successes === n ? 1 : Math.min(1, (centre + spread) / denominator),
    n,
    confidence,
  };
}

/**
 * One-sided upper confidence bound on the failure rate after n trials with no failure: the rate r at which
 * seeing zero failures has probability α = 1 − confidence, i.e. (1 − r)ⁿ = α, so r = 1 − α^(1/n). This is the
 * exact (Clopper–Pearson) one-sided bound; for 95 % it is ≈ 3/n, the "rule of three" (Hanley & Lippman-Hand
 * 1983, JAMA 249:1743). Computed as −expm1(ln α / n) to stay accurate for huge n. With n = 0 nothing is known
 * and the bound is 1.
 */
export function zeroFailureUpperBound(n: number, confidence = 0.95): number {
  checkCount('n', n);
  checkConfidence(confidence);
  if (n === 0) return 1;
  return -Math.expm1(Math.log(1 - confidence) / n);
}

/**
 * The mirror case: upper bound on the success rate after n trials with no success. The same number as
 * {@link zeroFailureUpperBound}, with the roles of success and failure swapped.
 */
export function zeroSuccessUpperBound(n: number, confidence = 0.95): number {
  return zeroFailureUpperBound(n, confidence);
}

/** A pass rate with its Wilson interval and, when everything passed, the bound on how often it may fail. */
export interface PassRateSummary extends Interval {
  /**
   * When all n passed: the one-sided upper bound on the true failure rate ({@link zeroFailureUpperBound}), so a
   * report can say "100 % (failure rate < 3.0 % at 95 %)" instead of a bare "100 %". Otherwise null.
   */
  failureRateUpperBound: number | null;
}

/** Wilson interval for `passes` of `n`, plus the failure-rate bound when none failed; null when n = 0. */
export function summarizePassRate(passes: number, n: number, confidence = 0.95): PassRateSummary | null {
  const interval = wilson(passes, n, confidence);
  if (interval === null) return null;
  const failureRateUpperBound = passes === n ? zeroFailureUpperBound(n, confidence) : null;
  return { ...interval, failureRateUpperBound };
}
