/**
 * Seeded nonparametric bootstrap (B. Efron 1979, Ann. Stat. 7:1; Efron & Tibshirani 1993, "An Introduction to
 * the Bootstrap"): resample the values with replacement, recompute the statistic, read the interval off the
 * percentiles of the replicates. Deterministic for a given seed.
 */
import { type Interval, mean, quantileSorted, sampleVariance } from './descriptive.js';
import { createRng, indexSampler } from './rng.js';
import { checkConfidence, checkFinite, invalid } from './validate.js';

/** A statistic of a sample. The sample array is reused between calls: read it, do not keep it. */
export type Statistic = (sample: ArrayLike<number>) => number;

export interface BootstrapOptions {
  /** Number of bootstrap resamples; default 2000. */
  resamples?: number;
  /** PRNG seed (any safe integer); default 0. The same seed always gives the same result. */
  seed?: number;
  /** Confidence level of the interval; default 0.95. */
  confidence?: number;
  /** The statistic to bootstrap; default the mean (which takes a fast path that never builds a sample). */
  statistic?: Statistic;
}

export interface BootstrapInterval extends Interval {
  /** Bootstrap standard error: the standard deviation of the replicates. */
  se: number;
  resamples: number;
  seed: number;
}

export const DEFAULT_RESAMPLES = 2000;
export const DEFAULT_SEED = 0;

/**
 * `resamples` bootstrap replicates of `statistic` over `values`, in draw order. Each resample draws n indices
 * uniformly with replacement from a xoshiro128** stream seeded by `seed`.
 */
export function bootstrapReplicates(
  values: ArrayLike<number>,
  resamples = DEFAULT_RESAMPLES,
  seed = DEFAULT_SEED,
  statistic: Statistic = mean,
): Float64Array {
  checkFinite('values', values);
  if (!Number.isInteger(resamples) || resamples < 1) invalid(`resamples must be a positive integer, got ${resamples}`);
  const n = values.length;
  if (n === 0) invalid('cannot bootstrap an empty sample');
  const draw = indexSampler(createRng(seed).uint32, n);
  const data = Float64Array.from(values);
  const replicates = new Float64Array(resamples);
  if (statistic === mean) {
    for (let r = 0; r < resamples; r++) {
      let sum = 0;
      for (let i = 0; i < n; i++) sum += data[draw()] as number;
      replicates[r] = sum / n;
    }
    return replicates;
  }
  const sample = new Float64Array(n);
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < n; i++) sample[i] = data[draw()] as number;
    replicates[r] = statistic(sample);
  }
  return replicates;
}

/**
 * Percentile bootstrap interval (Efron & Tibshirani 1993, §13.3): the α/2 and 1 − α/2 quantiles of the sorted
 * replicates (Hyndman–Fan type 7 interpolation), around the statistic of the original sample. Returns null for
 * an empty sample. With one value every replicate is that value and the interval is a point.
 */
export function bootstrapInterval(values: ArrayLike<number>, options: BootstrapOptions = {}): BootstrapInterval | null {
  const { resamples = DEFAULT_RESAMPLES, seed = DEFAULT_SEED, confidence = 0.95, statistic = mean } = options;
  checkConfidence(confidence);
  if (values.length === 0) return null;
  const replicates = bootstrapReplicates(values, resamples, seed, statistic);
  return {
    ...percentileInterval(replicates, confidence),
    estimate: statistic(Float64Array.from(values)),
    n: values.length,
    resamples,
    seed,
  };
}

/** Percentile bounds and standard error of bootstrap replicates (sorts a copy). */
export function percentileInterval(
  replicates: Float64Array,
  confidence: number,
): { low: number; high: number; se: number; confidence: number } {
  const sorted = replicates.slice().sort();
  const alpha = 1 - confidence;
  const se = replicates.length > 1 ? Math.sqrt(sampleVariance(replicates)) : 0;
  return { low: quantileSorted(sorted, alpha / 2), high: quantileSorted(sorted, 1 - alpha / 2), se, confidence };
}
