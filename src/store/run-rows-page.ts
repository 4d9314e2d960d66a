/**
 * One page of a run's results matrix: the tests SQLite folded (run-rows.ts), filtered, searched, sorted and cut to
 * a page, with the page's cells read by rowid. The folded tests of a run are kept while its results do not change
 * (same fingerprint as the kept summaries): a 100,000-cell run is folded once, and each later page costs a sort of
 * its tests and one read of 100 tests' cells rather than a pass over the run. Searches are kept the same way, so
 * paging through a search does not search again.
 */
import type { CellResult } from '../types.js';
import type { Db } from './db.js';
import { runFingerprint } from './run-summaries.js';
import { createRunRowsSql, type TestAggregate } from './run-rows.js';

/** Which rows to show: every test, or those with a failed cell, an errored cell, or verdicts that flip. */
export const ROW_FILTERS = ['all', 'failing', 'erroring', 'flaky'] as const;
export type RowFilter = (typeof ROW_FILTERS)[number];
/** Row orders: suite order, or a row aggregate (max latency, total cost, mean score); ties in suite order. */
export const ROW_SORTS = ['order', 'latency', 'cost', 'score'] as const;
export type RowSort = (typeof ROW_SORTS)[number];
/** Search words at most (each is a LIKE over the cells' texts). */
export const MAX_SEARCH_WORDS = 8;

/** What to show. */
export interface RowQuery {
  filter: RowFilter;
  /** Whitespace-separated words; each must appear (ASCII case-insensitive) in the row's id, description, vars or an output. */
  q: string;
  sort: RowSort;
  dir: 'asc' | 'desc';
  /** 0-based; clamped to the pages there are. Ignored when `cell` is given. */
  page: number;
  pageSize: number;
  /** A cell id: show the page holding its test instead of `page`. */
  cell?: string;
}

/** One test of the page (its rowids left out). */
export type RunRow = Omit<TestAggregate, 'rowids'>;
/** Rows per filter, among the rows that match the search. */
export type RowCounts = Record<RowFilter, number>;

/** One page of rows and their cells. */
export interface RunRowsPage {
  rows: RunRow[];
  /** The rows' cells, row by row in page order, each row's in suite order (prompt, provider, repeat). */
  cells: CellResult[];
  page: number;
  pages: number;
  /** Rows under the filter and search. */
  total: number;
  counts: RowCounts;
  /** Position of the page's first row, and one past its last (0 and 0 when nothing matches). */
  start: number;
  end: number;
}

/** Why `query.cell` cannot be shown. */
export class CellNotShown extends Error {
  constructor(
    readonly reason: 'unknown' | 'attack' | 'filtered',
    cellId: string,
  ) {
    super(
      reason === 'unknown'
        ? `no cell ${cellId} in this run`
        : reason === 'attack'
          ? `cell ${cellId} is a security attack cell`
          : `cell ${cellId} is not among the rows the filter and search show`,
    );
  }
}

interface KeptRun {
  fingerprint: string;
  tests: TestAggregate[];
  byId: Map<string, TestAggregate>;
  searches: Map<string, Set<string>>;
}

/** Runs whose folded tests are kept (the least recently used goes first), and searches kept per run. */
const KEEP_RUNS = 4;
const KEEP_SEARCHES = 16;

/** The words of a search, lower-cased (LIKE ignores ASCII case anyway), at most {@link MAX_SEARCH_WORDS}. */
export function searchWords(q: string): string[] {
  return [...new Set(q.toLowerCase().split(/\s+/).filter(Boolean))].slice(0, MAX_SEARCH_WORDS);
}

