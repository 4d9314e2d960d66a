/**
 * What a run's model calls really used, per provider: only cells answered by a call made in this run (not the
 * cache, not skipped, with usage reported), the same cells `llmlab cost` counts as calls. The report sets these
 * beside the estimate the run recorded at its start.
 */
import type { Db } from './db.js';

/** One provider's real usage over its calls. */
export interface CallUsage {
  providerLabel: string;
  calls: number;
  inputTokens: number;
  outputTokens: number;
  /** USD of the generation calls (grading is not part of the estimate either). */
  cost: number;
}

/** Per provider label, the usage of a run's model calls; providers with no call are absent. */
export function callUsageByProvider(db: Db, runId: string): CallUsage[] {
  return db
    .prepare<[string], CallUsage>(
      `SELECT provider_label AS providerLabel, count(*) AS calls,
         ifnull(sum(json_extract(usage, '$.input')), 0) AS inputTokens,
         ifnull(sum(json_extract(usage, '$.output')), 0) AS outputTokens,
         ifnull(sum(cost), 0) AS cost
       FROM results
       WHERE run_id = ? AND cached = 0 AND status != 'skipped' AND usage IS NOT NULL
       GROUP BY provider_label`,
    )
    .all(runId);
}
