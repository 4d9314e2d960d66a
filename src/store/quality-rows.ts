/**
 * Read side for quality routing (src/gateway/quality-table.ts): which stored run of a suite counts, and one small
 * row per cell on one metric. The gateway polls {@link latestCompletedRunId} every few seconds, so that is one
 * indexed lookup.
 */
import type { Db } from './db.js';
import { WHOLE_RUN } from './runs.js';

/** The newest completed whole run (not a lone shard, not a subset) stored under any of `suitePaths`. */
export function latestCompletedRunId(db: Db, suitePaths: readonly string[]): string | undefined {
  if (suitePaths.length === 0) return undefined;
  const marks = suitePaths.map(() => '?').join(', ');
  const row = db
    .prepare<string[], { id: string }>(
      `SELECT id FROM runs WHERE suite_path IN (${marks}) AND status = 'completed' AND ${WHOLE_RUN}
       ORDER BY created_at DESC, id DESC LIMIT 1`,
    )
    .get(...suitePaths);
  return row?.id;
}

/** Every suite path the store holds runs of (few: one per suite ever run). */
export function storedSuitePaths(db: Db): string[] {
  return db.prepare<[], { p: string }>('SELECT DISTINCT suite_path AS p FROM runs').all().map((r) => r.p);
}

/** One ordinary cell's result on one metric name. */
export interface MetricCellRow {
  promptId: string;
  providerId: string;
  providerLabel: string;
  testId: string;
  repeatIndex: number;
  cluster: string | null;
  /**
   * Mean score of the cell's assertions of that name; 0 for a cell whose model call failed (it has no assertion
   * results, and an answer that never came is a failure for routing).
   */
  score: number;
}

/**
 * Streams the cells of a run that have a verdict and either an assertion named `metric` or a failed model call,
 * attack cells left out, grouped by target.
 */
export function* metricCellRows(db: Db, runId: string, metric: string): Generator<MetricCellRow> {
  const stmt = db.prepare<[{ run: string; metric: string }], MetricCellRow>(
    `SELECT promptId, providerId, providerLabel, testId, repeatIndex, cluster, ifnull(score, 0) AS score FROM (
       SELECT r.prompt_id AS promptId, r.provider_id AS providerId, r.provider_label AS providerLabel,
         r.test_id AS testId, r.repeat_index AS repeatIndex, r.cluster AS cluster, r.status AS status,
         json_array_length(r.assertions) AS graded,
         (SELECT avg(json_extract(a.value, '$.score')) FROM json_each(r.assertions) AS a
           WHERE json_extract(a.value, '$.metric') = @metric) AS score
       FROM results AS r
       WHERE r.run_id = @run AND r.status IN ('pass', 'fail', 'error') AND r.attack IS NULL)
     WHERE score IS NOT NULL OR (status = 'error' AND graded = 0)
     ORDER BY promptId, providerLabel, testId, repeatIndex`,
  );
  yield* stmt.iterate({ run: runId, metric });
}

/** Metric names graded in a run, sorted: what an unknown `quality.metric` is told to pick from. */
export function runMetricNames(db: Db, runId: string): string[] {
  return db
    .prepare<[string], { m: string }>(
      `SELECT DISTINCT json_extract(a.value, '$.metric') AS m FROM results AS r, json_each(r.assertions) AS a
       WHERE r.run_id = ? AND r.attack IS NULL AND m IS NOT NULL ORDER BY m`,
    )
    .all(runId)
    .map((r) => r.m);
}
