/**
 * The page's data model (templates/report/model.js), loaded as the browser loads it: a classic script, run here
 * in a VM context, so these tests exercise the very code the report inlines.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import type { HtmlCell } from '../../../src/report/writers/html/cells.js';
import { TEMPLATES_DIR } from '../../../src/report/writers/html/render.js';

interface Row {
  id: string;
  description?: string;
  slots: Array<number[] | undefined>;
  failing: boolean;
  erroring: boolean;
  flaky: boolean;
  regressed: boolean;
  fixed: boolean;
}
interface Page<T> {
  items: T[];
  page: number;
  pages: number;
  total: number;
  start: number;
  end: number;
}
interface Model {
  buildRows(cells: HtmlCell[], targets: number, flaky: Array<[number, string]>): Row[];
  filterRows(rows: Row[], cells: HtmlCell[], filter: string, query: string): Row[];
  filterCounts(rows: Row[]): Record<string, number>;
  paginate<T>(items: T[], page: number, size: number): Page<T>;
  sortRows(rows: Row[], cells: HtmlCell[], sort: string, dir: string): Row[];
  pairedCells(cells: HtmlCell[], mode: string): number[];
  changeCounts(cells: HtmlCell[]): Record<string, number>;
  promptOf(cells: HtmlCell[], index: number): string;
  slotStatus(cells: HtmlCell[], slot: number[]): string;
}

function loadModel(): Model {
  const context: { LlmlabModel?: Model } = {};
  runInNewContext(readFileSync(join(TEMPLATES_DIR, 'report', 'model.js'), 'utf8'), context);
  return context.LlmlabModel!;
}

const M = loadModel();

/** `tests` tests on two targets; test k fails on target 1 when k % 10 === 3 and errors on target 0 when k % 25 === 0. */
function grid(tests: number): HtmlCell[] {
  const cells: HtmlCell[] = [];
  for (let k = 0; k < tests; k++) {
    for (let t = 0; t < 2; t++) {
      const s = t === 1 && k % 10 === 3 ? 'fail' : t === 0 && k % 25 === 0 ? 'error' : 'pass';
      cells.push({
        t, id: `t${k}`, i: k, r: 0, p: t === 0 ? `prompt ${k}` : cells.length - 1, o: `output ${k} from ${t === 0 ? 'alpha' : 'beta'}`,
        s, sc: s === 'pass' ? 1 : 0, a: [], l: 1, c: 0, ...(t === 0 ? { d: `question number ${k}`, v: `topic: ${k % 2 ? 'odd' : 'even'}` } : {}),
      });
    }
  }
  return cells;
}

