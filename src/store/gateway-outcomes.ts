/**
 * Experiment outcomes (user feedback and online-judge scores, 0..1) and their per-unit view for a report. The unit
 * of analysis is the experiment's unit (a user), not the request: a user's requests are not independent, so each
 * unit contributes one outcome, the mean over its requests. A request rated twice by one source counts its latest
 * rating (a user who changes a thumbs-down to a thumbs-up meant the latter).
 */
import type { Db } from './db.js';
import type { ArmUnits, OutcomeRow } from './gateway-types.js';

/** Options of `byArm`. */
export interface ByArmOptions {
  /**
   * Only outcomes from this source. Unset: both count, and a request with feedback and a judge score scores
   * the mean of the two — a report of one metric should name its source.
   */
  source?: OutcomeRow['source'];
}

interface UnitRow {
  arm: string;
  score: number;
  first_at: number;
}

interface ArmRow {
  arm: string;
  requests: number;
  assigned: number;
  cost: number;
}

/** The outcomes part of the gateway store. */
export function createGatewayOutcomes(db: Db) {
  const insert = db.prepare('INSERT INTO gateway_outcomes (request_id, source, score, at) VALUES (?, ?, ?, ?)');
  // A request without a unit (none should be in an experiment) is its own unit rather than pooled with others.
  const units = db.prepare<[{ experiment: string; source: string | null }], UnitRow>(
    `WITH counted AS (
       SELECT o.request_id, o.score, o.at,
         row_number() OVER (PARTITION BY o.request_id, o.source ORDER BY o.at DESC, o.rowid DESC) AS latest,
         min(o.at) OVER (PARTITION BY o.request_id) AS first_at
       FROM gateway_outcomes o JOIN gateway_requests r ON r.id = o.request_id
       WHERE r.experiment = @experiment AND r.arm IS NOT NULL AND (@source IS NULL OR o.source = @source)
     ),
     per_request AS (
       SELECT request_id, avg(score) AS score, min(first_at) AS first_at FROM counted WHERE latest = 1 GROUP BY request_id
     )
     SELECT r.arm AS arm, ifnull(r.unit, r.id) AS unit, avg(p.score) AS score, min(p.first_at) AS first_at
     FROM per_request p JOIN gateway_requests r ON r.id = p.request_id
     GROUP BY r.arm, ifnull(r.unit, r.id)
     ORDER BY first_at, unit`,
  );
  const arms = db.prepare<[string], ArmRow>(
    `SELECT arm, count(*) AS requests, count(DISTINCT ifnull(unit, id)) AS assigned, ifnull(sum(cost_usd), 0) AS cost
     FROM gateway_requests WHERE experiment = ? AND arm IS NOT NULL GROUP BY arm ORDER BY arm`,
  );
  return {
    add(row: OutcomeRow): void {
      insert.run(row.requestId, row.source, row.score, row.at);
    },
    /**
     * Per arm (by name; an arm without requests is absent): units assigned, requests, cost, and each unit's mean
     * outcome in the order units gave their first outcome. Reads written rows only: the caller flushes the log.
     */
    byArm(experiment: string, options: ByArmOptions = {}): ArmUnits[] {
      const result = arms.all(experiment).map(
        (a): ArmUnits => ({ arm: a.arm, assigned: a.assigned, outcomes: [], outcomeTimes: [], requests: a.requests, costUsd: a.cost }),
      );
      const byName = new Map(result.map((a) => [a.arm, a]));
      for (const u of units.all({ experiment, source: options.source ?? null })) {
        const arm = byName.get(u.arm)!;
        arm.outcomes.push(u.score);
        arm.outcomeTimes!.push(u.first_at);
      }
      return result;
    },
  };
}
