/**
 * Critical values for two-sided intervals and the minimum detectable effect of a comparison.
 */
import { normalQuantile, studentTQuantile } from './distributions.js';
import { checkConfidence, invalid } from './validate.js';

/** z with P(|Z| ≤ z) = confidence, e.g. 1.959964 for 0.95; computed in the lower tail, where it is exact. */
export function zCritical(confidence: number): number {
  checkConfidence(confidence);
  return -normalQuantile((1 - confidence) / 2);
}

/** t with P(|T_df| ≤ t) = confidence, e.g. 2.228139 for 0.95 at df = 10. */
export function tCritical(confidence: number, df: number): number {
  checkConfidence(confidence);
  return -studentTQuantile((1 - confidence) / 2, df);
}

export interface PowerOptions {
  /** Two-sided significance level of the test; default 0.05. */
  alpha?: number;
  /** Probability of detecting the effect; default 0.8. */
  power?: number;
  /** Degrees of freedom for t quantiles; omitted (or Infinity) uses normal quantiles. */
  df?: number;
}

/**
 * The smallest true difference a two-sided test at level α detects with the given power, for an estimate with
 * standard error `se`: MDE = (q(1 − α/2) + q(power)) · se, with q the normal quantile (Miller 2024, "Adding Error
 * Bars to Evals", arXiv:2411.00640, §5 on power: δ = (z_{α/2} + z_β) · √(ω²/n)) or, with `df`, the Student-t
 * quantile, the usual small-sample refinement. At α = 0.05 and 80 % power the normal factor is 2.801585.
 */
export function minimumDetectableEffect(se: number, options: PowerOptions = {}): number {
  const { alpha = 0.05, power = 0.8, df = Infinity } = options;
  if (!(se >= 0) || !Number.isFinite(se)) invalid(`standard error must be finite and non-negative, got ${se}`);
  if (!(power > 0 && power < 1)) invalid(`power must be between 0 and 1, got ${power}`);
  return (tCritical(1 - alpha, df) + studentTQuantile(power, df)) * se;
}
