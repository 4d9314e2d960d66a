/**
 * Cell results of a run. Results stream in as cells finish and are written in batched transactions, so a run
 * never holds all its results in memory and a killed run loses at most the last unflushed batch.
 */
import type { AssertionResult, AttackRecord, CellResult, CellStatus, MediaRef, TokenUsage, ToolCall } from '../types.js';
import type { Db } from './db.js';

/** A `SELECT *` row of `results`. */
export interface ResultRow {
  cell_id: string;
  provider_id: string;
  provider_label: string;
  prompt_id: string;
  test_id: string;
  test_index: number;
  repeat_index: number;
  description: string | null;
  vars: string;
  prompt: string;
  output: string;
  status: string;
  score: number;
  assertions: string;
  latency_ms: number;
  usage: string | null;
  cost: number;
  cached: number;
  finish_reason: string | null;
  error: string | null;
  cluster: string | null;
  skip_reason: string | null;
  attack: string | null;
  tool_calls: string | null;
  media: string | null;
}

/** Decodes a `SELECT *` row of `results` into the cell it records. */
export function fromRow(row: ResultRow): CellResult {
  const assertions = JSON.parse(row.assertions) as AssertionResult[];
  const gradingCost = gradingCostOf(assertions);
  return {
    cellId: row.cell_id,
    providerId: row.provider_id,
    providerLabel: row.provider_label,
    promptId: row.prompt_id,
    testId: row.test_id,
    testIndex: row.test_index,
    repeatIndex: row.repeat_index,
    description: row.description ?? undefined,
    vars: JSON.parse(row.vars) as Record<string, unknown>,
    prompt: row.prompt,
    output: row.output,
    ...(row.tool_calls === null ? {} : { toolCalls: JSON.parse(row.tool_calls) as ToolCall[] }),
    ...(row.media === null ? {} : { media: JSON.parse(row.media) as MediaRef[] }),
    status: row.status as CellStatus,
    score: row.score,
    assertions,
    latencyMs: row.latency_ms,
    usage: row.usage ? (JSON.parse(row.usage) as TokenUsage) : undefined,
    cost: row.cost,
    ...(gradingCost === undefined ? {} : { gradingCost }),
    cached: row.cached === 1,
    finishReason: row.finish_reason ?? undefined,
    error: row.error ?? undefined,
    ...(row.cluster === null ? {} : { cluster: row.cluster }),
    ...(row.skip_reason === 'budget' || row.skip_reason === 'finetune' ? { skipReason: row.skip_reason } : {}),
    ...(row.attack === null ? {} : { attack: JSON.parse(row.attack) as AttackRecord }),
  };
}

/** A cell's grading cost is its assertions' judge costs: kept there, so no column holds it twice. */
function gradingCostOf(assertions: readonly AssertionResult[]): number | undefined {
  let total: number | undefined;
  for (const a of assertions) if (a.cost !== undefined) total = (total ?? 0) + a.cost;
  return total;
}

/**
 * SQL for a row's grading cost. The instr() guard keeps json_each off the (usual) rows with no model-graded
 * assertion.
 */
export const GRADING_COST_SQL = `CASE WHEN instr(assertions, '"cost":') > 0
  THEN (SELECT sum(json_extract(a.value, '$.cost')) FROM json_each(assertions) AS a) END`;

/** Per (prompt, provider) totals, computed by SQLite so that no run is loaded whole into memory. */
export interface TargetTotals {
  promptId: string;
  providerId: string;
  providerLabel: string;
  total: number;
  passed: number;
  failed: number;
  errors: number;
  skipped: number;
  inputTokens: number;
  outputTokens: number;
  cost: number;
  /** USD of judge and embedding calls (model-graded assertions), apart from `cost`. */
  gradingCost: number;
  cachedCells: number;
  /** Latencies of non-skipped cells, ascending; a cached cell counts with the latency it was recorded with. */
  latencies: number[];
}

/** One cell's verdict and where it belongs, without its output: what paired comparisons read. */
export interface CellVerdict {
  promptId: string;
  providerLabel: string;
  testId: string;
  repeatIndex: number;
  status: 'pass' | 'fail' | 'error';
}

/** One cell's test, target and verdict, as {@link createResultStore}'s `testVerdicts` streams them. */
export interface TestVerdictRow {
  testId: string;
  description: string | null;
  promptId: string;
  providerLabel: string;
  repeatIndex: number;
  status: CellStatus;
}

