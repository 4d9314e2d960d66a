/**
 * The SQL behind one page of a run's results matrix: the run's ordinary cells (attack cells belong to the Security
 * section) folded by SQLite into one row per test with what the matrix filters and sorts on, the tests whose
 * cells hold every search word, and the cells of a page's tests by rowid. The rows match the HTML report's matrix
 * (templates/report/model.js buildRows): one per test in suite order, flagged failing, erroring and flaky.
 * Choosing the page from these is run-rows-page.ts's job.
 */
import type { CellResult } from '../types.js';
import type { Db } from './db.js';
import { fromRow, type ResultRow } from './results.js';

/** One test of a run, folded from its cells. */
export interface TestAggregate {
  id: string;
  /** Suite position (the test's index). */
  index: number;
  description: string | null;
  failing: boolean;
  erroring: boolean;
  /** On some target, the repeats' verdicts disagree (as the summary's flaky tests: pass vs fail or error). */
  flaky: boolean;
  /** Slowest cell that ran, ms; null when every cell was skipped. */
  latencyMs: number | null;
  /** USD of the test's cells. */
  cost: number;
  /** Mean score of the cells that ran; null when none did. */
  score: number | null;
  /** The cells' rowids, comma-separated: a page reads its cells by rowid, not by scanning the run. */
  rowids: string;
}

interface AggregateRow {
  test_id: string;
  ti: number;
  description: string | null;
  failing: number;
  erroring: number;
  repeats: number;
  latency: number | null;
  cost: number;
  score: number | null;
  rowids: string;
}

