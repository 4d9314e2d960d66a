/**
 * Per prompt × provider × metric name: the pass rate of that metric's assertions with its Wilson interval, and
 * the mean score with a t interval. Rows stream from the store one (target, metric) group at a time.
 */
import { clusteredInterval, krippendorffAlpha, mean, percentAgreement, tInterval, wilson } from '../../stats/index.js';
import type { Store } from '../../store/index.js';
import { hasClusters, metricScoreRows, type MetricScoreRow } from '../../store/score-rows.js';
import type { TargetKey } from './comparisons.js';
import { CONFIDENCE } from '../shared.js';
import { addMajorityRow, finishMajority, openMajority, type MajorityAccumulator, type MajorityAtK } from './majority-at-k.js';
import type { PassRateInterval } from './totals.js';

/** Interval of a mean score. */
export interface MeanScoreInterval {
  low: number;
  high: number;
  /**
   * `t`: Student's t over the cells. `clustered`: the cluster-robust interval (Miller 2024), used when cells are
   * not independent: tests that share a `cluster` form one cluster, and so do a test's repeats.
   */
  method: 't' | 'clustered';
  confidence: number;
  /** Clusters behind a `clustered` interval: distinct `cluster` values (a test without one is its own). */
  clusters?: number;
}

/** One metric name on one target. */
export interface MetricSummary {
  promptId: string;
  providerLabel: string;
  metric: string;
  /**
   * Cells graded on this metric (a cell with several assertions of one name counts once: its scores are
   * averaged and it passes when all pass). Cells whose model call failed have nothing graded and are not in n.
   */
  n: number;
  /** Cells in n where an assertion of this metric errored; they count as failures with score 0. */
  errors: number;
  passRate: number;
  passRateInterval: PassRateInterval | null;
  meanScore: number;
  /** Null with fewer than two cells (or fewer than two tests when clustered). */
  meanScoreInterval: MeanScoreInterval | null;
  /** True when every score was exactly 0 or 1: the mean score is then the pass rate's twin. */
  binary: boolean;
  /** Model-graded metrics judged more than once per output (graderRepeat > 1): how well the rounds agree. */
  judgeAgreement?: JudgeAgreement;
  /**
   * maj@k (lm-evaluation-harness): with repeat > 1 and a `transform` on this metric's assertions, the share of
   * tests whose plurality answer over the k repeats passes. Not `repeats[].majorityVotePassRate`, which votes
   * over verdicts.
   */
  majorityAtK?: MajorityAtK;
}

/**
 * Agreement of repeated judge rounds on the same outputs. Units are graded outputs (an assertion on a cell),
 * raters the judge rounds; a verdict is pass or fail.
 */
export interface JudgeAgreement {
  /** Krippendorff's alpha, nominal; null when undefined (every verdict the same, or fewer than two values). */
  alpha: number | null;
  /** Mean over units of the share of pairs of rounds that agree; null without a unit of two rounds. */
  percent: number | null;
  /** Graded outputs with two or more rounds. */
  units: number;
  /** Most rounds on one output (graderRepeat). */
  raters: number;
}

/**
 * Summarises every metric of a run, targets in the order given (then any the list lacks), metrics by name.
 * Mean-score intervals are clustered when a group's tests carry a `cluster`, or with `repeat` > 1. With
 * `repeat` > 1, metrics whose assertions extract an answer (`transform`) also get maj@k.
 */
export function summarizeMetrics(store: Store, runId: string, targets: readonly TargetKey[], repeat: number): MetricSummary[] {
  // Whether intervals cluster is known before streaming, so an unclustered group keeps only its scores.
  const clustered = repeat > 1 || hasClusters(store.db, runId);
  const out: MetricSummary[] = [];
  let group: MetricGroup | undefined;
  for (const row of metricScoreRows(store.db, runId)) {
    if (group && (group.promptId !== row.promptId || group.providerLabel !== row.providerLabel || group.metric !== row.metric)) {
      out.push(summarizeGroup(group));
      group = undefined;
    }
    group ??= openGroup(row, clustered, repeat);
    addRow(group, row);
  }
  if (group) out.push(summarizeGroup(group));
  const rank = new Map(targets.map((t, i) => [`${t.promptId}\0${t.providerLabel}`, i]));
  const rankOf = (m: MetricSummary) => rank.get(`${m.promptId}\0${m.providerLabel}`) ?? targets.length;
  // Array.prototype.sort is stable: metrics keep their name order within a target.
  return out.sort((a, b) => rankOf(a) - rankOf(b));
}

