/**
 * The report's summary, computed from the store (never from a run's memory), so `llmlab report` re-renders any
 * past run exactly as `llmlab eval` printed it. Security attack cells are not quality tests: every pass-rate
 * figure leaves them out, and `security` summarises them; spend, errors and completeness gates count them.
 * Forgetting cells of fine-tune recipes (model/forgetting-cells.ts) are treated alike: `finetunes` compares them.
 */
import type { RunRecord, Store, TargetTotals } from '../store/index.js';
import { compareTargets, type Comparison } from './model/comparisons.js';
import { suiteOrder, totalsOf, type TargetSummary, type Totals } from './model/totals.js';
import { summarizeEstimates, type EstimateSummary } from './model/estimates.js';
import { evaluateGates } from './gates/evaluate.js';
import type { GateInput, GateResult } from './gates/types.js';
import { summarizeMetrics, type MetricSummary } from './model/metric-summary.js';
import { summarizeDerivedMetrics, type DerivedMetricValue } from './model/derived-metrics.js';
import { paretoFrontier, type ParetoSummary } from './model/pareto.js';
import { partialRun } from './model/partial-run.js';
import { subsetOf, type SubsetSummary } from './model/subset.js';
import { summarizeRepeats, type RepeatSummary } from './model/repeat-summary.js';
import { compareScores, type ScoreComparison } from './model/score-comparisons.js';
import { summarizeSecurity, type SecuritySummary } from './model/security-summary.js';
import { summarizeFinetunes, type FinetuneRecipeSummary } from './model/finetune-summary.js';
import { isForgettingPrompt } from './model/forgetting-cells.js';

export type { Comparison } from './model/comparisons.js';
export type { PassRateInterval, TargetSummary, Totals } from './model/totals.js';
export type { GateCheck, GateResult } from './gates/types.js';
export type { MeanScoreInterval, MetricSummary } from './model/metric-summary.js';
export type { DerivedMetricValue } from './model/derived-metrics.js';
export type { FlakyTestSummary, PassAtK, RepeatSummary } from './model/repeat-summary.js';
export type { ScoreComparison } from './model/score-comparisons.js';
export type { ParetoPoint, ParetoRecommendation, ParetoSummary } from './model/pareto.js';
export type { EstimateSummary } from './model/estimates.js';
export type { SubsetSummary } from './model/subset.js';
export type { SecurityGroup, SecurityHit, SecuritySummary } from './model/security-summary.js';
export type * from './model/finetune-summary.js';

export interface RunSummary extends Totals {
  targets: TargetSummary[];
  /** Paired tests of every two prompts on a provider and every two providers on a prompt, Holm-adjusted. */
  comparisons: Comparison[];
  /** Per prompt × provider × assertion metric name: pass rate and mean score, each with its interval. */
  metrics: MetricSummary[];
  /** The suite's `derivedMetrics:` per prompt × provider; absent when the suite has none. */
  derivedMetrics?: DerivedMetricValue[];
  /** Per target, when the run has repeat > 1: consistency, pass@k, majority vote, flaky tests. Else empty. */
  repeats: RepeatSummary[];
  /** Paired t-tests of mean cell scores over the same pairs as `comparisons`; empty when every score is 0/1. */
  scoreComparisons: ScoreComparison[];
  /**
   * Cost against quality across targets: Pareto frontier over (pass rate, cost, p95 latency) and the cheapest
   * target within 5 points of the best pass rate that is not significantly worse. Optional for hand-built summaries.
   */
  pareto?: ParetoSummary;
  /**
   * Per provider, the estimate the run made before its first call beside what its model calls used (cached cells
   * excluded from both). Absent for runs that recorded no estimate (resumed-from-old or hand-built).
   */
  estimates?: EstimateSummary[];
  /** Security attacks (attack cells): success rates per family and strategy, and the hit log. Absent without attacks. */
  security?: SecuritySummary;
  /** Set on a subset's run (`--filter`, `--first`, `--failing`, …): which cells of the suite's it holds. */
  subset?: SubsetSummary;
  /**
   * Per fine-tune recipe: each tuned point against its base (pass rate and metrics, paired), the chosen point, its
   * forgetting deltas and training jobs. Absent for a run without recipes. Forgetting cells are counted only here.
   */
  finetunes?: FinetuneRecipeSummary[];
  gate: GateResult;
}

