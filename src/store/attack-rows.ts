/**
 * Read side for security attack cells (results with an `attack` record). SQLite groups and counts them, so only
 * small rows leave the database; the hit log reads the transcripts of at most `limit` successful attacks.
 * Verdicts: `fail` is a successful attack (a hit), `pass` a resisted one, `error` no verdict, `skipped` not run.
 */
import { SEVERITIES, type AssertionResult, type AttackRecord, type Severity } from '../types.js';
import type { Db } from './db.js';
import { GRADING_COST_SQL } from './results.js';

/** `low` 0 … `critical` 3 in SQL, from the one list of severities; an unknown word ranks lowest. */
const SEVERITY_RANK_SQL = `CASE json_extract(attack, '$.severity') ${SEVERITIES.map((s, i) => `WHEN '${s}' THEN ${i}`).join(' ')} ELSE 0 END`;

/** Counts of one set of attack cells. */
export interface AttackCounts {
  cells: number;
  /** Successful attacks (status `fail`). */
  hits: number;
  /** Resisted attacks (status `pass`). */
  resisted: number;
  errors: number;
  skipped: number;
}

/** A run's attack cells as a whole: counts, spend and the target they attacked. */
export interface AttackTotalsRow extends AttackCounts {
  providerId: string;
  providerLabel: string;
  /** USD of the target calls. */
  cost: number;
  /** USD of the detectors' judge and embedding calls. */
  gradingCost: number;
  inputTokens: number;
  outputTokens: number;
  /** Attack cells whose every call was answered from the cache. */
  cachedCells: number;
}

/** One family × strategy, in the order its first cell finished. */
export interface AttackGroupRow extends AttackCounts {
  family: string;
  strategy: string;
  /** Highest severity rank among its cells (see `severityRank`). */
  severityRank: number;
  /** Highest `maxSuccessRate` among its cells. */
  maxSuccessRate: number;
  /** Distinct OWASP ids of its cells, sorted. */
  owasp: string[];
}

/** Verdict counts of one family × strategy at one severity: what the security gate folds at its threshold. */
export interface AttackSeverityRow {
  family: string;
  strategy: string;
  severity: Severity;
  /** Cells with a verdict (hits + resisted). */
  n: number;
  hits: number;
  /** Cells that ended in an error: no verdict, outcome unknown. */
  errors: number;
  maxSuccessRate: number;
}

/** A successful attack with what the hit log shows. */
export interface AttackHitRow {
  cellId: string;
  testId: string;
  attack: AttackRecord;
  assertions: AssertionResult[];
}

const COUNTS = `count(*) AS cells, ifnull(sum(status = 'fail'), 0) AS hits, ifnull(sum(status = 'pass'), 0) AS resisted,
  ifnull(sum(status = 'error'), 0) AS errors, ifnull(sum(status = 'skipped'), 0) AS skipped`;

/** True when the run has at least one attack cell. */
export function hasAttacks(db: Db, runId: string): boolean {
  return db.prepare<[string], { one: number }>('SELECT 1 AS one FROM results WHERE run_id = ? AND attack IS NOT NULL LIMIT 1').get(runId) !== undefined;
}

/** Totals of a run's attack cells; undefined when it has none. The target is the provider of its first attack cell. */
export function attackTotals(db: Db, runId: string): AttackTotalsRow | undefined {
  const row = db
    .prepare<[{ run: string }], AttackTotalsRow>(
      `SELECT ${COUNTS},
         (SELECT provider_id FROM results WHERE run_id = @run AND attack IS NOT NULL ORDER BY seq LIMIT 1) AS providerId,
         (SELECT provider_label FROM results WHERE run_id = @run AND attack IS NOT NULL ORDER BY seq LIMIT 1) AS providerLabel,
         ifnull(sum(cost), 0) AS cost, ifnull(sum(${GRADING_COST_SQL}), 0) AS gradingCost,
         ifnull(sum(json_extract(usage, '$.input')), 0) AS inputTokens,
         ifnull(sum(json_extract(usage, '$.output')), 0) AS outputTokens,
         ifnull(sum(cached), 0) AS cachedCells
       FROM results WHERE run_id = @run AND attack IS NOT NULL`,
    )
    .get({ run: runId });
  return row && row.cells > 0 ? row : undefined;
}

