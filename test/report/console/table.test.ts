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