export function createResultStore(db: Db) {
  const upsert = db.prepare(
    `INSERT INTO results (run_id, cell_id, provider_id, provider_label, prompt_id, test_id, test_index,
       repeat_index, description, vars, prompt, output, status, score, assertions, latency_ms, usage, cost, cached,
       finish_reason, error, seq, cluster, skip_reason, attack, tool_calls, media)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  return {
    /** Writes one result; call inside a transaction when writing many. */
    put(runId: string, cell: CellResult, seq: number): void {
      upsert.run(
        runId,
        cell.cellId,
        cell.providerId,
        cell.providerLabel,
        cell.promptId,
        cell.testId,
        cell.testIndex,
        cell.repeatIndex,
        cell.description ?? null,
        JSON.stringify(cell.vars),
        cell.prompt,
        cell.output,
        cell.status,
        cell.score,
        JSON.stringify(cell.assertions),
        cell.latencyMs,
        cell.usage ? JSON.stringify(cell.usage) : null,
        cell.cost,
        cell.cached ? 1 : 0,
        cell.finishReason ?? null,
        cell.error ?? null,
        seq,
        cell.cluster ?? null,
        cell.skipReason ?? null,
        cell.attack ? JSON.stringify(cell.attack) : null,
        cell.toolCalls?.length ? JSON.stringify(cell.toolCalls) : null,
        cell.media?.length ? JSON.stringify(cell.media) : null,
      );
    },
    /** Drops a run's rows without a verdict (errors, skips) before a resume runs those cells again. */
    forgetUnfinished(runId: string): void {
      db.prepare(`DELETE FROM results WHERE run_id = ? AND status NOT IN ('pass', 'fail')`).run(runId);
    },
    /** Cells of a run that finished with a verdict (pass/fail): a resume skips these and re-runs the rest. */
    finishedCellIds(runId: string): Set<string> {
      const rows = db
        .prepare<[string], { cell_id: string }>(
          `SELECT cell_id FROM results WHERE run_id = ? AND status IN ('pass', 'fail')`,
        )
        .all(runId);
      return new Set(rows.map((r) => r.cell_id));
    },
    /** Streams a run's results in suite order (test, prompt, provider, repeat). */
    *iterate(runId: string): Generator<CellResult> {
      const stmt = db.prepare<[string], ResultRow>(
        'SELECT * FROM results WHERE run_id = ? ORDER BY test_index, prompt_id, provider_label, repeat_index',
      );
      for (const row of stmt.iterate(runId)) yield fromRow(row);
    },
    /** The `seq` the next result of a run gets: results keep the order they finished in. */
    nextSeq(runId: string): number {
      return db.prepare<[string], { next: number }>('SELECT ifnull(max(seq) + 1, 0) AS next FROM results WHERE run_id = ?').get(runId)!.next;
    },
    /**
     * Streams the verdict of every ordinary cell that finished with one (pass, fail or error), grouped by (test id,
     * repeat index) so a caller can pair the targets' verdicts on the same test in one pass. Reads no outputs.
     * Attack cells are left out: a resisted attack is not a passed test.
     */
    *verdicts(runId: string): Generator<CellVerdict> {
      const stmt = db.prepare<[string], CellVerdict>(
        `SELECT prompt_id AS promptId, provider_label AS providerLabel, test_id AS testId,
           repeat_index AS repeatIndex, status
         FROM results WHERE run_id = ? AND status IN ('pass', 'fail', 'error') AND attack IS NULL
         ORDER BY test_id, repeat_index`,
      );
      yield* stmt.iterate(runId);
    },
    /** The cells of one test of a run (every prompt, provider and repeat), in suite order; for `llmlab show`. */
    ofTest(runId: string, testId: string): CellResult[] {
      return db
        .prepare<[string, string], ResultRow>(
          'SELECT * FROM results WHERE run_id = ? AND test_id = ? ORDER BY prompt_id, provider_label, repeat_index',
        )
        .all(runId, testId)
        .map(fromRow);
    },
    /**
     * Each ordinary cell's test, target and status in suite order, without outputs or assertions: what a list of
     * a run's tests needs (`llmlab show <run>`), read in one light pass.
     */
    *testVerdicts(runId: string): Generator<TestVerdictRow> {
      const stmt = db.prepare<[string], TestVerdictRow>(
        `SELECT test_id AS testId, description, prompt_id AS promptId, provider_label AS providerLabel,
           repeat_index AS repeatIndex, status
         FROM results WHERE run_id = ? AND attack IS NULL
         ORDER BY test_index, test_id, prompt_id, provider_label, repeat_index`,
      );
      yield* stmt.iterate(runId);
    },
    /** Every cell written for a run, attack cells included. */
    count(runId: string): number {
      return db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM results WHERE run_id = ?').get(runId)!.n;
    },
    /** Cells recorded `skipped` for this reason (e.g. `budget`), attack cells included. */
    countSkipped(runId: string, reason: string): number {
      return db
        .prepare<[string, string], { n: number }>(`SELECT count(*) AS n FROM results WHERE run_id = ? AND status = 'skipped' AND skip_reason = ?`)
        .get(runId, reason)!.n;
    },
    /** Ordinary cells (attack cells aside) that failed or errored. */
    countFailing(runId: string): number {
      return db
        .prepare<[string], { n: number }>(`SELECT count(*) AS n FROM results WHERE run_id = ? AND status IN ('fail', 'error') AND attack IS NULL`)
        .get(runId)!.n;
    },
    /** Per (prompt, provider) totals of the ordinary cells; attack cells have their own summary (attack-rows.ts). */
    totals(runId: string): TargetTotals[] {
      const groups = db
        .prepare<[string], Omit<TargetTotals, 'latencies'>>(
          `SELECT prompt_id AS promptId, provider_id AS providerId, provider_label AS providerLabel,
             count(*) AS total,
             sum(status = 'pass') AS passed, sum(status = 'fail') AS failed,
             sum(status = 'error') AS errors, sum(status = 'skipped') AS skipped,
             ifnull(sum(json_extract(usage, '$.input')), 0) AS inputTokens,
             ifnull(sum(json_extract(usage, '$.output')), 0) AS outputTokens,
             ifnull(sum(cost), 0) AS cost, ifnull(sum(${GRADING_COST_SQL}), 0) AS gradingCost,
             sum(cached) AS cachedCells
           FROM results WHERE run_id = ? AND attack IS NULL
           GROUP BY prompt_id, provider_label ORDER BY min(seq)`,
        )
        .all(runId);
      const latency = db.prepare<[string, string, string], { l: number }>(
        `SELECT latency_ms AS l FROM results WHERE run_id = ? AND prompt_id = ? AND provider_label = ?
           AND status != 'skipped' AND attack IS NULL ORDER BY latency_ms`,
      );
      return groups.map((g) => ({
        ...g,
        latencies: latency.all(runId, g.promptId, g.providerLabel).map((r) => r.l),
      }));
    },
  };
}

export type ResultStore = ReturnType<typeof createResultStore>;
