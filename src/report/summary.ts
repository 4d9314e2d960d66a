/**
 * The report's summary, computed from the store (never from a run's memory), so `llmlab report` re-renders any
 * past run exactly as `llmlab eval` printed it.
 */
import type { RunRecord, Store, TargetTotals } from '../store/index.js';

/** Totals of one prompt × provider (a "target"), or of the whole run. */
export interface Totals {
  cells: number;
  passed: number;
  failed: number;
  errors: number;
  skipped: number;
  /** passed / (cells − skipped); errors count as failures. null when nothing ran. */
  passRate: number | null;
  tokens: { input: number; output: number; total: number };
  /** USD. */
  cost: number;
  cachedCells: number;
  latencyMs: { p50: number | null; p95: number | null };
}

/** Totals of one prompt × provider pair. */
export interface TargetSummary extends Totals {
  promptId: string;
  providerId: string;
  providerLabel: string;
}

/** Result of the suite's gates. */
export interface GateResult {
  passed: boolean;
  /** One line per gate that failed. */
  reasons: string[];
  minPassRate?: number;
}

export interface RunSummary extends Totals {
  targets: TargetSummary[];
  gate: GateResult;
}

export function summarizeRun(store: Store, run: RunRecord): RunSummary {
  const groups = store.results.totals(run.id);
  const targets = groups.map((g) => ({
    promptId: g.promptId,
    providerId: g.providerId,
    providerLabel: g.providerLabel,
    ...totalsOf([g], g.latencies),
  }));
  const all = groups.flatMap((g) => g.latencies).sort((a, b) => a - b);
  const totals = totalsOf(groups, all);
  // Cells never written (interrupted run) are missing, not passed: count them against the run.
  const missing = Math.max(run.totalCells - totals.cells, 0);
  return { ...totals, targets, gate: checkGates(totals, missing, run.options.minPassRate) };
}

function totalsOf(groups: TargetTotals[], sortedLatencies: number[]): Totals {
  const sum = (pick: (g: TargetTotals) => number) => groups.reduce((n, g) => n + pick(g), 0);
  const cells = sum((g) => g.total);
  const passed = sum((g) => g.passed);
  const skipped = sum((g) => g.skipped);
  const input = sum((g) => g.inputTokens);
  const output = sum((g) => g.outputTokens);
  return {
    cells,
    passed,
    failed: sum((g) => g.failed),
    errors: sum((g) => g.errors),
    skipped,
    passRate: cells - skipped > 0 ? passed / (cells - skipped) : null,
    tokens: { input, output, total: input + output },
    cost: sum((g) => g.cost),
    cachedCells: sum((g) => g.cachedCells),
    latencyMs: { p50: percentile(sortedLatencies, 0.5), p95: percentile(sortedLatencies, 0.95) },
  };
}

/** Nearest-rank percentile of an ascending list. */
export function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.ceil(p * sorted.length);
  return sorted[Math.min(Math.max(rank - 1, 0), sorted.length - 1)]!;
}

function checkGates(totals: Totals, missing: number, minPassRate: number | undefined): GateResult {
  const reasons: string[] = [];
  if (missing > 0) reasons.push(`${missing} cells did not run (interrupted); resume with --resume`);
  const rate = totals.passRate ?? 0;
  if (minPassRate !== undefined) {
    if (rate < minPassRate) {
      reasons.push(`pass rate ${pct(rate)} is below minPassRate ${pct(minPassRate)}`);
    }
  } else if (totals.failed + totals.errors > 0) {
    reasons.push(`${totals.failed} failed and ${totals.errors} errored cells (set gates.minPassRate to tolerate some)`);
  }
  return { passed: reasons.length === 0, reasons, minPassRate };
}

export function pct(rate: number): string {
  return `${(rate * 100).toFixed(1)}%`;
}