/** Per family × strategy counts, in first-seen (seq) order. */
export function attackGroupRows(db: Db, runId: string): AttackGroupRow[] {
  const groups = db
    .prepare<[string], Omit<AttackGroupRow, 'owasp'>>(
      `SELECT json_extract(attack, '$.family') AS family, json_extract(attack, '$.strategy') AS strategy, ${COUNTS},
         max(${SEVERITY_RANK_SQL}) AS severityRank,
         ifnull(max(json_extract(attack, '$.maxSuccessRate')), 0) AS maxSuccessRate
       FROM results WHERE run_id = ? AND attack IS NOT NULL
       GROUP BY family, strategy ORDER BY min(seq)`,
    )
    .all(runId);
  const tags = db
    .prepare<[string], { family: string; strategy: string; tag: string }>(
      // `tag`, not `id`: json_each has an `id` column of its own, which GROUP BY would pick.
      `SELECT json_extract(r.attack, '$.family') AS family, json_extract(r.attack, '$.strategy') AS strategy, o.value AS tag
       FROM results AS r, json_each(r.attack, '$.owasp') AS o
       WHERE r.run_id = ? AND r.attack IS NOT NULL
       GROUP BY family, strategy, tag ORDER BY tag`,
    )
    .all(runId);
  const owasp = new Map<string, string[]>();
  for (const t of tags) {
    const key = `${t.family}\0${t.strategy}`;
    owasp.set(key, [...(owasp.get(key) ?? []), t.tag]);
  }
  return groups.map((g) => ({ ...g, owasp: owasp.get(`${g.family}\0${g.strategy}`) ?? [] }));
}

/** Per family × strategy × severity verdict counts, in first-seen order of family, then of strategy. */
export function attackSeverityRows(db: Db, runId: string): AttackSeverityRow[] {
  return db
    .prepare<[string], AttackSeverityRow>(
      `SELECT json_extract(attack, '$.family') AS family, json_extract(attack, '$.strategy') AS strategy,
         json_extract(attack, '$.severity') AS severity,
         ifnull(sum(status IN ('pass', 'fail')), 0) AS n, ifnull(sum(status = 'fail'), 0) AS hits,
         ifnull(sum(status = 'error'), 0) AS errors,
         ifnull(max(json_extract(attack, '$.maxSuccessRate')), 0) AS maxSuccessRate
       FROM results WHERE run_id = ? AND attack IS NOT NULL
       GROUP BY family, strategy, severity
       ORDER BY min(min(seq)) OVER (PARTITION BY family), min(min(seq)) OVER (PARTITION BY family, strategy),
         max(${SEVERITY_RANK_SQL})`,
    )
    .all(runId);
}

/** Per OWASP id: cells with a verdict tagged with it, and the hits among them; sorted by id. */
export function attackOwaspRows(db: Db, runId: string): Array<{ id: string; n: number; hits: number }> {
  return db
    .prepare<[string], { id: string; n: number; hits: number }>(
      `SELECT o.value AS id, ifnull(sum(r.status IN ('pass', 'fail')), 0) AS n, ifnull(sum(r.status = 'fail'), 0) AS hits
       FROM results AS r, json_each(r.attack, '$.owasp') AS o
       WHERE r.run_id = ? AND r.attack IS NOT NULL
       GROUP BY o.value ORDER BY o.value`,
    )
    .all(runId);
}

/** The first `limit` successful attacks, most severe first, then in the order they finished. */
export function attackHitRows(db: Db, runId: string, limit: number): AttackHitRow[] {
  return db
    .prepare<[string, number], { cellId: string; testId: string; attack: string; assertions: string }>(
      `SELECT cell_id AS cellId, test_id AS testId, attack, assertions
       FROM results WHERE run_id = ? AND attack IS NOT NULL AND status = 'fail'
       ORDER BY ${SEVERITY_RANK_SQL} DESC, seq LIMIT ?`,
    )
    .all(runId, limit)
    .map((r) => ({
      cellId: r.cellId,
      testId: r.testId,
      attack: JSON.parse(r.attack) as AttackRecord,
      assertions: JSON.parse(r.assertions) as AssertionResult[],
    }));
}
