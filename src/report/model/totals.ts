/** Totals of a target (prompt × provider) or of a whole run, from the store's per-target rows. */
import { summarizePassRate } from '../../stats/index.js';
import type { RunRecord, TargetTotals } from '../../store/index.js';
import { CONFIDENCE, percentile } from '../shared.js';

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

/**
 * Targets in the suite's order (providers as listed, then prompts), which a run records; the store alone only
 * knows which finished first. Runs recorded without an order keep the finishing order.
 */
export function suiteOrder(groups: TargetTotals[], run: RunRecord): TargetTotals[] {
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

/** Totals of some targets' groups; `sortedLatencies` ascending. */
export function totalsOf(groups: TargetTotals[], sortedLatencies: number[]): Totals {
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
