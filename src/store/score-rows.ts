/**
 * Read side for per-metric and per-repeat statistics. SQLite unpacks each cell's `assertions` JSON with
 * json_each and aggregates, so only small rows leave the database: never an output, never a whole run.
 */
import type { Db } from './db.js';

/** Cells with a verdict, attack cells left out: they are security results, not quality tests. */
const VERDICT = `status IN ('pass', 'fail', 'error') AND attack IS NULL`;
const VERDICT_R = `r.status IN ('pass', 'fail', 'error') AND r.attack IS NULL`;

/** One cell's result on one metric name: its assertions of that name folded into one observation. */
export interface MetricScoreRow {
  promptId: string;
  providerLabel: string;
  metric: string;
  testId: string;
  repeatIndex: number;
  /** The test's `cluster`, or null. */
  cluster: string | null;
  /** Plain mean of the scores of the cell's assertions with this metric name. */
  score: number;
  /** 1 when every one of them passed. */
  pass: number;
  /** 1 when any of them errored (its score is then 0 and it did not pass). */
  errored: number;
  /**
   * Model-graded assertions with several judge rounds (graderRepeat): a JSON list holding each assertion's list of
   * round verdicts, e.g. `[[true,false,true]]`; `[]` when none of them has several.
   */
  judgeVerdicts: string | null;
  /**
   * Assertions with a `transform`: a JSON list of the text each of this name's assertions saw (`null` where the
   * transform found nothing), e.g. `["42"]`; null when none of them recorded one. maj@k votes over it.
   */
  extracted: string | null;
}

/**
 * Streams (cell, metric) rows of a run's cells that have a verdict, ordered by target, metric, test and repeat,
 * so a caller folds one (target, metric) group at a time. Cells whose model call failed have no assertion
 * results and so no rows; skipped cells are left out.
 */
export function* metricScoreRows(db: Db, runId: string): Generator<MetricScoreRow> {
  const stmt = db.prepare<[string], MetricScoreRow>(
    `SELECT r.prompt_id AS promptId, r.provider_label AS providerLabel,
       json_extract(a.value, '$.metric') AS metric, r.test_id AS testId, r.repeat_index AS repeatIndex,
       max(r.cluster) AS cluster, avg(json_extract(a.value, '$.score')) AS score,
       min(json_extract(a.value, '$.pass')) AS pass,
       max(json_extract(a.value, '$.error') IS NOT NULL) AS errored,
       json_group_array(json_extract(a.value, '$.judgeVerdicts'))
         FILTER (WHERE json_array_length(a.value, '$.judgeVerdicts') > 1) AS judgeVerdicts,
       CASE WHEN count(json_extract(a.value, '$.extracted')) > 0
         THEN json_group_array(json_extract(a.value, '$.extracted')) END AS extracted
     FROM results AS r, json_each(r.assertions) AS a
     WHERE r.run_id = ? AND ${VERDICT_R}
     GROUP BY r.prompt_id, r.provider_label, metric, r.test_id, r.repeat_index
     ORDER BY r.prompt_id, r.provider_label, metric, r.test_id, r.repeat_index`,
  );
  yield* stmt.iterate(runId);
}

/** True when any ordinary cell of the run belongs to a test with a `cluster`. */
export function hasClusters(db: Db, runId: string): boolean {
  return db.prepare<[string], { one: number }>('SELECT 1 AS one FROM results WHERE run_id = ? AND cluster IS NOT NULL LIMIT 1').get(runId) !== undefined;
}

/** How one test fared across its repeats on one target. */
export interface RepeatCountRow {
  promptId: string;
  providerLabel: string;
  testId: string;
  description: string | null;
  /** Repeats that finished with a verdict (pass, fail or error). */
  n: number;
  passes: number;
  errors: number;
}

/** Streams per (target, test) repeat counts, grouped by target, tests in suite order. */
export function* repeatCountRows(db: Db, runId: string): Generator<RepeatCountRow> {
  const stmt = db.prepare<[string], RepeatCountRow>(
    `SELECT prompt_id AS promptId, provider_label AS providerLabel, test_id AS testId,
       max(description) AS description, count(*) AS n,
       sum(status = 'pass') AS passes, sum(status = 'error') AS errors
     FROM results WHERE run_id = ? AND ${VERDICT}
     GROUP BY prompt_id, provider_label, test_id
     ORDER BY prompt_id, provider_label, min(test_index), test_id`,
  );
  yield* stmt.iterate(runId);
}

/** A cell's overall score, for paired score comparisons. */
export interface CellScoreRow {
  promptId: string;
  providerLabel: string;
  testId: string;
  repeatIndex: number;
  score: number;
}

/** Streams cell scores of cells with a verdict, grouped by (test id, repeat index) like `verdicts`. */
export function* cellScoreRows(db: Db, runId: string): Generator<CellScoreRow> {
  const stmt = db.prepare<[string], CellScoreRow>(
    `SELECT prompt_id AS promptId, provider_label AS providerLabel, test_id AS testId,
       repeat_index AS repeatIndex, score
     FROM results WHERE run_id = ? AND ${VERDICT}
     ORDER BY test_id, repeat_index`,
  );
  yield* stmt.iterate(runId);
}
