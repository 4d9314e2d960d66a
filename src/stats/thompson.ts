/**
 * Thompson-sampling allocation for a multi-armed bandit experiment (`split: bandit`): each arm's share of new
 * units is the posterior probability that it is the best arm (W. R. Thompson 1933, Biometrika 25:285; as an
 * allocation rule, S. L. Scott 2010, "A modern Bayesian look at the multi-armed bandit", Appl. Stochastic Models
 * Bus. Ind. 26:639, "randomized probability matching"). The probabilities are estimated by Monte Carlo:
 * draw every arm's mean from its posterior, count which arm draws highest.
 *
 * Posteriors, for per-unit outcomes in 0..1:
 * - `thumbs`: Beta-Bernoulli with a uniform Beta(1, 1) prior: Beta(1 + Σx, 1 + n − Σx) (a unit's averaged thumbs
 *   count fractionally).
 * - `score`: normal, N(m, s²/(n + 1)), with one pseudo-unit of a uniform prior on 0..1 (mean ½, variance 1/12)
 *   added to the sample, so an arm with no data is wide but finite.
 * A floor share (default 5 % per arm) keeps every arm sampled, so an early lead found by chance can still be lost.
 */
import { createRng, type Rng } from './rng.js';
import { invalid } from './validate.js';

export interface ThompsonOptions {
  /** `thumbs` (0/1 outcomes: Beta-Bernoulli) or `score` (0..1: normal). */
  kind: 'thumbs' | 'score';
  /** Monte Carlo draws; default 10,000 (standard error of a share ≤ 0.005). */
  draws?: number;
  /** Seed of the draws; default 1, so the same data gives the same allocation. */
  seed?: number;
  /** Smallest share of any arm; default 0.05 (lowered to 1/k when k arms cannot all have it). */
  floor?: number;
}

/**
 * Each arm's share of new units: floor + (1 − k·floor) · P(arm is best), summing to 1, in the order of `arms`.
 */
export function thompsonAllocation(arms: readonly { outcomes: ArrayLike<number> }[], options: ThompsonOptions): number[] {
  const k = arms.length;
  if (k === 0) return [];
  const draws = options.draws ?? 10_000;
  if (!(Number.isInteger(draws) && draws > 0)) invalid(`draws must be a positive integer, got ${draws}`);
  const floor = Math.min(options.floor ?? 0.05, 1 / k);
  const rng = createRng(options.seed ?? 1);
  const samplers = arms.map((arm) => posterior(arm.outcomes, options.kind, rng));
  const wins = new Array<number>(k).fill(0);
  for (let d = 0; d < draws; d++) {
    let best = 0;
    let bestValue = -Infinity;
    for (let i = 0; i < k; i++) {
      const value = (samplers[i] as () => number)();
      if (value > bestValue) [best, bestValue] = [i, value];
    }
    wins[best] = (wins[best] as number) + 1;
  }
  return wins.map((w) => floor + (1 - k * floor) * (w / draws));
}

function posterior(outcomes: ArrayLike<number>, kind: ThompsonOptions['kind'], rng: Rng): () => number {
  let sum = 0;
  for (let i = 0; i < outcomes.length; i++) {
    const x = outcomes[i] as number;
    if (!(x >= 0 && x <= 1)) invalid(`outcomes must be in 0..1, got ${x}`);
    sum += x;
  }
  const n = outcomes.length;
  if (kind === 'thumbs') return () => betaSample(rng, 1 + sum, 1 + n - sum);
  const m = (sum + 0.5) / (n + 1);
  let squares = 1 / 12;
  for (let i = 0; i < n; i++) squares += ((outcomes[i] as number) - m) ** 2;
  const sd = Math.sqrt(squares / (n + 1) / (n + 1));
  return () => m + sd * normalSample(rng);
}

/** Standard normal by Marsaglia's polar method (G. Marsaglia & T. A. Bray 1964, SIAM Review 6:260). */
export function normalSample(rng: Rng): number {
  for (;;) {
    const u = 2 * rng.float() - 1;
    const v = 2 * rng.float() - 1;
    const s = u * u + v * v;
    if (s > 0 && s < 1) return u * Math.sqrt((-2 * Math.log(s)) / s);
  }
}

/**
 * Gamma(shape, 1) by G. Marsaglia & W. W. Tsang (2000), "A simple method for generating gamma variables",
 * ACM TOMS 26:363; shapes below 1 through Gamma(a) = Gamma(a + 1) · U^(1/a), as they note.
 */
export function gammaSample(rng: Rng, shape: number): number {
  if (shape < 1) return gammaSample(rng, shape + 1) * Math.pow(1 - rng.float(), 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const x = normalSample(rng);
    const v0 = 1 + c * x;
    if (v0 <= 0) continue;
    const v = v0 * v0 * v0;
    const u = 1 - rng.float();
    if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
  }
}

/** Beta(a, b) as X / (X + Y) with X ~ Gamma(a), Y ~ Gamma(b). */
export function betaSample(rng: Rng, a: number, b: number): number {
  const x = gammaSample(rng, a);
  const y = gammaSample(rng, b);
  return x / (x + y);
}
