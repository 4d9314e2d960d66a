/**
 * The console summary: one row per prompt × provider with its pass rate's 95 % interval, then totals, the
 * zero-failure bounds, per-metric figures, repeat statistics, the paired comparisons, the fine-tune block and the
 * security block.
 * Plain text, no TTY needed.
 */
import { formatDerivedMetrics, formatMetrics, formatRepeats, formatScoreComparisons } from './metric-lines.js';
import { formatEstimates } from './estimate-lines.js';
import { formatPareto } from './pareto-lines.js';
import { formatSecurity } from './security-lines.js';
import { formatFinetunes } from './finetune-lines.js';
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
  /**
   * Columns the table may take (a terminal's width); none: no limit. Too wide, it drops whole columns in a fixed
   * order ({@link DROP_ORDER}: `$/pass`, then `p95 ms`, then `tokens in/out`), then cuts the prompt and provider
   * names, rather than wrap. The lines under the table are not cut.
   */
  width?: number;
}

/** The columns a narrow terminal loses, first to last. */
export const DROP_ORDER = ['$/pass', 'p95 ms', 'tokens in/out'] as const;

/** Prompt and provider names are cut to no fewer columns than this. */
const MIN_LABEL = 8;

/**
 * The width to give {@link formatSummaryTable} on a stream: a terminal's columns, or no limit for piped output
 * (a file or a CI log keeps every column) and with `--wide`.
 */
export function tableWidth(stream: { isTTY?: boolean; columns?: number }, wide = false): number | undefined {
  return !wide && stream.isTTY === true && stream.columns !== undefined && stream.columns > 0 ? stream.columns : undefined;
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
  // An attacks-only run has no test to tabulate: an empty table would only be noise above the security block.
  const tabulated = summary.targets.length > 0 || !summary.security;
  const out = tabulated ? fitTable(header, rows, options.width ?? Infinity) : [];
  // Right under the table: its figures are of these cells, not of the suite.
  if (summary.subset) out.push(summary.subset.line);
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
    ...formatDerivedMetrics(summary.derivedMetrics),
    ...formatRepeats(summary.repeats),
    ...formatComparisons(summary.comparisons),
    ...formatScoreComparisons(summary.scoreComparisons),
    ...formatPareto(summary.pareto),
    ...formatEstimates(summary.estimates),
    ...formatFinetunes(summary.finetunes),
    ...formatSecurity(summary.security),
  );
  return out.join('\n');
}

/**
 * The table's lines within `width` columns: whole columns dropped in {@link DROP_ORDER}, then the two name columns
 * (prompt, provider; left-aligned, the rest right-aligned) cut, the longer one first, down to {@link MIN_LABEL}.
 */
function fitTable(header: string[], rows: string[][], width: number): string[] {
  let keep = header.map((_, i) => i);
  const widthOf = (i: number) => Math.max(header[i]!.length, ...rows.map((r) => r[i]!.length));
  const widths = new Map(keep.map((i) => [i, widthOf(i)]));
  const total = () => keep.reduce((sum, i) => sum + widths.get(i)!, 0) + 2 * (keep.length - 1);
  for (const name of DROP_ORDER) {
    if (total() <= width) break;
    keep = keep.filter((i) => header[i] !== name);
  }
  // One column at a time, the longer name first: both end up about as long.
  while (total() > width) {
    const label = widths.get(0)! >= widths.get(1)! ? 0 : 1;
    if (widths.get(label)! <= MIN_LABEL) break;
    widths.set(label, widths.get(label)! - 1);
  }
  const fit = (text: string, w: number) => (text.length <= w ? text : `${text.slice(0, w - 1)}…`);
  // Text columns align left, numbers right.
  const line = (cells: string[]) =>
    keep
      .map((i) => (i < 2 ? fit(cells[i]!, widths.get(i)!).padEnd(widths.get(i)!) : cells[i]!.padStart(widths.get(i)!)))
      .join('  ')
      .trimEnd();
  return [line(header), keep.map((i) => '─'.repeat(widths.get(i)!)).join('  '), ...rows.map(line)];
}

/** `75.0% [62.1–84.6]`: the rate and its 95 % Wilson interval, in percent. */
function rateWithInterval(t: Totals): string {
  if (t.passRate === null) return '-';
  const i = t.passRateInterval;
  return i ? `${pct(t.passRate)} [${(i.low * 100).toFixed(1)}–${(i.high * 100).toFixed(1)}]` : pct(t.passRate);
}

/** The reports' one USD format (shared.ts), kept under this name for the console's callers. */
export const usd = formatUsd;
