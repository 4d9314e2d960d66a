/**
 * What repeats (`repeat: N`) say about each prompt × provider: how consistent its verdicts are, pass@k, the
 * majority-vote pass rate and the tests whose verdict flips. SQLite folds the cells into one row per
 * (target, test); only those rows are read. A verdict is pass or not: errors count as failures, as everywhere
 * in the report.
 */
import { agreementRate, passAtK } from '../../stats/index.js';
import type { Store } from '../../store/index.js';
import { repeatCountRows, type RepeatCountRow } from '../../store/score-rows.js';
import type { TargetKey } from './comparisons.js';

/** A test whose verdict differed across repeats. */
export interface FlakyTestSummary {
  testId: string;
  description: string | null;
  /** Repeats with a verdict, and how many of them passed and errored. */
  n: number;
  passes: number;
  errors: number;
}

/** pass@k over the tests that have at least k repeats with a verdict. */
export interface PassAtK {
  k: number;
  /** Mean over tests of the unbiased estimator 1 − C(n−c, k)/C(n, k) (Chen et al. 2021); null with no such test. */
  value: number | null;
  tests: number;
}

/** Repeat statistics of one target. */
export interface RepeatSummary {
  promptId: string;
  providerLabel: string;
  /** The run's `repeat`. */
  repeat: number;
  /** Tests with at least one verdict. */
  tests: number;
  /**
   * Mean over tests with two or more repeats of the pairwise agreement rate: the share of pairs of repeats that
   * gave the same verdict (1 when every test is stable). Null when no test has two repeats.
   */
  consistency: number | null;
  /** k ∈ {1, 10, repeat} up to repeat: k = 1 is the plain pass rate (test-weighted), 10 is HumanEval's pass@10. */
  passAtK: PassAtK[];
  /**
   * Share of tests whose majority of repeats passed. A tie (as many passes as failures, possible with an even
   * repeat) is not a pass: majority vote needs more than half. This votes over verdicts; lm-evaluation-harness's
   * maj@k votes over the extracted answers and is `majorityAtK` on the per-metric summary (metric-summary.ts).
   */
  majorityVotePassRate: number;
  /** Tests where the vote was a tie. */
  majorityTies: number;
  /** Every test whose verdict flipped, in suite order. */
  flaky: FlakyTestSummary[];
}

/** Per target repeat statistics in the order of `targets` (then any it lacks); empty unless repeat > 1. */
export function summarizeRepeats(store: Store, runId: string, targets: readonly TargetKey[], repeat: number): RepeatSummary[] {
  if (repeat < 2) return [];
  const out: RepeatSummary[] = [];
  let group: RepeatCountRow[] = [];
  const flush = () => {
    if (group.length > 0) out.push(summarizeTarget(group, repeat));
    group = [];
  };
  for (const row of repeatCountRows(store.db, runId)) {
    const first = group[0];
    if (first && (first.promptId !== row.promptId || first.providerLabel !== row.providerLabel)) flush();
    group.push(row);
  }
  flush();
  const rank = new Map(targets.map((t, i) => [`${t.promptId}\0${t.providerLabel}`, i]));
  const rankOf = (r: RepeatSummary) => rank.get(`${r.promptId}\0${r.providerLabel}`) ?? targets.length;
  return out.sort((a, b) => rankOf(a) - rankOf(b));
}

function summarizeTarget(rows: readonly RepeatCountRow[], repeat: number): RepeatSummary {
  const { promptId, providerLabel } = rows[0]!;
  const agreements = rows.flatMap((r) => {
    const rate = agreementRate(verdicts(r));
    return rate === null ? [] : [rate];
  });
  const majority = rows.filter((r) => 2 * r.passes > r.n).length;
  return {
    promptId,
    providerLabel,
    repeat,
    tests: rows.length,
    consistency: agreements.length === 0 ? null : average(agreements),
    passAtK: passAtKs(repeat).map((k) => {
      const eligible = rows.filter((r) => r.n >= k);
      return { k, value: eligible.length === 0 ? null : average(eligible.map((r) => passAtK(r.n, r.passes, k))), tests: eligible.length };
    }),
    majorityVotePassRate: majority / rows.length,
    majorityTies: rows.filter((r) => 2 * r.passes === r.n).length,
    flaky: rows
      .filter((r) => r.passes > 0 && r.passes < r.n)
      .map((r) => ({ testId: r.testId, description: r.description, n: r.n, passes: r.passes, errors: r.errors })),
  };
}

/** The k of pass@k to report: {1, 10, N} ∩ [1, N], ascending. */
export function passAtKs(repeat: number): number[] {
  return [...new Set([1, 10, repeat])].filter((k) => k >= 1 && k <= repeat).sort((a, b) => a - b);
}

/** A test's verdicts as the stats library takes them: n small, so the array is cheap. */
function verdicts(r: RepeatCountRow): boolean[] {
  return Array.from({ length: r.n }, (_, i) => i < r.passes);
}

function average(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}
