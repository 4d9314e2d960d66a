/** A run's neighbours in its suite's history: what the run page links to ("compare with the previous run"). */
import type { Db } from './db.js';
import type { RunRecord } from './runs.js';

/** The id of the newest run of the same suite made before `run` (runs list newest first by time, then id). */
export function previousRunId(db: Db, run: RunRecord): string | undefined {
  return db
    .prepare<[string, number, number, string], string>(
      `SELECT id FROM runs WHERE suite_path = ? AND (created_at < ? OR (created_at = ? AND id < ?))
       ORDER BY created_at DESC, id DESC LIMIT 1`,
    )
    .pluck()
    .get(run.suitePath, run.createdAt, run.createdAt, run.id);
}
