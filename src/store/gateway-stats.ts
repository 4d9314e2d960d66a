/**
 * What `llmlab gateway stats` shows, read from the request log: per virtual model and candidate, per key, per
 * experiment arm. Percentiles are computed here from the rows' latencies (SQLite has no percentile function); the
 * log of a busy week is a few hundred thousand numbers, sorted once per route.
 */
import { quantileSorted } from '../stats/descriptive.js';
import type { Db } from './db.js';
import { periodOf } from './gateway-spend.js';

/** One virtual model × candidate. Latency and overhead percentiles are over all its requests, in ms. */
export interface GatewayRouteStats {
  model: string;
  /** The candidate that answered or was tried last; empty when none was reached (refused before routing). */
  candidate: string;
  requests: number;
  /** Responses with an HTTP status of 400 or more. */
  errors: number;
  cacheHits: number;
  latencyP50: number;
  latencyP95: number;
  overheadP50: number;
  overheadP95: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}

/** One virtual key: requests in the window, spend in the UTC day and month containing `now`. */
export interface GatewayKeyStats {
  keyId: string;
  requests: number;
  todayUsd: number;
  monthUsd: number;
}

/** One experiment arm: requests in the window and the distinct units that made them. */
export interface GatewayArmStats {
  experiment: string;
  arm: string;
  requests: number;
  units: number;
}

/** The figures of `llmlab gateway stats`. */
export interface GatewayStats {
  routes: GatewayRouteStats[];
  keys: GatewayKeyStats[];
  arms: GatewayArmStats[];
}

/** Stats of the requests at or after `since`; key spend is of the day and month containing `now`. */
export function gatewayStats(db: Db, since: number, now: number): GatewayStats {
  return { routes: routeStats(db, since), keys: keyStats(db, since, now), arms: armStats(db, since) };
}

function routeStats(db: Db, since: number): GatewayRouteStats[] {
  const rows = db
    .prepare<[number], Omit<GatewayRouteStats, 'latencyP50' | 'latencyP95' | 'overheadP50' | 'overheadP95'>>(
      `SELECT model, ifnull(candidate, '') AS candidate, count(*) AS requests, sum(status >= 400) AS errors,
         sum(cached) AS cacheHits, ifnull(sum(input_tokens), 0) AS inputTokens, ifnull(sum(output_tokens), 0) AS outputTokens,
         ifnull(sum(cost_usd), 0) AS costUsd
       FROM gateway_requests WHERE at >= ? GROUP BY model, ifnull(candidate, '') ORDER BY model, candidate`,
    )
    .all(since);
  const timings = new Map<string, { latency: number[]; overhead: number[] }>();
  const timing = db.prepare<[number], { route: string; latency: number; overhead: number }>(
    `SELECT model || char(0) || ifnull(candidate, '') AS route, latency_ms AS latency, overhead_ms AS overhead
     FROM gateway_requests WHERE at >= ?`,
  );
  for (const t of timing.iterate(since)) {
    let lists = timings.get(t.route);
    if (!lists) timings.set(t.route, (lists = { latency: [], overhead: [] }));
    lists.latency.push(t.latency);
    lists.overhead.push(t.overhead);
  }
  return rows.map((row) => {
    const lists = timings.get(`${row.model}\0${row.candidate}`) ?? { latency: [], overhead: [] };
    const latency = Float64Array.from(lists.latency).sort();
    const overhead = Float64Array.from(lists.overhead).sort();
    return {
      ...row,
      latencyP50: quantileSorted(latency, 0.5),
      latencyP95: quantileSorted(latency, 0.95),
      overheadP50: quantileSorted(overhead, 0.5),
      overheadP95: quantileSorted(overhead, 0.95),
    };
  });
}

function keyStats(db: Db, since: number, now: number): GatewayKeyStats[] {
  const day = periodOf('day', now);
  const month = periodOf('month', now);
  return db
    .prepare<{ since: number; day: number; dayEnd: number; month: number; monthEnd: number }, GatewayKeyStats>(
      `SELECT key_id AS keyId, ifnull(sum(at >= @since), 0) AS requests,
         ifnull(sum(CASE WHEN at >= @day AND at < @dayEnd THEN cost_usd END), 0) AS todayUsd,
         ifnull(sum(CASE WHEN at >= @month AND at < @monthEnd THEN cost_usd END), 0) AS monthUsd
       FROM gateway_requests WHERE key_id IS NOT NULL AND at >= min(@since, @month)
       GROUP BY key_id ORDER BY monthUsd DESC, key_id`,
    )
    .all({ since, day: day.start, dayEnd: day.end, month: month.start, monthEnd: month.end });
}

function armStats(db: Db, since: number): GatewayArmStats[] {
  return db
    .prepare<[number], GatewayArmStats>(
      `SELECT experiment, arm, count(*) AS requests, count(DISTINCT ifnull(unit, id)) AS units
       FROM gateway_requests WHERE at >= ? AND experiment IS NOT NULL AND arm IS NOT NULL
       GROUP BY experiment, arm ORDER BY experiment, arm`,
    )
    .all(since);
}
