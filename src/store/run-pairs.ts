/**
 * Cells of two runs paired by test identity (provider label, prompt id, test id, repeat index), never by
 * position, for `llmlab compare` and `--baseline`. SQLite does the matching; only verdicts, costs, tokens and
 * latencies leave the database, never outputs. A run read from a JSON report file joins in through a TEMP table
 * ({@link importReportCells}), so a report baseline is paired by the very same queries as a stored run. Attack cells
 * (security results) are left out of every pass-rate query (a resisted attack is not a passed test); they are
 * paired on their own for the security comparison ({@link pairedAttacks}).
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

/**
 * Where the queries read cells: the stored results, or those plus the cells imported from report files. Two fixed
 * names (never user input), so they can be spliced into SQL.
 */
export type PairSource = 'results' | 'temp.llmlab_pair_source';

/** One cell of a report file, as far as pairing needs it. */
export interface ImportedCell {
  providerLabel: string;
  promptId: string;
  testId: string;
  testIndex: number;
  repeatIndex: number;
  description?: string | null;
  status: string;
  cost?: number;
  usage?: { input?: number; output?: number } | null;
  latencyMs?: number;
  /** Set on attack cells: its family, strategy and severity are kept for the security comparison. */
  attack?: unknown;
}

const COLUMNS = 'run_id, provider_label, prompt_id, test_id, test_index, repeat_index, description, status, cost, usage, latency_ms, seq, attack';

/**
 * Loads a report file's cells under `runId` into a TEMP table of this connection (never the database file) and
 * returns the source that sees them beside the stored results. `runId` must not be a stored run's id.
 */
export function importReportCells(db: Db, runId: string, cells: Iterable<ImportedCell>): PairSource {
  db.exec(
    `CREATE TEMP TABLE IF NOT EXISTS llmlab_imported_results (
       run_id TEXT NOT NULL, provider_label TEXT NOT NULL, prompt_id TEXT NOT NULL, test_id TEXT NOT NULL,
       test_index INTEGER NOT NULL, repeat_index INTEGER NOT NULL, description TEXT, status TEXT NOT NULL,
       cost REAL NOT NULL, usage TEXT, latency_ms REAL NOT NULL, seq INTEGER NOT NULL, attack TEXT);
     CREATE TEMP VIEW IF NOT EXISTS llmlab_pair_source AS
       SELECT ${COLUMNS} FROM main.results UNION ALL SELECT ${COLUMNS} FROM temp.llmlab_imported_results;`,
  );
  const insert = db.prepare(`INSERT INTO temp.llmlab_imported_results (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  db.transaction(() => {
    db.prepare('DELETE FROM temp.llmlab_imported_results WHERE run_id = ?').run(runId);
    let seq = 0;
    for (const c of cells) {
      const usage = c.usage ? JSON.stringify({ input: c.usage.input ?? 0, output: c.usage.output ?? 0 }) : null;
      insert.run(runId, c.providerLabel, c.promptId, c.testId, c.testIndex, c.repeatIndex, c.description ?? null,
        c.status, c.cost ?? 0, usage, c.latencyMs ?? 0, seq++, attackColumn(c.attack));
    }
  })();
  return 'temp.llmlab_pair_source';
}

/**
 * What an imported cell keeps of its attack record: only what the security comparison groups by (never the
 * transcript, which can be long); `{}` for a record that is not an object, so the cell still counts as an attack.
 */
function attackColumn(attack: unknown): string | null {
  if (attack === undefined || attack === null) return null;
  if (typeof attack !== 'object') return '{}';
  const { family, strategy, severity } = attack as Record<string, unknown>;
  return JSON.stringify({ family, strategy, severity });
}

/** Named parameters: the two run ids. */
interface Pair {
  a: string;
  b: string;
}

const VERDICT = `status IN ('pass', 'fail', 'error') AND attack IS NULL`;

/**
 * Streams the pairs in run A's test order. The key has no index (results are append-only by seq), and a join on
 * it lets SQLite rescan run B per cell of run A (O(n²): minutes at 50,000 cells). Grouping both runs' rows by
 * the key is one sort instead, O(n log n), whatever the planner's statistics say.
 */
export function* pairedCells(db: Db, runA: string, runB: string, source: PairSource = 'results'): Generator<PairedCell> {
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
     FROM ${source} WHERE run_id IN (@a, @b) AND ${VERDICT}
     GROUP BY provider_label, prompt_id, test_id, repeat_index
     HAVING count(DISTINCT run_id) = (CASE WHEN @a = @b THEN 1 ELSE 2 END)
     ORDER BY min(CASE WHEN run_id = @a THEN test_index END), test_id, prompt_id, provider_label, repeat_index`,
  );
  yield* stmt.iterate({ a: runA, b: runB });
}

