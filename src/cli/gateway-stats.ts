/** `llmlab gateway stats`: what the gateway served, from its request log, per route, per key and per experiment arm. */
import { usd } from '../report/console/table.js';
import { gatewayStats, type GatewayStats } from '../store/gateway-stats.js';
import { createContext } from './context.js';
import { parseSince } from './cost.js';
import type { CliIo } from './io.js';
import { textTable } from './text-table.js';

/** Flags of `llmlab gateway stats`. */
export interface GatewayStatsFlags {
  db?: string;
  /** `7d`, `24h`, … or a date, as `llmlab cost --since`. Default `24h`. */
  since?: string;
  json?: boolean;
  /** The time the stats are of (tests); default now. Key spend is of the UTC day and month containing it. */
  now?: number;
}

/** The window of `llmlab gateway stats` without `--since`: a day, what an operator checks first. */
const DEFAULT_SINCE = '24h';

/** Runs `llmlab gateway stats`: the tables (or `--json`) of the requests since `--since`; exit 0, also for an empty log. */
export async function gatewayStatsCommand(flags: GatewayStatsFlags, io: CliIo): Promise<number> {
  const now = flags.now ?? Date.now();
  const sinceText = flags.since ?? DEFAULT_SINCE;
  const since = parseSince(sinceText, now);
  const ctx = await createContext(flags, io);
  const stats = gatewayStats(ctx.store().db, since, now);
  if (flags.json) {
    io.stdout.write(`${JSON.stringify(stats, null, 2)}\n`);
    return 0;
  }
  io.stdout.write(`${formatGatewayStats(stats, sinceText).join('\n')}\n`);
  return 0;
}

/** The three tables, or one line saying there is nothing to show. */
export function formatGatewayStats(stats: GatewayStats, since: string): string[] {
  const scope = `since ${since}`;
  if (stats.routes.length === 0) return [`no gateway requests ${scope} (\`--since 30d\` looks further back)`];
  const routes = stats.routes.map((r) => [
    r.model,
    r.candidate || '-',
    String(r.requests),
    String(r.errors),
    String(r.cacheHits),
    ms(r.latencyP50),
    ms(r.latencyP95),
    ms(r.overheadP50),
    ms(r.overheadP95),
    String(r.inputTokens),
    String(r.outputTokens),
    usd(r.costUsd),
  ]);
  const out = [
    `gateway requests ${scope} (ms; overhead is the time the gateway added to the upstream call)`,
    ...textTable(['model', 'candidate', 'requests', 'errors', 'cached', 'p50', 'p95', 'overhead p50', 'overhead p95', 'tokens in', 'tokens out', 'cost'], routes, [0, 1]),
  ];
  if (stats.keys.length > 0) {
    out.push('', 'spend by key (UTC day and month)');
    out.push(...textTable(['key', 'requests', 'today', 'this month'], stats.keys.map((k) => [k.keyId, String(k.requests), usd(k.todayUsd), usd(k.monthUsd)])));
  }
  if (stats.arms.length > 0) {
    out.push('', 'experiment arms (`llmlab experiment report <name>` compares them)');
    out.push(...textTable(['experiment', 'arm', 'requests', 'units'], stats.arms.map((a) => [a.experiment, a.arm, String(a.requests), String(a.units)]), [0, 1]));
  }
  return out;
}

/** Milliseconds: whole above 10 (a model call), one decimal below (the gateway's own overhead). */
function ms(value: number): string {
  if (Number.isNaN(value)) return '-';
  return value >= 10 ? String(Math.round(value)) : value.toFixed(1);
}
