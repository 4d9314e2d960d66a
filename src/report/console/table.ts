/**
 * The console summary: one row per prompt × provider with its pass rate's 95 % interval, then totals, the
 * zero-failure bounds, per-metric figures, repeat statistics, the paired comparisons and the security block.
 * Plain text, no TTY needed.
 */
import { formatMetrics, formatRepeats, formatScoreComparisons } from './metric-lines.js';
import { formatEstimates } from './estimate-lines.js';
import { formatPareto } from './pareto-lines.js';
import { formatSecurity } from './security-lines.js';
import { formatComparisons, formatZeroFailureBounds } from './stats-lines.js';
import { formatUsd, pct } from '../shared.js';
import type { RunSummary, Totals } from '../summary.js';
import type { BaselineComparison } from '../compare/baseline.js';
import { baselineDeltas, baselineDeltaText, deltaComparison } from '../compare/target-deltas.js';

/** Options of {@link formatSummaryTable}. */
export interface SummaryTableOptions {
  /**
   * The comparison with the baseline (`--baseline`), as given to summarizeRun: adds the `Δ base` column, each
   * target's pass-rate change in points (`new` for a target the baseline lacks). No column without a comparison.
   */
  baseline?: BaselineComparison;
}

/**
 * The console summary of a run: the table of its targets and the lines below it. With `options.baseline` the
 * table has a Δ column against the baseline, right after the pass rate.
 */
export function formatSummaryTable(summary: RunSummary, options: SummaryTableOptions = {}): string {
  const comparison = deltaComparison(options.baseline);
  const deltaOf = comparison && baselineDeltas(comparison);
  const header = ['prompt', 'provider', 'pass', 'fail', 'error', 'rate', ...(deltaOf ? ['Δ base'] : []), 'tokens in/out', 'cost', '$/pass', 'p50 ms', 'p95 ms'];
  const row = (prompt: string, provider: string, t: Totals, delta?: string) => [
    prompt,
    provider,
    String(t.passed),
    String(t.failed),
    String(t.errors),
    rateWithInterval(t),
    ...(deltaOf ? [delta ?? ''] : []),
    `${t.tokens.input}/${t.tokens.output}`,
    usd(t.cost),
    t.costPerPass === undefined || t.costPerPass === null ? '-' : usd(t.costPerPass),
    t.latencyMs.p50 === null ? '-' : String(Math.round(t.latencyMs.p50)),
    t.latencyMs.p95 === null ? '-' : String(Math.round(t.latencyMs.p95)),
  ];
  const rows = summary.targets.map((t) => row(t.promptId, t.providerLabel, t, deltaOf && baselineDeltaText(deltaOf(t.promptId, t.providerLabel))));
  if (summary.targets.length > 1) rows.push(row('total', '', summary, comparison && baselineDeltaText({ delta: comparison.overall })));
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  // Text columns align left, numbers right.
  const line = (cells: string[]) =>
    cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
  // An attacks-only run has no test to tabulate: an empty table would only be noise above the security block.
  const tabulated = summary.targets.length > 0 || !summary.security;
  const out = tabulated ? [line(header), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(line)] : [];
  const skipped = summary.skipped + (summary.security?.skipped ?? 0);
  if (skipped > 0) out.push(`${skipped} cells skipped`);
  // Attack cells are counted apart from the test cells (see summary.security), but a re-run is cached as a whole.
  const cached = summary.cachedCells + (summary.security?.cachedCells ?? 0);
  const cells = summary.cells + (summary.security?.cells ?? 0);
  if (cached > 0) out.push(`${cached} of ${cells} cells answered from cache`);
  if (summary.gradingCost) out.push(`grading (judge and embedding calls): ${usd(summary.gradingCost)}, not in cost above`);
  out.push(
    ...formatZeroFailureBounds(summary.targets),
    ...formatMetrics(summary.metrics),
    ...formatRepeats(summary.repeats),
    ...formatComparisons(summary.comparisons),
    ...formatScoreComparisons(summary.scoreComparisons),
    ...formatPareto(summary.pareto),
    ...formatEstimates(summary.estimates),
    ...formatSecurity(summary.security),
  );
  return out.join('\n');
}

/** `75.0% [62.1–84.6]`: the rate and its 95 % Wilson interval, in percent. */
function rateWithInterval(t: Totals): string {
  if (t.passRate === null) return '-';
  const i = t.passRateInterval;
  return i ? `${pct(t.passRate)} [${(i.low * 100).toFixed(1)}–${(i.high * 100).toFixed(1)}]` : pct(t.passRate);
}

/** The reports' one USD format (shared.ts), kept under this name for the console's callers. */
export const usd = formatUsd;
