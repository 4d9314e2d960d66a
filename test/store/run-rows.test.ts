/**
 * Pages of a run's results matrix chosen in SQL (src/store/run-rows.ts, run-rows-page.ts): filters, search (with
 * LIKE's wildcards taken literally and case ignored), sorts both ways with ties in suite order, page edges, locating
 * a cell's page, and attack cells left to the Security section.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CellNotShown, createRunRows, type RowQuery } from '../../src/store/run-rows-page.js';
import { likePattern } from '../../src/store/run-rows.js';
import type { RunRecord } from '../../src/store/index.js';
import type { CellResult, CellStatus } from '../../src/types.js';
import { tempStore } from '../report/helpers.js';
import { attackCell } from '../report/security-cells.js';

interface Spec {
  status: [CellStatus, CellStatus];
  latency?: [number, number];
  cost?: number;
  output?: string;
  description?: string;
  vars?: Record<string, unknown>;
}

/** Test `t<i>` on targets a and b, repeat 0 (and repeat 1 when `repeats`), written in a scrambled order. */
function cells(specs: Spec[], repeats = 1): CellResult[] {
  const out: CellResult[] = [];
  specs.forEach((spec, i) => {
    (['a', 'b'] as const).forEach((target, t) => {
      for (let r = 0; r < repeats; r++) {
        const status: CellStatus = r === 1 && spec.status[t] === 'pass' && i === 2 ? 'fail' : spec.status[t]!;
        out.push({
          cellId: `${target}:p:t${i}:${r}`, providerId: target, providerLabel: target, promptId: 'p', testId: `t${i}`, testIndex: i,
          repeatIndex: r, ...(spec.description === undefined ? {} : { description: spec.description }), vars: spec.vars ?? { n: i },
          prompt: `prompt ${i}`, output: spec.output ?? `output ${i} ${target}`, status, score: status === 'pass' ? 1 : status === 'skipped' ? 0 : 0.25,
          assertions: [], latencyMs: spec.latency?.[t] ?? 10, cost: spec.cost ?? 0.001, cached: false,
        });
      }
    });
  });
  // Cells finish out of order: rows must still come in suite order.
  return out.reverse();
}

const SPECS: Spec[] = [
  { status: ['pass', 'pass'], latency: [50, 10], cost: 0.002, description: 'Refund Policy', output: 'we offer 100% refunds' },
  { status: ['fail', 'pass'], latency: [5, 5], cost: 0.001, output: 'snake_case answer' },
  { status: ['pass', 'pass'], latency: [900, 20], cost: 0.004, vars: { city: 'Paris' } },
  { status: ['error', 'pass'], latency: [30, 30], cost: 0.001 },
  { status: ['skipped', 'skipped'], cost: 0 },
];

