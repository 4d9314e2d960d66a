/**
 * Statistics over repeated runs of the same test (`repeat: N`): pass@k, majority vote, consistency and the list
 * of flaky tests. A verdict is any primitive (boolean, 'pass' | 'fail' | 'error', a label…); verdicts are equal
 * when `Map` keys would be (SameValueZero).
 */
import { checkCount, invalid } from './validate.js';

/** A verdict value: compared with SameValueZero. */
export type Verdict = string | number | boolean;

/**
 * Unbiased estimator of pass@k from n samples of which c are correct (M. Chen et al. 2021, "Evaluating Large
 * Language Models Trained on Code", arXiv:2107.03374, eq. 1 and Fig. 3): 1 − C(n−c, k)/C(n, k), the probability
 * that k samples drawn without replacement from the n include a correct one. Computed in the paper's stable
 * product form 1 − Π_{i=n−c+1}^{n} (1 − k/i), which never forms a binomial coefficient; exactly 1 when n − c < k.
 */
export function passAtK(n: number, c: number, k: number): number {
  checkCount('n', n);
  checkCount('c', c);
  checkCount('k', k);
  if (c > n) invalid(`correct samples c (${c}) cannot exceed n (${n})`);
  if (k < 1 || k > n) invalid(`k must be between 1 and n (${n}), got ${k}`);
  if (n - c < k) return 1;
  let product = 1;
  for (let i = n - c + 1; i <= n; i++) product *= 1 - k / i;
  return 1 - product;
}

/** Tally of verdicts, in order of first appearance. */
function tally<T extends Verdict>(verdicts: readonly T[]): Map<T, number> {
  const counts = new Map<T, number>();
  for (const verdict of verdicts) counts.set(verdict, (counts.get(verdict) ?? 0) + 1);
  return counts;
}

export interface MajorityVote<T extends Verdict> {
  /** The strictly most frequent verdict; null on a tie for first place or with no verdicts. */
  verdict: T | null;
  /** How many repeats gave the most frequent verdict (shared count on a tie). */
  votes: number;
  n: number;
  /** votes / n, the share of the modal verdict; 0 with no verdicts. */
  share: number;
}

/**
 * Plurality vote over repeats. A tie for first place gives `verdict: null` rather than an arbitrary winner, so
 * "2 pass, 2 fail" is reported as undecided instead of silently as pass. Voting over pass/fail verdicts is not
 * lm-evaluation-harness's maj@k, which votes over the extracted answers (`pluralityVote` in ./plurality.ts): with
 * answers 8, 8, 3, 5, 7 and 8 correct, the verdicts vote fail (2 of 5) but the answers vote 8, a pass.
 */
export function majorityVote<T extends Verdict>(verdicts: readonly T[]): MajorityVote<T> {
  const n = verdicts.length;
  let verdict: T | null = null;
  let votes = 0;
  let tied = false;
  for (const [value, count] of tally(verdicts)) {
    if (count > votes) {
      verdict = value;
      votes = count;
      tied = false;
    } else if (count === votes) {
      tied = true;
    }
  }
  return { verdict: tied ? null : verdict, votes, n, share: n === 0 ? 0 : votes / n };
}

/**
 * Consistency of one test across repeats, defined as pairwise agreement: the fraction of the C(n, 2) unordered
 * pairs of repeats that gave the same verdict, Σ_v C(n_v, 2) / C(n, 2). It is 1 when every repeat agrees, and for
 * pass/fail with p the pass share it is ≈ p² + (1 − p)², the chance that two random repeats agree (it is also
 * the per-unit agreement P_i of Fleiss' kappa). Null for fewer than two repeats: no pair to compare.
 */
export function agreementRate<T extends Verdict>(verdicts: readonly T[]): number | null {
  const n = verdicts.length;
  if (n < 2) return null;
  let agreeing = 0;
  for (const count of tally(verdicts).values()) agreeing += count * (count - 1);
  return agreeing / (n * (n - 1));
}

export interface FlakyTest<T extends Verdict> {
  /** The test's identifier, as given. */
  id: string;
  n: number;
  /** Pairwise agreement across its repeats ({@link agreementRate}). */
  agreement: number;
  /** Majority verdict, null on a tie. */
  majority: T | null;
  /** Each verdict seen and how often, in order of first appearance. */
  counts: Array<{ verdict: T; count: number }>;
}

/**
 * Tests whose verdict flips across repeats (at least two distinct verdicts), in input order, with their
 * counts. Which verdicts count as different is the caller's choice: pass `'error'` as its own verdict to flag
 * tests that sometimes error, or map errors away first.
 */
export function flaky<T extends Verdict>(
  verdictsByTest: ReadonlyMap<string, readonly T[]> | Readonly<Record<string, readonly T[]>>,
): Array<FlakyTest<T>> {
  const entries = verdictsByTest instanceof Map ? [...verdictsByTest] : Object.entries(verdictsByTest);
  const result: Array<FlakyTest<T>> = [];
  for (const [id, verdicts] of entries as Array<[string, readonly T[]]>) {
    const counts = tally(verdicts);
    if (counts.size < 2) continue;
    result.push({
      id,
      n: verdicts.length,
      agreement: agreementRate(verdicts) as number,
      majority: majorityVote(verdicts).verdict,
      counts: [...counts].map(([verdict, count]) => ({ verdict, count })),
    });
  }
  return result;
}
