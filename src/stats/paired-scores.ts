/**
 * Paired comparison of numeric scores of two prompts or providers over the same tests: the paired t-test and
 * the paired bootstrap. Differences are second − first (b − a): positive means b scores higher.
 */
import { bootstrapReplicates, DEFAULT_RESAMPLES, DEFAULT_SEED, percentileInterval } from './bootstrap.js';
import { type Interval, mean, sampleVariance } from './descriptive.js';
import { studentTCdf } from './distributions.js';
import { minimumDetectableEffect, tCritical } from './power.js';
import { checkConfidence, checkFinite, invalid } from './validate.js';

export interface PairedScoreResult extends Interval {
  /** Standard error of the mean difference. */
  se: number;
  /** Two-sided p-value for "no difference". */
  pValue: number;
  /** Minimum detectable effect at 80 % power and α = 1 − confidence; null when se = 0. */
  mde: number | null;
}

export interface PairedTTestResult extends PairedScoreResult {
  /** Standard deviation of the differences. */
  sd: number;
  t: number;
  df: number;
}

function differences(a: ArrayLike<number>, b: ArrayLike<number>): Float64Array {
  checkFinite('a', a);
  checkFinite('b', b);
  if (a.length !== b.length) invalid(`paired samples differ in length: ${a.length} and ${b.length}`);
  const d = new Float64Array(a.length);
  for (let i = 0; i < d.length; i++) d[i] = (b[i] as number) - (a[i] as number);
  return d;
}

/**
 * Paired t-test on d = b − a (Student 1908; e.g. R's `t.test(b, a, paired = TRUE)`): t = d̄ / (s_d/√n) with
 * n − 1 degrees of freedom, two-sided p = 2 P(T ≤ −|t|), interval d̄ ± t(1 − α/2) s_d/√n, and the MDE with t
 * quantiles. Null for fewer than two pairs. When every difference is equal (s_d = 0) the interval is a point,
 * t is 0 (p = 1) if they are all zero and ±Infinity (p = 0) otherwise, and the MDE is null.
 */
export function pairedTTest(a: ArrayLike<number>, b: ArrayLike<number>, confidence = 0.95): PairedTTestResult | null {
  checkConfidence(confidence);
  const d = differences(a, b);
  const n = d.length;
  if (n < 2) return null;
  const estimate = mean(d);
  const sd = Math.sqrt(sampleVariance(d, estimate));
  const se = sd / Math.sqrt(n);
  const df = n - 1;
  const half = tCritical(confidence, df) * se;
  const base = { estimate, low: estimate - half, high: estimate + half, n, confidence, se, sd, df };
  if (se === 0) {
    return estimate === 0
      ? { ...base, t: 0, pValue: 1, mde: null }
      : { ...base, t: Math.sign(estimate) * Infinity, pValue: 0, mde: null };
  }
  const t = estimate / se;
  const pValue = Math.min(1, 2 * studentTCdf(-Math.abs(t), df));
  return { ...base, t, pValue, mde: minimumDetectableEffect(se, { alpha: 1 - confidence, df }) };
}

export interface PairedBootstrapOptions {
  /** Number of resamples of the pairs; default 2000. */
  resamples?: number;
  /** PRNG seed; default 0. */
  seed?: number;
  /** Confidence level; default 0.95. */
  confidence?: number;
}

export interface PairedBootstrapResult extends PairedScoreResult {
  resamples: number;
  seed: number;
}

/**
 * Paired bootstrap of the mean difference d = b − a: pairs are resampled together (so the correlation between a
 * and b is kept), the interval is the percentile interval of the replicate means, se their standard deviation.
 * The p-value tests d̄ = 0 by shifting the bootstrap distribution to the null (Efron & Tibshirani 1993, §16.4)
 * with the add-one correction that keeps it valid (Davison & Hinkley 1997, eq. 4.11):
 * p = (1 + #{|d̄* − d̄| ≥ |d̄|}) / (B + 1), so it is never below 1/(B + 1). MDE = (z_{1−α/2} + z_{0.8}) · se.
 * Null for fewer than two pairs. Deterministic for a seed.
 */
export function pairedBootstrap(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  options: PairedBootstrapOptions = {},
): PairedBootstrapResult | null {
  const { resamples = DEFAULT_RESAMPLES, seed = DEFAULT_SEED, confidence = 0.95 } = options;
  checkConfidence(confidence);
  const d = differences(a, b);
  if (d.length < 2) return null;
  const estimate = mean(d);
  const replicates = bootstrapReplicates(d, resamples, seed);
  let extreme = 0;
  for (const r of replicates) if (Math.abs(r - estimate) >= Math.abs(estimate)) extreme++;
  const { low, high, se } = percentileInterval(replicates, confidence);
  return {
    estimate,
    low,
    high,
    n: d.length,
    confidence,
    se,
    pValue: (1 + extreme) / (resamples + 1),
    mde: se > 0 ? minimumDetectableEffect(se, { alpha: 1 - confidence }) : null,
    resamples,
    seed,
  };
}