/** Reads pages of runs' matrices from `db`, keeping the folded tests of the last few runs. */
export function createRunRows(db: Db) {
  const sql = createRunRowsSql(db);
  const kept = new Map<string, KeptRun>();

  function load(runId: string): KeptRun {
    const fingerprint = runFingerprint(db, runId);
    let run = kept.get(runId);
    if (run?.fingerprint !== fingerprint) {
      const tests = sql.tests(runId);
      run = { fingerprint, tests, byId: new Map(tests.map((t) => [t.id, t])), searches: new Map() };
    }
    kept.delete(runId);
    kept.set(runId, run);
    if (kept.size > KEEP_RUNS) kept.delete(kept.keys().next().value!);
    return run;
  }

  function searched(runId: string, run: KeptRun, q: string): TestAggregate[] {
    const words = searchWords(q);
    if (words.length === 0) return run.tests;
    const key = words.join(' ');
    let ids = run.searches.get(key);
    if (!ids) {
      ids = sql.search(runId, words, run.tests.length, (id) => run.byId.get(id)?.rowids);
      if (run.searches.size >= KEEP_SEARCHES) run.searches.delete(run.searches.keys().next().value!);
    }
    run.searches.delete(key);
    run.searches.set(key, ids);
    const found = ids;
    return run.tests.filter((t) => found.has(t.id));
  }

  return {
    /** The page `query` asks for; throws {@link CellNotShown} when `query.cell` is not a row shown. */
    page(runId: string, query: RowQuery): RunRowsPage {
      const run = load(runId);
      const matching = searched(runId, run, query.q);
      const counts: RowCounts = { all: matching.length, failing: 0, erroring: 0, flaky: 0 };
      for (const t of matching) {
        if (t.failing) counts.failing++;
        if (t.erroring) counts.erroring++;
        if (t.flaky) counts.flaky++;
      }
      const shown = sortTests(query.filter === 'all' ? matching : matching.filter((t) => t[query.filter as Exclude<RowFilter, 'all'>]), query);
      const size = query.pageSize;
      const pages = Math.max(1, Math.ceil(shown.length / size));
      let page = Math.min(Math.max(0, Math.floor(query.page) || 0), pages - 1);
      if (query.cell !== undefined) page = Math.floor(locate(runId, query.cell, shown) / size);
      const rows = shown.slice(page * size, (page + 1) * size);
      const start = rows.length === 0 ? 0 : page * size;
      return {
        rows: rows.map(({ rowids: _rowids, ...row }) => row),
        cells: cellsOf(rows),
        page,
        pages,
        total: shown.length,
        counts,
        start,
        end: start + rows.length,
      };
    },
  };

  function locate(runId: string, cellId: string, shown: readonly TestAggregate[]): number {
    const cell = sql.cellTest(runId, cellId);
    if (!cell) throw new CellNotShown('unknown', cellId);
    if (cell.attack) throw new CellNotShown('attack', cellId);
    const at = shown.findIndex((t) => t.id === cell.testId);
    if (at < 0) throw new CellNotShown('filtered', cellId);
    return at;
  }

  function cellsOf(rows: readonly TestAggregate[]): CellResult[] {
    const rank = new Map(rows.map((r, i) => [r.id, i]));
    const rowids = rows.flatMap((r) => r.rowids.split(',').map(Number));
    return sql
      .cells(rowids)
      .sort((a, b) => rank.get(a.testId)! - rank.get(b.testId)! || cmp(a.promptId, b.promptId) || cmp(a.providerLabel, b.providerLabel) || a.repeatIndex - b.repeatIndex);
  }
}

export type RunRowsReader = ReturnType<typeof createRunRows>;

const KEYS: Record<Exclude<RowSort, 'order'>, (t: TestAggregate) => number | null> = {
  latency: (t) => t.latencyMs,
  cost: (t) => t.cost,
  score: (t) => t.score,
};

/** `tests` (in suite order) in the query's order: a test without the aggregate goes last either way; ties keep suite order. */
function sortTests(tests: readonly TestAggregate[], query: Pick<RowQuery, 'sort' | 'dir'>): readonly TestAggregate[] {
  if (query.sort === 'order') return query.dir === 'desc' ? [...tests].reverse() : tests;
  const key = KEYS[query.sort];
  const sign = query.dir === 'desc' ? -1 : 1;
  // Array.prototype.sort is stable: equal keys keep suite order.
  return [...tests].sort((a, b) => {
    const x = key(a);
    const y = key(b);
    if (x === null || y === null) return x === y ? 0 : x === null ? 1 : -1;
    return sign * (x - y);
  });
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
