/**
 * Stored run summaries (`run_summaries`, migration 10): what `llmlab view` shows for a run, built once by
 * summarizeRun and kept with the fingerprint of the results it was built from. A run that changes afterwards
 * (a resume, a merge) has another fingerprint, so its stored summary is simply not used. The store holds JSON and
 * knows nothing of its shape: report/ builds it, view/ reads it.
 */
import type { Db } from './db.js';

/** What identifies a run's results at one moment: status, cell count and the last row written. */
export function runFingerprint(db: Db, runId: string): string {
  const row = db
    .prepare(
      `SELECT r.status AS status, r.finished_at AS finishedAt, r.total_cells AS total,
              (SELECT count(*) FROM results WHERE run_id = r.id) AS cells,
              (SELECT max(seq) FROM results WHERE run_id = r.id) AS last
       FROM runs r WHERE r.id = ?`,
    )
    .get(runId) as { status: string; finishedAt: number | null; total: number; cells: number; last: number | null } | undefined;
  if (!row) return 'missing';
  return `${row.status}:${row.finishedAt ?? ''}:${row.total}:${row.cells}:${row.last ?? ''}`;
}

export function createRunSummaryStore(db: Db) {
  const select = db.prepare('SELECT fingerprint, summary FROM run_summaries WHERE run_id = ?');
  const upsert = db.prepare(
    `INSERT INTO run_summaries (run_id, fingerprint, summary, created_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (run_id) DO UPDATE SET fingerprint = excluded.fingerprint, summary = excluded.summary, created_at = excluded.created_at`,
  );
  return {
    /** The stored summary JSON of `runId` when it was built from results with `fingerprint`; else undefined. */
    get(runId: string, fingerprint: string): string | undefined {
      const row = select.get(runId) as { fingerprint: string; summary: string } | undefined;
      return row && row.fingerprint === fingerprint ? row.summary : undefined;
    },
    put(runId: string, fingerprint: string, summaryJson: string): void {
      upsert.run(runId, fingerprint, summaryJson, Date.now());
    },
  };
}

export type RunSummaryStore = ReturnType<typeof createRunSummaryStore>;