/**
 * One (target, metric) group as it streams in: counts and the scores, plus cluster keys only when intervals
 * cluster, judge rounds only for model-graded metrics and the current test's answers only with repeats. Row
 * objects are never kept: a 100,000-cell run would otherwise hold 100,000 of them at once.
 */
interface MetricGroup {
  promptId: string;
  providerLabel: string;
  metric: string;
  passes: number;
  errors: number;
  scores: number[];
  clusters: string[] | undefined;
  judgeUnits: boolean[][];
  majority: MajorityAccumulator | undefined;
}

function openGroup(row: MetricScoreRow, clustered: boolean, repeat: number): MetricGroup {
  const { promptId, providerLabel, metric } = row;
  const majority = repeat > 1 ? openMajority(repeat) : undefined;
  return { promptId, providerLabel, metric, passes: 0, errors: 0, scores: [], clusters: clustered ? [] : undefined, judgeUnits: [], majority };
}

function addRow(group: MetricGroup, row: MetricScoreRow): void {
  if (row.pass === 1) group.passes++;
  group.errors += row.errored;
  group.scores.push(row.score);
  // A test without a cluster is a cluster of its own (its repeats together).
  group.clusters?.push(row.cluster ?? `\u0000${row.testId}`);
  if (group.majority) addMajorityRow(group.majority, row.testId, row.extracted, row.pass === 1);
  if (row.judgeVerdicts !== null && row.judgeVerdicts !== '[]') {
    for (const verdicts of JSON.parse(row.judgeVerdicts) as boolean[][]) group.judgeUnits.push(verdicts);
  }
}

function summarizeGroup(group: MetricGroup): MetricSummary {
  const { promptId, providerLabel, metric, passes, scores } = group;
  const n = scores.length;
  const rate = wilson(passes, n, CONFIDENCE);
  const judgeAgreement = agreementOf(group.judgeUnits);
  const majorityAtK = group.majority && finishMajority(group.majority);
  return {
    promptId,
    providerLabel,
    metric,
    n,
    errors: group.errors,
    passRate: passes / n,
    passRateInterval: rate && { low: rate.low, high: rate.high, method: 'wilson', confidence: CONFIDENCE },
    meanScore: mean(scores),
    meanScoreInterval: clampToScores(group.clusters ? clusteredMean(scores, group.clusters) : tMean(scores), scores),
    binary: scores.every((s) => s === 0 || s === 1),
    ...(judgeAgreement ? { judgeAgreement } : {}),
    ...(majorityAtK ? { majorityAtK } : {}),
  };
}

/** Judge agreement over the group's outputs × judge rounds; undefined when no output had two rounds. */
function agreementOf(units: boolean[][]): JudgeAgreement | undefined {
  if (units.length === 0) return undefined;
  return {
    alpha: krippendorffAlpha(units).alpha,
    percent: percentAgreement(units),
    units: units.length,
    raters: Math.max(...units.map((u) => u.length)),
  };
}

/**
 * A t interval is symmetric and can run past the possible range (a mean of 0.75 over 4 cells gives [-0.05, 1.55]).
 * When every score lies in [0, 1], so does their mean: clamping only removes impossible values.
 */
function clampToScores(interval: MeanScoreInterval | null, scores: readonly number[]): MeanScoreInterval | null {
  if (!interval || !scores.every((s) => s >= 0 && s <= 1)) return interval;
  return { ...interval, low: Math.max(interval.low, 0), high: Math.min(interval.high, 1) };
}

function tMean(scores: number[]): MeanScoreInterval | null {
  const i = tInterval(scores, CONFIDENCE);
  return i && { low: i.low, high: i.high, method: 't', confidence: CONFIDENCE };
}

function clusteredMean(scores: number[], clusters: string[]): MeanScoreInterval | null {
  const i = clusteredInterval(scores, clusters, CONFIDENCE);
  return i && { low: i.low, high: i.high, method: 'clustered', confidence: CONFIDENCE, clusters: i.clusters };
}
