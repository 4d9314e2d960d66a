/**
 * Intervals for a mean score: Student's t interval, and the cluster-robust interval for tests that share a
 * context (several questions about one passage). The bootstrap lives in bootstrap.ts.
 */
import { type Interval, mean, sampleVariance } from './descriptive.js';
import { tCritical } from './power.js';
import { checkConfidence, checkFinite, invalid } from './validate.js';

export interface MeanInterval extends Interval {
  /** Sample standard deviation (n − 1 denominator). */
  sd: number;
  /** Standard error of the mean. */
  se: number;
  /** Degrees of freedom of the t critical value. */
  df: number;
}

/**
 * Student's t interval for a mean: x̄ ± t(1 − α/2, n − 1) · s/√n, s the sample standard deviation with the n − 1
 * denominator (Student 1908; any textbook, e.g. Moore, McCabe & Craig, "Introduction to the Practice of
 * Statistics", §7.1). Returns null for fewer than two values: one value has no spread to estimate.
 */
export function tInterval(values: ArrayLike<number>, confidence = 0.95): MeanInterval | null {
  checkFinite('values', values);
  checkConfidence(confidence);
  const n = values.length;
  if (n < 2) return null;
  const estimate = mean(values);
  const sd = Math.sqrt(sampleVariance(values, estimate));
  const se = sd / Math.sqrt(n);
  const df = n - 1;
  const half = tCritical(confidence, df) * se;
  return { estimate, low: estimate - half, high: estimate + half, n, confidence, sd, se, df };
}

/** An identifier of the cluster a value belongs to; null/undefined puts the value in a cluster of its own. */
export type ClusterId = string | number | null | undefined;

export interface ClusteredInterval extends Interval {
  /** Cluster-robust standard error. */
  se: number;
  /** The ordinary standard error s/√n that ignores clustering, for comparison. */
  seIndependent: number;
  /** (se / seIndependent)²: how much the clustering inflates the variance of the mean. */
  designEffect: number;
  /** Number of distinct clusters (G). */
  clusters: number;
  /** Degrees of freedom of the t critical value: G − 1. */
  df: number;
}

/**
 * Mean with a cluster-robust standard error, as in E. Miller (2024), "Adding Error Bars to Evals: A Statistical
 * Approach to Language Model Evaluations", arXiv:2411.00640, the clustered-standard-error equation:
 *
 *   SE²_clustered = SE²_CLT + (1/n²) Σ_c Σ_i Σ_{j≠i} (s_{i,c} − s̄)(s_{j,c} − s̄),   SE²_CLT = Σ (s_i − s̄)² / (n(n−1)),
 *
 * i.e. the ordinary variance of the mean plus the within-cluster covariances. Convention: this is Miller's
 * formula verbatim, with the n − 1 (Bessel) denominator on the diagonal term. Consequences, both tested:
 * - when every cluster has one item the cross terms vanish and SE equals the ordinary s/√n exactly (and the
 *   interval equals {@link tInterval}'s);
 * - the textbook Liang–Zeger sandwich without small-sample correction, CR0 = √(Σ_c (Σ_i e_ic)²) / n, is smaller by
 *   exactly SE² − CR0² = Σ e² / (n²(n − 1)); for singletons CR0 = √((n − 1)/n) · s/√n, the n/(n−1) convention gap.
 *
 * The interval uses the t critical value with G − 1 degrees of freedom, G the number of clusters (Cameron &
 * Miller 2015, "A Practitioner's Guide to Cluster-Robust Inference", J. Human Resources 50:317, §VI.B), which
 * tends to Miller's 1.96 when there are many clusters. Returns null with fewer than two clusters.
 */
export function clusteredInterval(
  values: ArrayLike<number>,
  clusters: ArrayLike<ClusterId>,
  confidence = 0.95,
): ClusteredInterval | null {
  checkFinite('values', values);
  checkConfidence(confidence);
  const n = values.length;
  if (clusters.length !== n) invalid(`got ${n} values but ${clusters.length} cluster ids`);
  const estimate = mean(values);
  const sums = new Map<unknown, number>();
  let squares = 0;
  for (let i = 0; i < n; i++) {
    const residual = (values[i] as number) - estimate;
    squares += residual * residual;
    const id = clusters[i];
    // A symbol is unique, so an item without a cluster never shares one.
    const key = id === null || id === undefined ? Symbol() : id;
    sums.set(key, (sums.get(key) ?? 0) + residual);
  }
  const g = sums.size;
  if (g < 2) return null;
  let clusterSquares = 0;
  for (const sum of sums.values()) clusterSquares += sum * sum;
  const varianceIndependent = squares / (n * (n - 1));
  const variance = varianceIndependent + (clusterSquares - squares) / (n * n);
  const se = Math.sqrt(Math.max(0, variance));
  const seIndependent = Math.sqrt(varianceIndependent);
  const df = g - 1;
  const half = tCritical(confidence, df) * se;
  return {
    estimate,
    low: estimate - half,
    high: estimate + half,
    n,
    confidence,
    se,
    seIndependent,
    designEffect: seIndependent > 0 ? variance / varianceIndependent : 1,
    clusters: g,
    df,
  };
}
