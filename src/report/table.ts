/** The console summary: one row per prompt × provider, then totals and the gate verdict. Plain text, no TTY needed. */
import { pct, type RunSummary, type Totals } from './summary.js';

export function formatSummaryTable(summary: RunSummary): string {
  const header = ['prompt', 'provider', 'pass', 'fail', 'error', 'rate', 'tokens', 'cost', 'p50 ms', 'p95 ms'];
  const row = (prompt: string, provider: string, t: Totals) => [
    prompt,
    provider,
    String(t.passed),
    String(t.failed),
    String(t.errors),
    t.passRate === null ? '-' : pct(t.passRate),
    String(t.tokens.total),
    usd(t.cost),
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
  return out.join('\n');
}

export function usd(cost: number): string {
  if (cost === 0) return '$0';
  return cost < 0.01 ? `$${cost.toFixed(4)}` : `$${cost.toFixed(2)}`;
}