/** Options of {@link summarizeRun}. */
export interface SummarizeOptions {
  /** The comparison with a baseline (`--baseline`) for the maxRegression gate, or why there is none. */
  baseline?: GateInput['baseline'];
}

export function summarizeRun(store: Store, run: RunRecord, options: SummarizeOptions = {}): RunSummary {
  const stored = store.results.totals(run.id);
  const groups = suiteOrder(stored.filter((g) => !isForgettingPrompt(g.promptId)), run);
  const forgetting = stored.filter((g) => isForgettingPrompt(g.promptId));
  const targets = groups.map((g) => ({
    promptId: g.promptId,
    providerId: g.providerId,
    providerLabel: g.providerLabel,
    ...totalsOf([g], g.latencies),
  }));
  const all = groups.flatMap((g) => g.latencies).sort((a, b) => a - b);
  const totals = totalsOf(groups, all);
  const security = summarizeSecurity(store, run);
  // Cells never written (interrupted run) are missing, not passed: count them against the run.
  const missing = Math.max(run.totalCells - store.results.count(run.id), 0);
  const skipped = totals.skipped + (security?.summary.skipped ?? 0);
  const comparisons = compareTargets(store, run.id, targets);
  const repeat = run.options.repeat;
  const metrics = summarizeMetrics(store, run.id, targets, repeat).filter((m) => !isForgettingPrompt(m.promptId));
  const estimates = summarizeEstimates(store, run);
  const partial = partialRun(run);
  const subset = subsetOf(run);
  const finetunes = summarizeFinetunes(store, run);
  return {
    ...totals,
    targets,
    comparisons,
    metrics,
    ...(run.options.derivedMetrics ? { derivedMetrics: summarizeDerivedMetrics(run.options.derivedMetrics, targets, metrics) } : {}),
    repeats: summarizeRepeats(store, run.id, targets, repeat).filter((r) => !isForgettingPrompt(r.promptId)),
    scoreComparisons: compareScores(store, run.id, targets),
    pareto: paretoFrontier(
      targets.map((t) => ({
        promptId: t.promptId,
        providerLabel: t.providerLabel,
        passRate: t.passRate,
        costUsd: t.cost + (t.gradingCost ?? 0),
        p95Ms: t.latencyMs.p95,
      })),
      comparisons,
    ),
    ...(estimates ? { estimates } : {}),
    ...(security ? { security: security.summary } : {}),
    ...(subset ? { subset } : {}),
    ...(finetunes ? { finetunes } : {}),
    gate: evaluateGates({
      totals,
      missing,
      budgetSkipped: skipped > 0 ? store.results.countSkipped(run.id, 'budget') : 0,
      // Runs stored before `gates` was recorded kept only their minPassRate.
      gates: run.options.gates ?? (run.options.minPassRate === undefined ? {} : { minPassRate: run.options.minPassRate }),
      baseline: options.baseline,
      ...(security ? { security: security.gate } : {}),
      ...(finetunes ? { finetunes } : {}),
      ...(forgetting.length > 0 ? { forgetting: forgettingSpend(forgetting) } : {}),
      ...(partial ? { partial } : {}),
      ...(subset ? { subset: subset.line } : {}),
    }),
  };
}

/** What forgetting cells add to the errors and spend the gates count. */
function forgettingSpend(groups: readonly TargetTotals[]): { errors: number; cost: number; gradingCost: number } {
  const sum = (pick: (g: TargetTotals) => number) => groups.reduce((n, g) => n + pick(g), 0);
  return { errors: sum((g) => g.errors), cost: sum((g) => g.cost), gradingCost: sum((g) => g.gradingCost) };
}
