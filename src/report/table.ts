/**
 * The console summary: one row per prompt × provider with its pass rate's 95 % interval, then totals, the
 * zero-failure bounds, per-metric figures, repeat statistics and the paired comparisons. Plain text, no TTY needed.
 */
import { formatMetrics, formatRepeats, formatScoreComparisons } from './metric-lines.js';
import { formatEstimates } from './estimate-lines.js';
import { formatPareto } from './pareto-lines.js';
import { formatComparisons, formatZeroFailureBounds } from './stats-lines.js';
import { pct, type RunSummary, type Totals } from './summary.js';

export function formatSummaryTable(summary: RunSummary): string {
  const header = ['prompt', 'provider', 'pass', 'fail', 'error', 'rate', 'tokens in/out', 'cost', '$/pass', 'p50 ms', 'p95 ms'];
  const row = (prompt: string, provider: string, t: Totals) => [
    prompt,
    provider,
    String(t.passed),
    String(t.failed),
    String(t.errors),
    rateWithInterval(t),
    `${t.tokens.input}/${t.tokens.output}`,
    usd(t.cost),
    t.costPerPass === undefined || t.costPerPass === null ? '-' : usd(t.costPerPass),
    t.latencyMs.p50 === null ? '-' : String(Math.round(t.latencyMs.p50)),
    t.latencyMs.p95 === null ? '-' : String(Math.round(t.latencyMs.p95)),
  ];
  const rows = summary.targets.map((t) => row(t.promptId, t.providerLabel, t));
  if (summary.targets.length > 1) rows.push(row('total', '', summary));
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  // Text columns align left, numbers right.
  const line = (cells: string[]) =>
    cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
  const out = [line(header), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(line)];
  if (summary.skipped > 0) out.push(`${summary.skipped} cells skipped`);
  if (summary.cachedCells > 0) out.push(`${summary.cachedCells} of ${summary.cells} cells answered from cache`);
  if (summary.gradingCost) out.push(`grading (judge and embedding calls): ${usd(summary.gradingCost)}, not in cost above`);
  out.push(
    ...formatZeroFailureBounds(summary.targets),
    ...formatMetrics(summary.metrics),
    ...formatRepeats(summary.repeats),
    ...formatComparisons(summary.comparisons),
    ...formatScoreComparisons(summary.scoreComparisons),
    ...formatPareto(summary.pareto),
    ...formatEstimates(summary.estimates),
  );
  return out.join('\n');
}

/** `75.0% [62.1–84.6]`: the rate and its 95 % Wilson interval, in percent. */
function rateWithInterval(t: Totals): string {
  if (t.passRate === null) return '-';
  const i = t.passRateInterval;
  return i ? `${pct(t.passRate)} [${(i.low * 100).toFixed(1)}–${(i.high * 100).toFixed(1)}]` : pct(t.passRate);
}

export function usd(cost: number): string {
  if (cost === 0) return '$0';
  return cost < 0.01 ? `$${cost.toFixed(4)}` : `$${cost.toFixed(2)}`;
}