describe('run rows', () => {
  let t: ReturnType<typeof tempStore>;
  let run: RunRecord;
  let reader: ReturnType<typeof createRunRows>;
  const base: RowQuery = { filter: 'all', q: '', sort: 'order', dir: 'asc', page: 0, pageSize: 100 };
  const ids = (query: Partial<RowQuery>) => reader.page(run.id, { ...base, ...query }).rows.map((r) => r.id);

  beforeEach(() => {
    t = tempStore();
    run = t.store.runs.create({
      suitePath: '/s.yaml', suiteHash: 'h', totalCells: 20,
      options: { concurrency: 1, repeat: 2, cache: false, llmlabVersion: 'test', providers: ['a', 'b'], prompts: ['p'] },
    });
    cells(SPECS, 2).forEach((c, i) => t.store.results.put(run.id, c, i));
    // An attack cell: the Security section's, never a row of the matrix.
    t.store.results.put(run.id, { ...attackCell({ family: 'pii', strategy: 'basic', severity: 'high', status: 'fail', output: 'output refund attack' }), cellId: 'attack:1' }, 100);
    reader = createRunRows(t.store.db);
  });
  afterEach(() => t.dispose());

  it('folds cells into one row per test in suite order, with counts per filter', () => {
    const page = reader.page(run.id, base);
    expect(page.rows.map((r) => r.id)).toEqual(['t0', 't1', 't2', 't3', 't4']);
    expect(page.counts).toEqual({ all: 5, failing: 2, erroring: 1, flaky: 1 });
    expect(page).toMatchObject({ page: 0, pages: 1, total: 5, start: 0, end: 5 });
    expect(page.rows[0]).toEqual({ id: 't0', index: 0, description: 'Refund Policy', failing: false, erroring: false, flaky: false, latencyMs: 50, cost: 0.008, score: 1 });
    // Every cell of the page's rows, row by row, each row's by target then repeat; no attack cell.
    expect(page.cells.map((c) => c.cellId).slice(0, 4)).toEqual(['a:p:t0:0', 'a:p:t0:1', 'b:p:t0:0', 'b:p:t0:1']);
    expect(page.cells).toHaveLength(20);
    expect(page.cells.every((c) => c.attack === undefined)).toBe(true);
  });

  it('filters failing, erroring and flaky tests', () => {
    // t2 fails on its second repeat only: failing and flaky (pass vs fail on one target).
    expect(ids({ filter: 'failing' })).toEqual(['t1', 't2']);
    expect(ids({ filter: 'erroring' })).toEqual(['t3']);
    expect(ids({ filter: 'flaky' })).toEqual(['t2']);
    const skipped = reader.page(run.id, base).rows.find((r) => r.id === 't4')!;
    expect(skipped).toMatchObject({ latencyMs: null, score: null, cost: 0 });
  });

  it('searches every word in any case across id, description, vars and outputs, with % and _ taken literally', () => {
    expect(ids({ q: 'refund' })).toEqual(['t0']);
    expect(ids({ q: 'REFUND policy' })).toEqual(['t0']);
    expect(ids({ q: 'paris' })).toEqual(['t2']);
    expect(ids({ q: 't3' })).toEqual(['t3']);
    // Words may be in different cells of the row: "output" and " b" ends are in every row, "3" only in t3's.
    expect(ids({ q: 'output 3 b' })).toEqual(['t3']);
    // "output" is in most rows: the other words are then looked for in one more pass over the run.
    expect(ids({ q: 'output paris' })).toEqual(['t2']);
    expect(ids({ q: 'output a b' })).toEqual(['t2', 't3', 't4']); // "a" and "b" only in different cells of a row
    expect(ids({ q: '100%' })).toEqual(['t0']);
    expect(ids({ q: '%' })).toEqual(['t0']);
    expect(ids({ q: 'snake_case' })).toEqual(['t1']);
    expect(ids({ q: 'e_c' })).toEqual(['t1']);
    expect(ids({ q: '_' })).toEqual(['t1']);
    expect(ids({ q: 'zebra' })).toEqual([]);
    // Attack cells are not searched either.
    expect(ids({ q: 'attack' })).toEqual([]);
    // Counts follow the search; the filter applies within it.
    const page = reader.page(run.id, { ...base, q: 'output', filter: 'failing' });
    expect(page.counts).toEqual({ all: 3, failing: 1, erroring: 1, flaky: 1 });
    expect(page.rows.map((r) => r.id)).toEqual(['t2']);
    expect(likePattern('a%b_c\\')).toBe('%a\\%b\\_c\\\\%');
  });

  it('sorts by latency, cost and score both ways, ties in suite order, rows without the aggregate last', () => {
    expect(ids({ sort: 'latency', dir: 'desc' })).toEqual(['t2', 't0', 't3', 't1', 't4']);
    expect(ids({ sort: 'latency', dir: 'asc' })).toEqual(['t1', 't3', 't0', 't2', 't4']);
    expect(ids({ sort: 'cost', dir: 'desc' })).toEqual(['t2', 't0', 't1', 't3', 't4']);
    expect(ids({ sort: 'cost', dir: 'asc' })).toEqual(['t4', 't1', 't3', 't0', 't2']);
    // Mean scores: t0 1; t1, t2 and t3 0.625 (a tie: suite order either way); t4 none.
    expect(ids({ sort: 'score', dir: 'asc' })).toEqual(['t1', 't2', 't3', 't0', 't4']);
    expect(ids({ sort: 'score', dir: 'desc' })).toEqual(['t0', 't1', 't2', 't3', 't4']);
    expect(ids({ sort: 'order', dir: 'desc' })).toEqual(['t4', 't3', 't2', 't1', 't0']);
  });

  it('pages rows, clamps a page past the end and answers an empty search with one empty page', () => {
    const page = (query: Partial<RowQuery>) => reader.page(run.id, { ...base, pageSize: 2, ...query });
    expect(page({})).toMatchObject({ page: 0, pages: 3, total: 5, start: 0, end: 2 });
    expect(page({ page: 2 }).rows.map((r) => r.id)).toEqual(['t4']);
    expect(page({ page: 2 })).toMatchObject({ page: 2, start: 4, end: 5 });
    expect(page({ page: 2 }).cells.map((c) => c.testId)).toEqual(['t4', 't4', 't4', 't4']);
    expect(page({ page: 9 })).toMatchObject({ page: 2, start: 4, end: 5 });
    expect(page({ q: 'zebra' })).toMatchObject({ rows: [], cells: [], page: 0, pages: 1, total: 0, start: 0, end: 0, counts: { all: 0, failing: 0, erroring: 0, flaky: 0 } });
  });

  it('locates the page of a cell under the filter and sort, and says why it cannot', () => {
    const located = reader.page(run.id, { ...base, pageSize: 2, page: 0, cell: 'b:p:t3:1' });
    expect(located).toMatchObject({ page: 1, start: 2, end: 4 });
    expect(located.rows.map((r) => r.id)).toEqual(['t2', 't3']);
    expect(reader.page(run.id, { ...base, pageSize: 2, sort: 'latency', dir: 'desc', cell: 'a:p:t4:0' }).page).toBe(2);
    const reason = (cell: string, query: Partial<RowQuery> = {}) => {
      try {
        reader.page(run.id, { ...base, ...query, cell });
        return 'shown';
      } catch (error) {
        return error instanceof CellNotShown ? error.reason : String(error);
      }
    };
    expect(reason('nope')).toBe('unknown');
    expect(reason('attack:1')).toBe('attack');
    expect(reason('a:p:t0:0', { filter: 'failing' })).toBe('filtered');
  });

  it('reads the run again when its results change', () => {
    expect(reader.page(run.id, base).total).toBe(5);
    t.store.results.put(run.id, { ...cells([SPECS[0]!])[0]!, cellId: 'a:p:t9:0', testId: 't9', testIndex: 9, status: 'fail' }, 200);
    const page = reader.page(run.id, base);
    expect(page.total).toBe(6);
    expect(page.counts.failing).toBe(3);
  });
});