describe('report model: rows and pages', () => {
  it('builds one row per test with each target slot, in cell order', () => {
    const cells = grid(3);
    const rows = M.buildRows(cells, 2, []);
    expect(rows.map((r) => [r.id, r.description, r.slots])).toEqual([
      ['t0', 'question number 0', [[0], [1]]],
      ['t1', 'question number 1', [[2], [3]]],
      ['t2', 'question number 2', [[4], [5]]],
    ]);
    expect(M.promptOf(cells, 3)).toBe('prompt 1');
  });

  it('pages 250 rows by 100: three pages, the last one short, out-of-range pages clamped', () => {
    const rows = M.buildRows(grid(250), 2, []);
    const first = M.paginate(rows, 0, 100);
    expect(first).toMatchObject({ page: 0, pages: 3, total: 250, start: 0, end: 100 });
    expect(first.items.map((r) => r.id).slice(0, 2)).toEqual(['t0', 't1']);
    const last = M.paginate(rows, 2, 100);
    expect(last).toMatchObject({ page: 2, start: 200, end: 250 });
    expect(last.items).toHaveLength(50);
    expect(last.items[0]!.id).toBe('t200');
    expect(M.paginate(rows, 99, 100).page).toBe(2);
    expect(M.paginate(rows, -5, 100).page).toBe(0);
    expect(M.paginate([], 3, 100)).toEqual({ items: [], page: 0, pages: 1, total: 0, start: 0, end: 0 });
  });

  it('filters failing, erroring and flaky rows, and counts each filter', () => {
    const cells = grid(100);
    const rows = M.buildRows(cells, 2, [[1, 't7'], [0, 't8']]);
    const failing = M.filterRows(rows, cells, 'failing', '');
    expect(failing.map((r) => r.id)).toEqual(['t3', 't13', 't23', 't33', 't43', 't53', 't63', 't73', 't83', 't93']);
    expect(M.filterRows(rows, cells, 'erroring', '').map((r) => r.id)).toEqual(['t0', 't25', 't50', 't75']);
    expect(M.filterRows(rows, cells, 'flaky', '').map((r) => r.id)).toEqual(['t7', 't8']);
    expect(M.filterCounts(rows)).toEqual({ all: 100, failing: 10, erroring: 4, flaky: 2, regressed: 0, fixed: 0 });
  });

  it('searches description, vars and outputs, case-insensitively, every word required, combined with the filter', () => {
    const cells = grid(100);
    const rows = M.buildRows(cells, 2, []);
    expect(M.filterRows(rows, cells, 'all', 'QUESTION NUMBER 42').map((r) => r.id)).toEqual(['t42']);
    expect(M.filterRows(rows, cells, 'all', 'output 17 beta').map((r) => r.id)).toEqual(['t17']);
    expect(M.filterRows(rows, cells, 'all', 'topic: odd')).toHaveLength(50);
    expect(M.filterRows(rows, cells, 'failing', 'odd').map((r) => r.id)).toEqual(['t3', 't13', 't23', 't33', 't43', 't53', 't63', 't73', 't83', 't93']);
    expect(M.filterRows(rows, cells, 'failing', 'even')).toEqual([]);
    expect(M.filterRows(rows, cells, 'all', 'no such text')).toEqual([]);
    expect(M.filterRows(rows, cells, 'all', '   ')).toHaveLength(100);
  });

  it('sorts rows by their slowest cell, total cost and mean score both ways, ties in suite order, skipped rows last', () => {
    const cells = grid(4).map((c, i): HtmlCell => ({ ...c, l: [50, 10, 5, 5, 900, 1, 30, 30][i]!, c: [2, 0, 1, 0, 4, 0, 1, 0][i]! }));
    cells[6]!.s = 'skipped';
    cells[7]!.s = 'skipped';
    const rows = M.buildRows(cells, 2, []);
    const ids = (sort: string, dir: string) => M.sortRows(rows, cells, sort, dir).map((r) => r.id);
    expect(ids('latency', 'desc')).toEqual(['t2', 't0', 't1', 't3']);
    expect(ids('latency', 'asc')).toEqual(['t1', 't0', 't2', 't3']);
    expect(ids('cost', 'asc')).toEqual(['t1', 't3', 't0', 't2']);
    // Scores: t0 has an errored cell (0) and a pass (1); t3's cells were skipped (no score: last either way).
    expect(ids('score', 'desc')).toEqual(['t1', 't2', 't0', 't3']);
    expect(ids('score', 'asc')).toEqual(['t0', 't1', 't2', 't3']);
    expect(ids('order', 'desc')).toEqual(['t3', 't2', 't1', 't0']);
    expect(M.sortRows(rows, cells, 'order', 'asc')).toBe(rows);
  });

  it('marks regressions and fixes against baseline verdicts, errors counting as failures', () => {
    const cells = grid(4);
    cells[0]!.b = 'pass'; // t0 alpha: error now → regressed
    cells[2]!.b = 'fail'; // t1 alpha: pass now → fixed
    cells[3]!.b = 'pass'; // t1 beta: pass → pass
    cells[6]!.b = 'error'; // t3 alpha: pass now → fixed
    cells[7]!.b = 'fail'; // t3 beta: fail → fail
    const rows = M.buildRows(cells, 2, []);
    expect(rows.map((r) => [r.id, r.regressed, r.fixed])).toEqual([
      ['t0', true, false], ['t1', false, true], ['t2', false, false], ['t3', false, true],
    ]);
    expect(M.pairedCells(cells, 'changed')).toEqual([0, 2, 6]);
    expect(M.pairedCells(cells, 'regressed')).toEqual([0]);
    expect(M.pairedCells(cells, 'fixed')).toEqual([2, 6]);
    expect(M.pairedCells(cells, 'all')).toEqual([0, 2, 3, 6, 7]);
    expect(M.changeCounts(cells)).toEqual({ changed: 3, regressed: 1, fixed: 2, all: 5 });
  });

  it("shows a target's repeats as one status when they agree and 'mixed' when they do not", () => {
    const cells = grid(1);
    const repeats: HtmlCell[] = [cells[0]!, { ...cells[0]!, r: 1, s: 'pass' }, { ...cells[0]!, r: 2, s: 'fail' }];
    expect(M.slotStatus(repeats, [0])).toBe('error');
    expect(M.slotStatus(repeats, [1, 1])).toBe('pass');
    expect(M.slotStatus(repeats, [0, 1, 2])).toBe('mixed');
  });
});