/** Test ids with ordinary cells in run `of` but none in run `other`, in `of`'s test order. */
export function testsOnlyIn(db: Db, of: string, other: string, source: PairSource = 'results'): string[] {
  return db
    .prepare<[Pair], { id: string }>(
      `SELECT test_id AS id FROM ${source} WHERE run_id = @a AND attack IS NULL
         AND test_id NOT IN (SELECT test_id FROM ${source} WHERE run_id = @b AND attack IS NULL)
       GROUP BY test_id ORDER BY min(test_index), test_id`,
    )
    .all({ a: of, b: other })
    .map((r) => r.id);
}

/** Prompt × provider pairs with ordinary cells in a run, in the order they first finished. */
export function runTargets(db: Db, runId: string, source: PairSource = 'results'): RunTarget[] {
  return db
    .prepare<[string], RunTarget>(
      `SELECT prompt_id AS promptId, provider_label AS providerLabel FROM ${source} WHERE run_id = ? AND attack IS NULL
       GROUP BY prompt_id, provider_label ORDER BY min(seq)`,
    )
    .all(runId);
}

/** Ordinary cells of a run that finished with a verdict (pass, fail or error). */
export function verdictCount(db: Db, runId: string, source: PairSource = 'results'): number {
  return db
    .prepare<[string], { n: number }>(`SELECT count(*) AS n FROM ${source} WHERE run_id = ? AND ${VERDICT}`)
    .get(runId)!.n;
}

/** One attack test (test id × repeat) with a verdict in both runs: `fail` is a successful attack (a hit). */
export interface PairedAttack {
  testId: string;
  repeatIndex: number;
  /** Family, strategy and severity as recorded in run B, else in run A. */
  family: string;
  strategy: string;
  severity: string | null;
  hitA: boolean;
  hitB: boolean;
}

const ATTACK_VERDICT = `attack IS NOT NULL AND status IN ('pass', 'fail')`;

/**
 * Streams the attack cells both runs judged, paired by test id and repeat (an attack's test id names its family,
 * strategy and template; every attack cell has the prompt id `attack` and the one target), in run B's finishing
 * order. Errors and skips have no verdict and are left out, as in the security summary.
 */
export function* pairedAttacks(db: Db, runA: string, runB: string, source: PairSource = 'results'): Generator<PairedAttack> {
  const of = (side: 'a' | 'b', column: string) => `max(CASE WHEN run_id = @${side} THEN ${column} END)`;
  const field = (name: string) => `coalesce(${of('b', `json_extract(attack, '$.${name}')`)}, ${of('a', `json_extract(attack, '$.${name}')`)})`;
  const stmt = db.prepare<[Pair], Omit<PairedAttack, 'hitA' | 'hitB'> & { hitA: number; hitB: number }>(
    `SELECT test_id AS testId, repeat_index AS repeatIndex, ifnull(${field('family')}, '?') AS family,
       ifnull(${field('strategy')}, '?') AS strategy, ${field('severity')} AS severity,
       ${of('a', "status = 'fail'")} AS hitA, ${of('b', "status = 'fail'")} AS hitB
     FROM ${source} WHERE run_id IN (@a, @b) AND ${ATTACK_VERDICT}
     GROUP BY test_id, repeat_index
     HAVING count(DISTINCT run_id) = (CASE WHEN @a = @b THEN 1 ELSE 2 END)
     ORDER BY min(CASE WHEN run_id = @b THEN seq END), test_id, repeat_index`,
  );
  for (const row of stmt.iterate({ a: runA, b: runB })) yield { ...row, hitA: row.hitA === 1, hitB: row.hitB === 1 };
}

/** Attack cells of a run that finished with a verdict (hit or resisted). */
export function attackVerdictCount(db: Db, runId: string, source: PairSource = 'results'): number {
  return db
    .prepare<[string], { n: number }>(`SELECT count(*) AS n FROM ${source} WHERE run_id = ? AND ${ATTACK_VERDICT}`)
    .get(runId)!.n;
}
