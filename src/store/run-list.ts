/**
 * The run list of `llmlab view`: stored runs newest first, a page at a time, optionally of one suite; and the suites
 * that have runs. Figures per run come from its kept summary (run-summaries.ts), not from here.
 */
import type { Db } from './db.js';
import { createRunStore, type RunRecord } from './runs.js';

/** A suite that has runs. */
export interface ListedSuite {
  suitePath: string;
  runs: number;
  latestAt: number;
}

export function createRunList(db: Db) {
  const runs = createRunStore(db);
  return {
    /** Runs newest first, `limit` from `offset`, of one suite when given; and how many there are in all. */
    page(options: { suitePath?: string; limit: number; offset: number }): { runs: RunRecord[]; total: number } {
      const where = options.suitePath === undefined ? '' : 'WHERE suite_path = @suitePath';
      const params = { suitePath: options.suitePath, limit: options.limit, offset: options.offset };
      const total = (db.prepare(`SELECT count(*) AS n FROM runs ${where}`).get(params) as { n: number }).n;
      const ids = db
        .prepare(`SELECT id FROM runs ${where} ORDER BY created_at DESC, id DESC LIMIT @limit OFFSET @offset`)
        .all(params) as Array<{ id: string }>;
      return { runs: ids.map((r) => runs.get(r.id)!).filter(Boolean), total };
    },
    /** Suites with runs, by path. */
    suites(): ListedSuite[] {
      return db
        .prepare('SELECT suite_path AS suitePath, count(*) AS runs, max(created_at) AS latestAt FROM runs GROUP BY suite_path ORDER BY suite_path')
        .all() as ListedSuite[];
    },
  };
}

export type RunList = ReturnType<typeof createRunList>;
