/**
 * A unit's arm in an experiment, from the request log: the arm of its first logged request. `split: bandit`
 * reads it so a unit keeps the arm it was first given while the allocation moves (fixed shares need no lookup:
 * the hash alone is sticky). Reads written rows only; the gateway remembers its recent assignments itself.
 */
import type { Db } from './db.js';

/** The unit-lookup part of the gateway store. */
export function createGatewayUnits(db: Db) {
  const first = db.prepare<[string, string], { arm: string }>(
    `SELECT arm FROM gateway_requests WHERE experiment = ? AND unit = ? AND arm IS NOT NULL ORDER BY at, rowid LIMIT 1`,
  );
  return {
    /** The arm `unit` (the logged digest) was first served from in `experiment`, if it was. */
    armOf(experiment: string, unit: string): string | undefined {
      return first.get(experiment, unit)?.arm;
    },
  };
}
