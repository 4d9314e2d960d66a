/**
 * Paired comparisons of mean cell scores, over the same target pairs as the pass-rate comparisons: every two
 * prompts on a provider, every two providers on a prompt, paired by (test id, repeat index).
 *
 * Test: the paired t-test on the differences, for every n. The bootstrap was the alternative; at the small n
 * where the choice matters, the percentile bootstrap interval is too narrow (it resamples the few differences
 * there are and ignores the uncertainty in their spread), while the t interval's heavier tails account for it,
 * and with scores bounded in [0, 1] the differences are bounded too, so the mean of the differences reaches
 * normality quickly. It also needs no seed and is what R's `t.test(b, a, paired = TRUE)` gives.
 * Holm's correction runs over the score comparisons as their own family, apart from the McNemar tests.
 */
import { holm, pairedTTest } from '../../stats/index.js';
import type { Store } from '../../store/index.js';
import { cellScoreRows, type CellScoreRow } from '../../store/score-rows.js';
import { CONFIDENCE } from '../shared.js';
import { targetPairs, type Comparison, type TargetKey, type TargetPair } from './comparisons.js';

/** Paired comparison of two targets' mean scores. Differences are b − a. */
export interface ScoreComparison {
  kind: Comparison['kind'];
  a: string;
  b: string;
  on: string;
  /** Pairs (test id, repeat index) both finished with a verdict; an errored cell scores 0. */
  n: number;
  meanScoreA: number;
  meanScoreB: number;
  difference: { estimate: number; low: number; high: number; method: 'paired-t'; confidence: number };
  /** Two-sided paired t-test p-value. */
  pValue: number;
  /** Holm-adjusted across the score comparisons. */
  adjustedPValue: number;
  significant: boolean;
  /** Smallest true mean difference detectable at 80 % power here; null when every difference is equal. */
  mde: number | null;
}

interface PairScores extends TargetPair {
  a: number[];
  b: number[];
}

/**
 * Compares mean scores of every eligible pair. Empty when every cell score is 0 or 1: the score is then the
 * verdict, and the McNemar comparisons already test it exactly.
 */
export function compareScores(store: Store, runId: string, targets: readonly TargetKey[]): ScoreComparison[] {
  const pairs: PairScores[] = targetPairs(targets).map((p) => ({ ...p, a: [], b: [] }));
  if (pairs.length === 0) return [];
  const graded = foldScores(cellScoreRows(store.db, runId), targets, pairs);
  if (!graded) return [];
  const tested = pairs.flatMap((p) => {
    const result = pairedTTest(p.a, p.b, CONFIDENCE);
    return result ? [{ p, result }] : [];
  });
  const adjusted = holm(tested.map((t) => t.result.pValue));
  return tested.map(({ p, result }, i): ScoreComparison => {
    const x = targets[p.first]!;
    const y = targets[p.second]!;
    const byPrompt = p.kind === 'prompt';
    const adjustedPValue = adjusted[i]!;
    return {
      kind: p.kind,
      a: byPrompt ? x.promptId : x.providerLabel,
      b: byPrompt ? y.promptId : y.providerLabel,
      on: byPrompt ? x.providerLabel : x.promptId,
      n: result.n,
      meanScoreA: average(p.a),
      meanScoreB: average(p.b),
      difference: { ...withinBounds(result, p), method: 'paired-t', confidence: CONFIDENCE },
      pValue: result.pValue,
      adjustedPValue,
      significant: adjustedPValue < 1 - CONFIDENCE,
      mde: result.mde,
    };
  });
}

/** Adds one pair per (test, repeat) group to each pair of targets holding both; true when a score is not 0/1. */
function foldScores(rows: Iterable<CellScoreRow>, targets: readonly TargetKey[], pairs: PairScores[]): boolean {
  const index = new Map(targets.map((t, i) => [`${t.promptId}\0${t.providerLabel}`, i]));
  const scores: Array<number | undefined> = new Array(targets.length);
  let nonBinary = false;
  let group: string | undefined;
  const flush = () => {
    for (const p of pairs) {
      const x = scores[p.first];
      const y = scores[p.second];
      if (x === undefined || y === undefined) continue;
      p.a.push(x);
      p.b.push(y);
    }
    scores.fill(undefined);
  };
  for (const row of rows) {
    const key = `${row.testId}\0${row.repeatIndex}`;
    if (key !== group) {
      if (group !== undefined) flush();
      group = key;
    }
    const i = index.get(`${row.promptId}\0${row.providerLabel}`);
    if (i === undefined) continue;
    scores[i] = row.score;
    if (row.score !== 0 && row.score !== 1) nonBinary = true;
  }
  if (group !== undefined) flush();
  return nonBinary;
}

/**
 * The t interval of a difference can run past what scores allow (two scores in [0, 1] differ by at most 1): clamp
 * it to the possible range, which only removes impossible values.
 */
function withinBounds(result: { estimate: number; low: number; high: number }, p: PairScores) {
  const bounded = [...p.a, ...p.b].every((s) => s >= 0 && s <= 1);
  if (!bounded) return { estimate: result.estimate, low: result.low, high: result.high };
  return { estimate: result.estimate, low: Math.max(result.low, -1), high: Math.min(result.high, 1) };
}

function average(values: readonly number[]): number {
  return values.reduce((s, v) => s + v, 0) / values.length;
}
