/**
 * Paired comparison of pass/fail verdicts of two prompts or providers over the same tests: McNemar's exact test,
 * Newcombe's interval for the difference in pass rates, and Holm's correction for many comparisons. Differences
 * are always second − first: positive means the second passes more often.
 */
import { binomialCdf } from './distributions.js';
import type { Interval } from './descriptive.js';
import { minimumDetectableEffect } from './power.js';
import { wilson } from './proportions.js';
import { checkConfidence, checkCount, checkProbability, invalid } from './validate.js';

export interface McNemarResult {
  /** Pairs where the first passes and the second fails. */
  b: number;
  /** Pairs where the first fails and the second passes. */
  c: number;
  /** Two-sided exact p-value. */
  pValue: number;
  /** Number of pairs, when given. */
  n: number | null;
  /** Difference in pass rates, second − first = (c − b) / n; null without n (or n = 0). */
  difference: number | null;
}

/**
 * McNemar's test in its exact (conditional binomial) form: under H0 each of the b + c discordant pairs is
 * equally likely to go either way, so b ~ Binomial(b + c, ½), and the two-sided p-value is
 * min(1, 2 · P(X ≤ min(b, c))) (McNemar 1947, Psychometrika 12:153; exact form as in Fagerland, Lydersen & Laake
 * 2013, BMC Med Res Methodol 13:91). No discordant pairs gives p = 1. `n`, the number of pairs, is only used to
 * report the difference in pass rates.
 */
export function mcnemarExact(b: number, c: number, n?: number): McNemarResult {
  checkCount('b', b);
  checkCount('c', c);
  if (n !== undefined) {
    checkCount('n', n);
    if (n < b + c) invalid(`n (${n}) cannot be less than the discordant pairs b + c (${b + c})`);
  }
  const discordant = b + c;
  const pValue = discordant === 0 ? 1 : Math.min(1, 2 * binomialCdf(Math.min(b, c), discordant, 0.5));
  return { b, c, pValue, n: n ?? null, difference: n ? (c - b) / n : null };
}

/** Paired pass/fail comparison: counts, the difference with its interval, McNemar's p and the MDE. */
export interface PairedProportionResult extends Interval {
  /** Pass rate of the first member of each pair. */
  first: number;
  /** Pass rate of the second. */
  second: number;
  bothPass: number;
  /** First passes, second fails (McNemar's b). */
  firstOnly: number;
  /** First fails, second passes (McNemar's c). */
  secondOnly: number;
  bothFail: number;
  /** McNemar exact two-sided p-value. */
  pValue: number;
  /**
   * Minimum detectable effect at 80 % power and α = 1 − confidence for this n and the observed discordance:
   * (z_{1−α/2} + z_{0.8}) · sd(d)/√n, d_i ∈ {−1, 0, 1} the per-pair difference (see minimumDetectableEffect).
   * Null when it cannot be estimated: fewer than two pairs, or no discordant pairs (no spread to measure).
   */
  mde: number | null;
}

/**
 * Compares paired verdicts `[first, second]`. The interval for second − first is Newcombe's method 10 (R. G.
 * Newcombe 1998, "Improved confidence intervals for the difference between binomial proportions based on paired
 * data", Stat Med 17:2635): the Wilson intervals of the two rates combined by "square and add", with Newcombe's
 * correction φ for their correlation (φ = 0 when 0 ≤ ad − bc ≤ n/2, (ad − bc − n/2)/√(…) above, as in
 * Fagerland, Lydersen & Laake 2017, "Statistical Analysis of Contingency Tables", §8). It stays inside [−1, 1]
 * and does not degenerate when there are no discordant pairs, unlike the Wald interval. Null for no pairs.
 */
export function pairedProportionDiff(
  pairs: ReadonlyArray<readonly [boolean, boolean]>,
  confidence = 0.95,
): PairedProportionResult | null {
  checkConfidence(confidence);
  const n = pairs.length;
  if (n === 0) return null;
  let a = 0;
  let b = 0;
  let c = 0;
  for (const [first, second] of pairs) {
    if (first && second) a++;
    else if (first) b++;
    else if (second) c++;
  }
  const d = n - a - b - c;
  const first = (a + b) / n;
  const second = (a + c) / n;
  const estimate = second - first;
  const [low, high] = newcombeSquareAndAdd(a + c, a + b, [a, b, c, d], confidence);
  const spread = b + c - n * estimate * estimate;
  const se = n > 1 ? Math.sqrt(Math.max(0, spread) / (n - 1) / n) : 0;
  return {
    estimate,
    low,
    high,
    n,
    confidence,
    first,
    second,
    bothPass: a,
    firstOnly: b,
    secondOnly: c,
    bothFail: d,
    pValue: mcnemarExact(b, c).pValue,
    mde: se > 0 ? minimumDetectableEffect(se, { alpha: 1 - confidence }) : null,
  };
}

/** Newcombe's interval for p1 − p2 = (x1 − x2)/n from a paired table [a, b, c, d] (a, d concordant). */
function newcombeSquareAndAdd(
  x1: number,
  x2: number,
  [a, b, c, d]: readonly [number, number, number, number],
  confidence: number,
): [number, number] {
  const n = a + b + c + d;
  const p1 = x1 / n;
  const p2 = x2 / n;
  const w1 = wilson(x1, n, confidence) as Interval;
  const w2 = wilson(x2, n, confidence) as Interval;
  const marginals = (a + b) * (c + d) * (a + c) * (b + d);
  const cross = a * d - b * c;
  let phi = 0;
  if (marginals > 0) {
    if (cross > n / 2) phi = (cross - n / 2) / Math.sqrt(marginals);
    else if (cross < 0) phi = cross / Math.sqrt(marginals);
  }
  const dl1 = p1 - w1.low;
  const du1 = w1.high - p1;
  const dl2 = p2 - w2.low;
  const du2 = w2.high - p2;
  const below = Math.sqrt(Math.max(0, dl1 * dl1 - 2 * phi * dl1 * du2 + du2 * du2));
  const above = Math.sqrt(Math.max(0, du1 * du1 - 2 * phi * du1 * dl2 + dl2 * dl2));
  return [p1 - p2 - below, p1 - p2 + above];
}

/**
 * Holm's step-down adjustment (S. Holm 1979, "A simple sequentially rejective multiple test procedure", Scand.
 * J. Statist. 6:65), controlling the family-wise error rate: with p sorted ascending, p̃_(i) = max_{j ≤ i}
 * min(1, (m − j + 1) p_(j)). Returned in input order, so p̃[k] belongs to pValues[k]. Same definition as R's
 * `p.adjust(method = "holm")`.
 */
export function holm(pValues: readonly number[]): number[] {
  pValues.forEach((p, i) => checkProbability(`pValues[${i}]`, p));
  const m = pValues.length;
  const order = pValues.map((_, i) => i).sort((i, j) => (pValues[i] as number) - (pValues[j] as number) || i - j);
  const adjusted = new Array<number>(m);
  let running = 0;
  order.forEach((index, rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * (pValues[index] as number)));
    adjusted[index] = running;
  });
  return adjusted;
}
