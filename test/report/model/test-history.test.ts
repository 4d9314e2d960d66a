/** Tests across runs: verdicts per run, flips, flakiest first, search and pages. */
import { describe, expect, it } from 'vitest';
import { buildTestHistory, testHistoryPage } from '../../../src/report/model/test-history.js';
import type { RunTestVerdicts } from '../../../src/store/test-history.js';

/** A run's verdicts from rows of [test, provider, passes, n, errors?]. */
function run(runId: string, rows: Array<[string, string, number, number, number?]>): RunTestVerdicts {
  return {
    runId,
    testIds: rows.map((r) => r[0]),
    descriptions: rows.map((r) => `about ${r[0]}`),
    promptIds: rows.map(() => 'p'),
    providerLabels: rows.map((r) => r[1]),
    verdicts: Uint32Array.from(rows.map((r) => r[3])),
    passes: Uint32Array.from(rows.map((r) => r[2])),
    errors: Uint32Array.from(rows.map((r) => r[4] ?? 0)),
    cellIds: rows.map((r) => `${r[1]}:p:${r[0]}:0`),
  };
}

const runs = [
  run('r1', [['stable', 'a', 1, 1], ['flaky', 'a', 1, 1], ['broke', 'a', 1, 1], ['err', 'a', 0, 1, 1]]),
  run('r2', [['stable', 'a', 1, 1], ['flaky', 'a', 0, 1], ['broke', 'a', 1, 1], ['err', 'a', 0, 1]]),
  run('r3', [['stable', 'a', 1, 1], ['flaky', 'a', 1, 1], ['broke', 'a', 0, 1], ['new', 'a', 1, 2]]),
];

describe('buildTestHistory', () => {
  it('counts flips between consecutive verdicts and sorts the flakiest first', () => {
    const page = testHistoryPage(buildTestHistory(runs));
    expect(page.runIds).toEqual(['r1', 'r2', 'r3']);
    expect(page.rows.map((r) => [r.testId, r.flips, r.mixedRuns])).toEqual([
      ['flaky', 2, 0],
      ['broke', 1, 0],
      ['new', 0, 1],
      ['stable', 0, 0],
      ['err', 0, 0],
    ]);
    const flaky = page.rows[0]!;
    expect(flaky.cells.map((c) => c?.verdict)).toEqual(['pass', 'fail', 'pass']);
    expect(flaky.cells[1]).toEqual({ verdict: 'fail', passes: 0, n: 1, cellId: 'a:p:flaky:0' });
    expect(flaky.description).toBe('about flaky');
    // An error then a failure is not a flip: neither passed.
    const err = page.rows.find((r) => r.testId === 'err')!;
    expect(err.cells.map((c) => c?.verdict ?? null)).toEqual(['error', 'fail', null]);
    expect(page.rows.find((r) => r.testId === 'new')!.cells.map((c) => c?.verdict ?? null)).toEqual([null, null, 'mixed']);
  });

  it('keeps targets of one test apart', () => {
    const index = buildTestHistory([run('r1', [['t', 'a', 1, 1], ['t', 'b', 1, 1]]), run('r2', [['t', 'a', 1, 1], ['t', 'b', 0, 1]])]);
    expect(testHistoryPage(index).rows.map((r) => [r.providerLabel, r.flips])).toEqual([['b', 1], ['a', 0]]);
  });
});

describe('testHistoryPage', () => {
  const many = [0, 1].map((r) => run(`r${r}`, Array.from({ length: 120 }, (_, i): [string, string, number, number] => [`q${i}`, 'a', i === 77 && r === 1 ? 0 : 1, 1])));

  it('pages 0-based, and clamps a page past the end to the last', () => {
    const index = buildTestHistory(many);
    const first = testHistoryPage(index, { pageSize: 50 });
    expect(first).toMatchObject({ page: 0, pages: 3, matching: 120, total: 120 });
    expect(first.rows[0]!.testId).toBe('q77');
    expect(first.rows).toHaveLength(50);
    const last = testHistoryPage(index, { pageSize: 50, page: 9 });
    expect(last.page).toBe(2);
    expect(last.rows).toHaveLength(20);
  });

  it('searches test ids and descriptions, case-insensitively', () => {
    const index = buildTestHistory(many);
    expect(testHistoryPage(index, { q: 'Q11' }).rows.map((r) => r.testId)).toEqual(['q11', 'q110', 'q111', 'q112', 'q113', 'q114', 'q115', 'q116', 'q117', 'q118', 'q119']);
    expect(testHistoryPage(index, { q: 'about q7' }).matching).toBe(11);
    const none = testHistoryPage(index, { q: 'zebra' });
    expect(none).toMatchObject({ rows: [], matching: 0, page: 0, pages: 1 });
  });
});
