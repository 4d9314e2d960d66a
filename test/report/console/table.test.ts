import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatSummaryTable } from '../../../src/report/console/table.js';
import { compareRuns } from '../../../src/report/compare/compare-runs.js';
import { summarizeRun } from '../../../src/report/summary.js';
import { storeRun, tempStore, verdictCell } from '../helpers.js';

let t: ReturnType<typeof tempStore>;
beforeEach(() => {
  t = tempStore();
});
afterEach(() => t.dispose());

/** Baseline: p 2/2, q 1/2. Run: p 1/2 (−50), q 1/2 (unchanged), r new. */
function runs() {
  const baseline = storeRun(t.store, [
    verdictCell('p', 'bot', 0, 'pass'), verdictCell('p', 'bot', 1, 'pass'),
    verdictCell('q', 'bot', 0, 'pass'), verdictCell('q', 'bot', 1, 'fail'),
  ]);
  const run = storeRun(t.store, [
    verdictCell('p', 'bot', 0, 'pass'), verdictCell('p', 'bot', 1, 'fail'),
    verdictCell('q', 'bot', 0, 'fail'), verdictCell('q', 'bot', 1, 'pass'),
    verdictCell('r', 'bot', 0, 'pass'),
  ]);
  return { baseline, run };
}

/** The table's rows as cells, split on the two-space column gap. */
function rows(table: string): string[][] {
  return table.split('\n').slice(0, 6).map((l) => l.trim().split(/ {2,}/));
}

describe('formatSummaryTable', () => {
  it('adds a Δ base column after the rate with a baseline comparison: points, 0.0 unsigned, `new`', () => {
    const { baseline, run } = runs();
    const compared = { comparison: compareRuns(t.store, baseline, run) };
    const table = formatSummaryTable(summarizeRun(t.store, run, { baseline: compared }), { baseline: compared });
    const [header, , p, q, r, total] = rows(table);
    expect(header).toEqual(['prompt', 'provider', 'pass', 'fail', 'error', 'rate', 'Δ base', 'tokens in/out', 'cost', '$/pass', 'p50 ms', 'p95 ms']);
    expect(p![6]).toBe('−50.0');
    expect(q![6]).toBe('0.0');
    expect(r![6]).toBe('new');
    // Over the 4 paired cells: 3 → 2 passes.
    expect(total![0]).toBe('total');
    expect(table.split('\n')[5]).toMatch(/ −25\.0 /);
    expect(table).not.toContain('−0.0');
  });

  it('has no Δ column without a baseline, or with one that is unavailable', () => {
    const { run } = runs();
    const summary = summarizeRun(t.store, run);
    const plain = formatSummaryTable(summary);
    expect(plain).not.toContain('Δ base');
    expect(formatSummaryTable(summary, { baseline: { unavailable: 'baseline x shares no tests with this run' } })).toBe(plain);
  });
});

describe('formatSummaryTable at a width', () => {
  /** Two long targets with real tokens, cost and latencies: 139 columns wide unfitted. */
  function wideSummary() {
    const cells = [0, 1, 2].flatMap((test) =>
      ['summarize-concise', 'summarize-detailed'].map((prompt) => ({
        ...verdictCell(prompt, 'anthropic:claude-3-5-haiku-20241022', test, test === 2 ? 'fail' : 'pass'),
        usage: { input: 123_456, output: 78_901, total: 202_357 },
        cost: 1.234,
        latencyMs: 1234 + test,
      })),
    );
    return summarizeRun(t.store, storeRun(t.store, cells));
  }
  const header = (table: string) => table.split('\n')[0]!.trim().split(/ {2,}/);
  const widest = (table: string, lines = 5) => Math.max(...table.split('\n').slice(0, lines).map((l) => l.length));

  it('keeps every column with no width (piped output) and when the width fits', () => {
    const all = formatSummaryTable(wideSummary());
    expect(header(all)).toEqual(['prompt', 'provider', 'pass', 'fail', 'error', 'rate', 'tokens in/out', 'cost', '$/pass', 'p50 ms', 'p95 ms']);
    expect(formatSummaryTable(wideSummary(), { width: widest(all) })).toBe(all);
  });

  it('drops $/pass, then p95, then tokens to fit, and only then cuts the names', () => {
    const all = formatSummaryTable(wideSummary());
    // One column short: only $/pass goes.
    const oneShort = formatSummaryTable(wideSummary(), { width: widest(all) - 1 });
    expect(header(oneShort)).toEqual(['prompt', 'provider', 'pass', 'fail', 'error', 'rate', 'tokens in/out', 'cost', 'p50 ms', 'p95 ms']);
    expect(oneShort).toContain('anthropic:claude-3-5-haiku-20241022');
    const at125 = formatSummaryTable(wideSummary(), { width: 125 });
    expect(header(at125)).toEqual(['prompt', 'provider', 'pass', 'fail', 'error', 'rate', 'tokens in/out', 'cost', 'p50 ms']);
    expect(widest(at125)).toBeLessThanOrEqual(125);
    const at120 = formatSummaryTable(wideSummary(), { width: 120 });
    expect(header(at120)).toEqual(['prompt', 'provider', 'pass', 'fail', 'error', 'rate', 'cost', 'p50 ms']);
    expect(widest(at120)).toBeLessThanOrEqual(120);
    expect(at120).toContain('anthropic:claude-3-5-haiku-20241022');

    const at80 = formatSummaryTable(wideSummary(), { width: 80 });
    expect(header(at80)).toEqual(['prompt', 'provider', 'pass', 'fail', 'error', 'rate', 'cost', 'p50 ms']);
    expect(widest(at80)).toBeLessThanOrEqual(80);
    // No line wrapped: the table is its header, rule, two targets and the total, each one line.
    expect(at80.split('\n').slice(0, 5).map((l) => l.trim().split(/ {2,}/).length)).toEqual([8, 8, 8, 8, 7]);
    expect(at80).toMatch(/^summarize-c…\s+anthropic:cl…\s+2\s+1\s+0\s+66\.7% \[/m);
    // The lines under the table are the same at any width.
    expect(at80.split('\n').slice(5)).toEqual(all.split('\n').slice(5));
  });
});
