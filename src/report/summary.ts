/**
 * The report's summary, computed from the store (never from a run's memory), so `llmlab report` re-renders any
 * past run exactly as `llmlab eval` printed it. Security attack cells are not quality tests: every pass-rate
 * figure leaves them out, and `security` summarises them; spend, errors and completeness gates count them.
 */
import { summarizePassRate } from '../metrics/stats/index.js';
import type { RunRecord, Store, TargetTotals } from '../store/index.js';
import { compareTargets, CONFIDENCE, type Comparison } from './comparisons.js';
import { summarizeEstimates, type EstimateSummary } from './estimates.js';
import { evaluateGates, type GateInput, type GateResult } from './gates.js';
import { summarizeMetrics, type MetricSummary } from './metric-summary.js';
import { paretoFrontier, type ParetoSummary } from './pareto.js';
import { partialRun } from './partial-run.js';
import { summarizeRepeats, type RepeatSummary } from './repeat-summary.js';
import { compareScores, type ScoreComparison } from './score-comparisons.js';
import { summarizeSecurity, type SecuritySummary } from './security-summary.js';

export type { Comparison } from './comparisons.js';
export type { GateCheck, GateResult } from './gates.js';
export type { MeanScoreInterval, MetricSummary } from './metric-summary.js';
export type { FlakyTestSummary, PassAtK, RepeatSummary } from './repeat-summary.js';
export type { ScoreComparison } from './score-comparisons.js';
export type { ParetoPoint, ParetoRecommendation, ParetoSummary } from './pareto.js';
export type { EstimateSummary } from './estimates.js';
export type { SecurityGroup, SecurityHit, SecuritySummary } from './security-summary.js';

/** Wilson score interval of a pass rate. */
export interface PassRateInterval {
  low: number;
  high: number;
  method: 'wilson';
  confidence: number;
}

/** Totals of one prompt × provider (a "target"), or of the whole run. */
export interface Totals {
  cells: number;
  passed: number;
  failed: number;
  errors: number;
  skipped: number;
  /** passed / (cells − skipped); errors count as failures. null when nothing ran. */
  passRate: number | null;
  /** 95 % Wilson interval of passRate over the same cells; null when nothing ran. */
  passRateInterval: PassRateInterval | null;
  /**
   * When every counted cell passed: the exact one-sided 95 % upper bound on the failure rate (≈ 3/n), so a
   * 100 % is never shown without how often it may still fail. Otherwise null.
   */
  failureRateUpperBound: number | null;
  tokens: { input: number; output: number; total: number };
  /** USD of the generation calls. */
  cost: number;
  /**
   * USD of the judge and embedding calls of model-graded assertions; not part of `cost`. Always set by
   * summarizeRun (optional only so hand-built summaries need not spell out 0).
   */
  gradingCost?: number;
  cachedCells: number;
  latencyMs: { p50: number | null; p95: number | null };
  /**
   * USD of generation and grading per passed cell (cached answers at their original price); null when none passed.
   * Optional only so hand-built summaries need not spell it out.
   */
  costPerPass?: number | null;
}

/** Totals of one prompt × provider pair. */
export interface TargetSummary extends Totals {
  promptId: string;
  providerId: string;
  providerLabel: string;
}

export interface RunSummary extends Totals {
  targets: TargetSummary[];
  /** Paired tests of every two prompts on a provider and every two providers on a prompt, Holm-adjusted. */
  comparisons: Comparison[];
  /** Per prompt × provider × assertion metric name: pass rate and mean score, each with its interval. */
  metrics: MetricSummary[];
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
  gate: GateResult;
}

/** Options of {@link summarizeRun}. */
export interface SummarizeOptions {
  /** The comparison with a baseline (`--baseline`) for the maxRegression gate, or why there is none. */
  baseline?: GateInput['baseline'];
}

export function summarizeRun(store: Store, run: RunRecord, options: SummarizeOptions = {}): RunSummary {
  const groups = suiteOrder(store.results.totals(run.id), run);
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
  const estimates = summarizeEstimates(store, run);
  const partial = partialRun(run);
  return {
    ...totals,
    targets,
    comparisons,
    metrics: summarizeMetrics(store, run.id, targets, repeat),
    repeats: summarizeRepeats(store, run.id, targets, repeat),
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
    gate: evaluateGates({
      totals,
      missing,
      budgetSkipped: skipped > 0 ? store.results.countSkipped(run.id, 'budget') : 0,
      // Runs stored before `gates` was recorded kept only their minPassRate.
      gates: run.options.gates ?? (run.options.minPassRate === undefined ? {} : { minPassRate: run.options.minPassRate }),
      baseline: options.baseline,
      ...(security ? { security: security.gate } : {}),
      ...(partial ? { partial } : {}),
    }),
  };
}

/**
 * Targets in the suite's order (providers as listed, then prompts), which a run records; the store alone only
 * knows which finished first. Runs recorded without an order keep the finishing order.
 */
function suiteOrder(groups: TargetTotals[], run: RunRecord): TargetTotals[] {
  const { providers, prompts } = run.options;
  if (!providers || !prompts) return groups;
  const rank = (list: string[], name: string) => {
    const i = list.indexOf(name);
    return i === -1 ? list.length : i;
  };
  return [...groups].sort(
    (a, b) =>
      rank(providers, a.providerLabel) - rank(providers, b.providerLabel) ||
      rank(prompts, a.promptId) - rank(prompts, b.promptId),
  );
}

function totalsOf(groups: TargetTotals[], sortedLatencies: number[]): Totals {
  const sum = (pick: (g: TargetTotals) => number) => groups.reduce((n, g) => n + pick(g), 0);
  const cells = sum((g) => g.total);
  const passed = sum((g) => g.passed);
  const skipped = sum((g) => g.skipped);
  const input = sum((g) => g.inputTokens);
  const output = sum((g) => g.outputTokens);
  const rate = summarizePassRate(passed, cells - skipped, CONFIDENCE);
  const cost = sum((g) => g.cost);
  const gradingCost = sum((g) => g.gradingCost);
  return {
    cells,
    passed,
    failed: sum((g) => g.failed),
    errors: sum((g) => g.errors),
    skipped,
    passRate: cells - skipped > 0 ? passed / (cells - skipped) : null,
    passRateInterval: rate && { low: rate.low, high: rate.high, method: 'wilson', confidence: CONFIDENCE },
    failureRateUpperBound: rate?.failureRateUpperBound ?? null,
    tokens: { input, output, total: input + output },
    cost,
    gradingCost,
    cachedCells: sum((g) => g.cachedCells),
    latencyMs: { p50: percentile(sortedLatencies, 0.5), p95: percentile(sortedLatencies, 0.95) },
    costPerPass: passed > 0 ? (cost + gradingCost) / passed : null,
  };
}

/** Nearest-rank percentile of an ascending list. */
export function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.ceil(p * sorted.length);
  return sorted[Math.min(Math.max(rank - 1, 0), sorted.length - 1)]!;
}

export function pct(rate: number): string {
  return `${(rate * 100).toFixed(1)}%`;
}