/** `%word%` for LIKE, with the wildcards and the escape character in the word taken literally. */
export function likePattern(word: string): string {
  return `%${word.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** Whether a cell's test id, description, vars or output holds `@w<i>` (LIKE: ASCII case-insensitive). */
function matchSql(i: number): string {
  const like = (column: string) => `${column} LIKE @w${i} ESCAPE '\\'`;
  return `(${like('test_id')} OR ${like("ifnull(description, '')")} OR ${like('vars')} OR ${like('output')})`;
}

export function createRunRowsSql(db: Db) {
  const aggregates = db.prepare<{ run: string }, AggregateRow>(
    `SELECT test_id, min(test_index) AS ti, max(description) AS description,
      max(status = 'fail') AS failing, max(status = 'error') AS erroring, max(repeat_index) AS repeats,
      max(CASE WHEN status != 'skipped' THEN latency_ms END) AS latency, sum(cost) AS cost,
      avg(CASE WHEN status != 'skipped' THEN score END) AS score, group_concat(rowid) AS rowids
    FROM results WHERE run_id = @run AND attack IS NULL
    GROUP BY test_id ORDER BY ti, test_id`,
  );
  // Flaky needs the cells grouped per target too: a second pass, made only when some test has repeats.
  const flaky = db
    .prepare<{ run: string }, string>(
      `SELECT DISTINCT test_id FROM (
        SELECT test_id FROM results WHERE run_id = @run AND attack IS NULL
        GROUP BY test_id, prompt_id, provider_label
        HAVING sum(status = 'pass') > 0 AND sum(status IN ('fail', 'error')) > 0)`,
    )
    .pluck();
  // Each word is one pass: over the whole run, or over the cells of the tests the words before it left. The
  // distinct test ids come back as one JSON array, not a row per matching cell.
  const inRun = db.prepare(`SELECT json_group_array(DISTINCT test_id) FROM results WHERE run_id = @run AND attack IS NULL AND ${matchSql(0)}`).pluck();
  const inCells = db
    .prepare(`SELECT json_group_array(DISTINCT test_id) FROM results WHERE rowid IN (SELECT value FROM json_each(@ids)) AND ${matchSql(0)}`)
    .pluck();
  const maskStatements = new Map<number, ReturnType<Db['prepare']>>();
  const cellTest = db.prepare<[string, string], { test_id: string; attack: number }>(
    'SELECT test_id, attack IS NOT NULL AS attack FROM results WHERE run_id = ? AND cell_id = ?',
  );
  // json_each binds a whole list as one parameter: one statement per page, however many cells it has.
  const byRowid = db.prepare<[string], ResultRow>('SELECT * FROM results WHERE rowid IN (SELECT value FROM json_each(?))');

  return {
    /** Every test of the run (ordinary cells only), in suite order: one pass over its cells (two with repeats). */
    tests(runId: string): TestAggregate[] {
      const rows = aggregates.all({ run: runId });
      const flakyIds = rows.some((r) => r.repeats > 0) ? new Set(flaky.all({ run: runId })) : new Set<string>();
      return rows.map((r) => ({
        id: r.test_id,
        index: r.ti,
        description: r.description,
        failing: r.failing === 1,
        erroring: r.erroring === 1,
        flaky: flakyIds.has(r.test_id),
        latencyMs: r.latency,
        cost: r.cost,
        score: r.score,
        rowids: r.rowids,
      }));
    },
    /**
     * Ids of the tests whose cells hold every word (each in any cell of the test). The likeliest rare word (one
     * with a digit, else the longest) is looked for first, in the whole run. When it leaves few tests, each next
     * word is looked for only in their cells; when it leaves most, the other words are looked for together in
     * one more pass over the run (a pass per word would cost more). `rowidsOf` gives a test's cells.
     */
    search(runId: string, words: readonly string[], tests: number, rowidsOf: (testId: string) => string | undefined): Set<string> {
      const [first, ...rest] = [...words].sort((a, b) => rarity(b) - rarity(a));
      if (first === undefined) return new Set();
      let found = new Set(JSON.parse(inRun.get({ run: runId, w0: likePattern(first) }) as string) as string[]);
      if (rest.length > 0 && found.size > tests / 4) return withAll(runId, rest, found);
      for (const word of rest) {
        if (found.size === 0) break;
        const ids = [...found].flatMap((id) => (rowidsOf(id) ?? '').split(',').filter(Boolean).map(Number));
        found = new Set(JSON.parse(inCells.get({ ids: JSON.stringify(ids), w0: likePattern(word) }) as string) as string[]);
      }
      return found;
    },
    /** The test of a cell, and whether it is an attack cell; undefined for a cell the run does not have. */
    cellTest(runId: string, cellId: string): { testId: string; attack: boolean } | undefined {
      const row = cellTest.get(runId, cellId);
      return row && { testId: row.test_id, attack: row.attack === 1 };
    },
    /** The cells with these rowids, in no particular order. */
    cells(rowids: readonly number[]): CellResult[] {
      return rowids.length === 0 ? [] : byRowid.all(JSON.stringify(rowids)).map(fromRow);
    },
  };

  /** The tests of `among` whose cells hold every one of `words`: one pass, each cell's matches as a bit mask. */
  function withAll(runId: string, words: readonly string[], among: ReadonlySet<string>): Set<string> {
    let stmt = maskStatements.get(words.length);
    if (!stmt) {
      const mask = words.map((_, i) => `(${matchSql(i)} << ${i})`).join(' | ');
      stmt = db.prepare(`SELECT test_id, ${mask} AS mask FROM results WHERE run_id = @run AND attack IS NULL AND mask > 0`).raw();
      maskStatements.set(words.length, stmt);
    }
    const params: Record<string, string> = { run: runId };
    words.forEach((w, i) => (params[`w${i}`] = likePattern(w)));
    const masks = new Map<string, number>();
    for (const [testId, mask] of stmt.iterate(params) as Iterable<[string, number]>) {
      if (among.has(testId)) masks.set(testId, (masks.get(testId) ?? 0) | mask);
    }
    const all = (1 << words.length) - 1;
    return new Set([...masks].filter(([, mask]) => mask === all).map(([id]) => id));
  }
}

/** A guess at how rare a word is in model outputs: numbers and ids are, and long words more than short ones. */
function rarity(word: string): number {
  return (/\d/.test(word) ? 1000 : 0) + word.length;
}

export type RunRowsSql = ReturnType<typeof createRunRowsSql>;
