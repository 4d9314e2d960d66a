/**
 * Sample-ratio mismatch (SRM): whether the units an experiment assigned to its arms are plausible under the
 * shares it was configured with. A mismatch means the assignment or the logging is broken (a bot hitting one arm,
 * an arm that crashes before it logs), and then no comparison of the arms can be trusted, however significant.
 *
 * Method: Pearson's chi-square goodness-of-fit test of the counts against the expected n·share, k − 1 degrees of
 * freedom, flagged at p < 0.001 as recommended by A. Fabijan, J. Gupchup, S. Gupta, J. Omhover, W. Qin, L. Vermeer
 * & P. Dmitriev (2019), "Diagnosing Sample Ratio Mismatch in Online Controlled Experiments: A Taxonomy and Rules
 * of Thumb for Practitioners", KDD: a strict threshold, because the check runs on every look of every experiment.
 */
import { chiSquareSf } from './distributions.js';
import { checkCount, invalid } from './validate.js';

/** p below which a mismatch is flagged (Fabijan et al. 2019). */
export const SRM_THRESHOLD = 0.001;

export interface SrmResult {
  /** Pearson's X² statistic. */
  chiSquare: number;
  df: number;
  pValue: number;
  /** pValue < {@link SRM_THRESHOLD}. */
  mismatch: boolean;
  /** Units per arm expected from the shares, in the order given. */
  expected: number[];
  /** Units per arm observed. */
  observed: number[];
  total: number;
}

/**
 * The SRM check of `counts` (units per arm) against `shares` (same order; normalized, so weights work too).
 * Arms with a zero share must have no units (any unit there is a mismatch outright, p = 0). Fewer than two arms
 * with a share, or no units at all: p = 1, nothing to check.
 */
export function sampleRatioMismatch(counts: readonly number[], shares: readonly number[]): SrmResult {
  if (counts.length !== shares.length) invalid(`got ${counts.length} counts but ${shares.length} shares`);
  counts.forEach((c, i) => checkCount(`counts[${i}]`, c));
  const weight = shares.reduce((sum, s) => {
    if (!(s >= 0 && Number.isFinite(s))) invalid(`shares must be non-negative numbers, got ${s}`);
    return sum + s;
  }, 0);
  if (!(weight > 0)) invalid('shares must not all be zero');
  const total = counts.reduce((a, b) => a + b, 0);
  const expected = shares.map((s) => (total * s) / weight);
  const live = shares.filter((s) => s > 0).length;
  const result = (chiSquare: number, df: number, pValue: number): SrmResult => ({
    chiSquare,
    df,
    pValue,
    mismatch: pValue < SRM_THRESHOLD,
    expected,
    observed: [...counts],
    total,
  });
  if (counts.some((c, i) => c > 0 && shares[i] === 0)) return result(Infinity, live - 1, 0);
  if (live < 2 || total === 0) return result(0, Math.max(0, live - 1), 1);
  let chiSquare = 0;
  counts.forEach((c, i) => {
    const e = expected[i] as number;
    if (e > 0) chiSquare += ((c - e) * (c - e)) / e;
  });
  return result(chiSquare, live - 1, chiSquareSf(chiSquare, live - 1));
}
