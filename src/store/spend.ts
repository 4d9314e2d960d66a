/**
 * Money spent, computed by SQLite from the results table: for `llmlab cost` (across runs) and for a resumed
 * run's budget (what its earlier attempts spent). Spend is what calls cost when they were made: an answer served
 * from the cache spent nothing new, so its `cost` (the original price) is left out; judge and embedding calls
 * (a cell's grading cost, kept in its assertions) count in full.
 */
import type { Db } from './db.js';

/** SQL of a result row's grading cost; the instr() guard keeps json_each off rows with no model-graded assertion. */
const GRADING_SQL = `ifnull(CASE WHEN instr(r.assertions, '"cost":') > 0
  THEN (SELECT sum(json_extract(a.value, '$.cost')) FROM json_each(r.assertions) AS a) END, 0)`;
const GENERATION_SQL = 'CASE WHEN r.cached = 0 THEN r.cost ELSE 0 END';
/**
 * Run `u` is a shard whose cells a merged run of this database holds (same suite hash, commit and n, its shard
 * present): its calls are counted once, in the merged run.
 */
const MERGED_SHARD_SQL = `u.shard IS NOT NULL AND json_extract(u.shard, '$.merged') = 0 AND EXISTS (
  SELECT 1 FROM runs m, json_each(m.shard, '$.present') p
  WHERE json_extract(m.shard, '$.merged') = 1 AND m.suite_hash = u.suite_hash AND m.git_sha IS u.git_sha
    AND json_extract(m.shard, '$.count') = json_extract(u.shard, '$.count')
    AND json_extract(p.value, '$.index') = json_extract(u.shard, '$.present[0].index'))`;

/** How `llmlab cost` groups spend. */
export type SpendGrouping = 'suite' | 'provider' | 'day';

/** One line of `llmlab cost`. */
export interface SpendRow {
  /** The suite path, provider id or day (YYYY-MM-DD, UTC). */
  key: string;
  runs: number;
  cells: number;
  /** Cells answered by a model call now (not the cache). */
  calls: number;
  inputTokens: number;
  outputTokens: number;
  /** USD of generation calls made (cached answers excluded). */
  generationUsd: number;
  /** USD of judge and embedding calls. */
  gradingUsd: number;
  totalUsd: number;
}

const KEY_SQL: Record<SpendGrouping, string> = {
  suite: 'u.suite_path',
  provider: 'r.provider_id',
  day: "date(u.created_at / 1000, 'unixepoch')",
};

/** Spend of the runs created at or after `since` (ms since the epoch), grouped, largest spend first. */
export function spendBy(db: Db, by: SpendGrouping, since = 0): SpendRow[] {
  const key = KEY_SQL[by];
  return db
    .prepare<[number], SpendRow>(
      `SELECT ${key} AS key, count(DISTINCT r.run_id) AS runs, count(*) AS cells,
         sum(r.cached = 0 AND r.status != 'skipped' AND r.usage IS NOT NULL) AS calls,
         ifnull(sum(CASE WHEN r.cached = 0 THEN json_extract(r.usage, '$.input') END), 0) AS inputTokens,
         ifnull(sum(CASE WHEN r.cached = 0 THEN json_extract(r.usage, '$.output') END), 0) AS outputTokens,
         ifnull(sum(${GENERATION_SQL}), 0) AS generationUsd,
         ifnull(sum(${GRADING_SQL}), 0) AS gradingUsd,
         ifnull(sum(${GENERATION_SQL} + ${GRADING_SQL}), 0) AS totalUsd
       FROM results r JOIN runs u ON u.id = r.run_id
       WHERE u.created_at >= ? AND NOT (${MERGED_SHARD_SQL})
       GROUP BY key ORDER BY ${by === 'day' ? 'key' : 'totalUsd DESC, key'}`,
    )
    .all(since);
}

/** What one run spent so far, in total and by provider label and id (a resume's budget starts from it). */
export function runSpend(db: Db, runId: string): { spentUsd: number; spentBy: Record<string, number> } {
  const rows = db
    .prepare<[string], { label: string; id: string; generation: number; grading: number }>(
      `SELECT r.provider_label AS label, r.provider_id AS id, ifnull(sum(${GENERATION_SQL}), 0) AS generation,
         ifnull(sum(${GRADING_SQL}), 0) AS grading
       FROM results r WHERE r.run_id = ? GROUP BY r.provider_label, r.provider_id`,
    )
    .all(runId);
  const spentBy: Record<string, number> = {};
  let spentUsd = 0;
  for (const row of rows) {
    spentUsd += row.generation + row.grading;
    spentBy[row.label] = (spentBy[row.label] ?? 0) + row.generation;
    if (row.id !== row.label) spentBy[row.id] = (spentBy[row.id] ?? 0) + row.generation;
  }
  return { spentUsd, spentBy };
}
