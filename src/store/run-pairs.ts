/**
 * Cells of two runs paired by test identity (provider label, prompt id, test id, repeat index), never by
 * position, for `llmlab compare`. SQLite does the matching; only verdicts, costs, tokens and latencies leave
 * the database, never outputs.
 */
import type { Db } from './db.js';

type Verdict = 'pass' | 'fail' | 'error';

/** One cell that finished with a verdict in both runs. */
export interface PairedCell {
  providerLabel: string;
  promptId: string;
  testId: string;
  repeatIndex: number;
  /** The test's description in run B, else in run A. */
  description: string | null;
  statusA: Verdict;
  statusB: Verdict;
  costA: number;
  costB: number;
  inputTokensA: number;
  outputTokensA: number;
  inputTokensB: number;
  outputTokensB: number;
  latencyA: number;
  latencyB: number;
}

/** A prompt × provider that has cells in a run. */
export interface RunTarget {
  promptId: string;
  providerLabel: string;
}

/** Named parameters: the two run ids. */
interface Pair {
  a: string;
  b: string;
}

const VERDICT = `status IN ('pass', 'fail', 'error')`;

/**
 * Streams the pairs in run A's test order. The key has no index (results are append-only by seq), and a join on
 * it lets SQLite rescan run B per cell of run A (O(n²): minutes at 50,000 cells). Grouping both runs' rows by
 * the key is one sort instead, O(n log n), whatever the planner's statistics say.
 */
export function* pairedCells(db: Db, runA: string, runB: string): Generator<PairedCell> {
  const of = (side: 'a' | 'b', column: string) => `max(CASE WHEN run_id = @${side} THEN ${column} END)`;
  const stmt = db.prepare<[Pair], PairedCell>(
    `SELECT provider_label AS providerLabel, prompt_id AS promptId, test_id AS testId, repeat_index AS repeatIndex,
       coalesce(${of('b', 'description')}, ${of('a', 'description')}) AS description,
       ${of('a', 'status')} AS statusA, ${of('b', 'status')} AS statusB,
       ${of('a', 'cost')} AS costA, ${of('b', 'cost')} AS costB,
       ifnull(${of('a', "json_extract(usage, '$.input')")}, 0) AS inputTokensA,
       ifnull(${of('a', "json_extract(usage, '$.output')")}, 0) AS outputTokensA,
       ifnull(${of('b', "json_extract(usage, '$.input')")}, 0) AS inputTokensB,
       ifnull(${of('b', "json_extract(usage, '$.output')")}, 0) AS outputTokensB,
       ${of('a', 'latency_ms')} AS latencyA, ${of('b', 'latency_ms')} AS latencyB
     FROM results WHERE run_id IN (@a, @b) AND ${VERDICT}
     GROUP BY provider_label, prompt_id, test_id, repeat_index
     HAVING count(DISTINCT run_id) = (CASE WHEN @a = @b THEN 1 ELSE 2 END)
     ORDER BY min(CASE WHEN run_id = @a THEN test_index END), test_id, prompt_id, provider_label, repeat_index`,
  );
  yield* stmt.iterate({ a: runA, b: runB });
}

/** Test ids with cells in run `of` but none in run `other`, in `of`'s test order. */
export function testsOnlyIn(db: Db, of: string, other: string): string[] {
  return db
    .prepare<[Pair], { id: string }>(
      `SELECT test_id AS id FROM results WHERE run_id = @a
         AND test_id NOT IN (SELECT test_id FROM results WHERE run_id = @b)
       GROUP BY test_id ORDER BY min(test_index), test_id`,
    )
    .all({ a: of, b: other })
    .map((r) => r.id);
}

/** Prompt × provider pairs with cells in a run, in the order they first finished. */
export function runTargets(db: Db, runId: string): RunTarget[] {
  return db
    .prepare<[string], RunTarget>(
      `SELECT prompt_id AS promptId, provider_label AS providerLabel FROM results WHERE run_id = ?
       GROUP BY prompt_id, provider_label ORDER BY min(seq)`,
    )
    .all(runId);
}

/** Cells of a run that finished with a verdict (pass, fail or error). */
export function verdictCount(db: Db, runId: string): number {
  return db
    .prepare<[string], { n: number }>(`SELECT count(*) AS n FROM results WHERE run_id = ? AND ${VERDICT}`)
    .get(runId)!.n;
}
