/**
 * The paired cells of two runs as `llmlab view`'s Compare page lists them: the same pairing as
 * {@link pairedCells} (provider label, prompt id, test id, repeat; ordinary cells with a verdict), but each pair
 * carries the rowids of its two result rows instead of costs and tokens, so a page of 50 pairs reads its outputs
 * and prompts by rowid afterwards — the results table has no index on the pairing key, and one rescan per page
 * of a 100,000-cell run would cost more than the page.
 */
import type { Db } from './db.js';
import type { PairedCell } from './run-pairs.js';

/** One pair of cells, without outputs: the pairing's coordinates and verdicts, and the two rows to read them from. */
export interface PairedRow extends Pick<PairedCell, 'providerLabel' | 'promptId' | 'testId' | 'repeatIndex' | 'description' | 'statusA' | 'statusB'> {
  /** rowids of the cell in run A and in run B. */
  rowA: number;
  rowB: number;
}

/** What a page shows of one result row. */
export interface RowTexts {
  cellId: string;
  prompt: string;
  output: string;
  /** The row's tool calls as stored (JSON), or null. */
  toolCalls: string | null;
  error: string | null;
}

const VERDICT = `status IN ('pass', 'fail', 'error') AND attack IS NULL`;

/**
 * Streams the pairs of run A and run B in run A's test order (then prompt, provider, repeat), exactly the pairs
 * pairedCells yields. Grouped by the key in one sort, as pairedCells is, for the same reason (no index on it).
 */
export function* pairedRows(db: Db, runA: string, runB: string): Generator<PairedRow> {
  const of = (side: 'a' | 'b', column: string) => `max(CASE WHEN run_id = @${side} THEN ${column} END)`;
  const stmt = db.prepare<[{ a: string; b: string }], PairedRow>(
    `SELECT provider_label AS providerLabel, prompt_id AS promptId, test_id AS testId, repeat_index AS repeatIndex,
       coalesce(${of('b', 'description')}, ${of('a', 'description')}) AS description,
       ${of('a', 'status')} AS statusA, ${of('b', 'status')} AS statusB,
       ${of('a', 'rowid')} AS rowA, ${of('b', 'rowid')} AS rowB
     FROM results WHERE run_id IN (@a, @b) AND ${VERDICT}
     GROUP BY provider_label, prompt_id, test_id, repeat_index
     HAVING count(DISTINCT run_id) = (CASE WHEN @a = @b THEN 1 ELSE 2 END)
     ORDER BY min(CASE WHEN run_id = @a THEN test_index END), test_id, prompt_id, provider_label, repeat_index`,
  );
  yield* stmt.iterate({ a: runA, b: runB });
}

/** The cell id, prompt, output, tool calls and error of the result rows with these rowids (a page's worth), by rowid. */
export function rowTexts(db: Db, rowids: readonly number[]): Map<number, RowTexts> {
  const rows = db
    .prepare<[string], RowTexts & { id: number }>(
      `SELECT rowid AS id, cell_id AS cellId, prompt, output, tool_calls AS toolCalls, error FROM results
       WHERE rowid IN (SELECT value FROM json_each(?))`,
    )
    .all(JSON.stringify(rowids));
  return new Map(rows.map(({ id, ...texts }) => [id, texts]));
}
