/** `llmlab cost`: what stored runs spent, by suite, provider or day, computed by SQLite from the results. */
import { relative } from 'node:path';
import { LlmlabError } from '../errors.js';
import { usd } from '../report/console/table.js';
import { spendBy, type SpendGrouping, type SpendRow } from '../store/spend.js';
import { createContext } from './context.js';
import type { CliIo } from './io.js';
import { textTable } from './text-table.js';

const GROUPINGS: readonly SpendGrouping[] = ['suite', 'provider', 'day'];
const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 };

export async function costCommand(flags: { since?: string; by?: string; json?: boolean; db?: string }, io: CliIo): Promise<number> {
  const by = (flags.by ?? 'suite') as SpendGrouping;
  if (!GROUPINGS.includes(by)) {
    throw new LlmlabError('USAGE', `--by must be one of ${GROUPINGS.join(', ')}, got \`${String(flags.by)}\``);
  }
  const since = parseSince(flags.since, Date.now());
  const ctx = await createContext(flags, io);
  const rows = spendBy(ctx.store().db, by, since);
  if (flags.json) {
    io.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    return 0;
  }
  io.stdout.write(`${formatSpend(rows, by, flags.since, io.cwd)}\n`);
  return 0;
}

/** `7d`, `24h`, `30m`, `2w` before `now`, or a date/time; undefined means every run. Milliseconds since the epoch. */
export function parseSince(value: string | undefined, now: number): number {
  if (value === undefined) return 0;
  const relativeTime = /^(\d+(?:\.\d+)?)([mhdw])$/.exec(value.trim());
  if (relativeTime) return now - Number(relativeTime[1]) * UNIT_MS[relativeTime[2]!]!;
  const date = Date.parse(value);
  if (Number.isNaN(date)) {
    throw new LlmlabError('USAGE', `--since takes a duration (7d, 24h, 30m, 2w) or a date, got \`${value}\``, {
      hint: 'e.g. `llmlab cost --since 7d`',
    });
  }
  return date;
}

/** The spend table: one row per group, then the total. */
export function formatSpend(rows: SpendRow[], by: SpendGrouping, since?: string, cwd = process.cwd()): string {
  const scope = since === undefined ? 'all stored runs' : `runs since ${since}`;
  if (rows.length === 0) return `no results in ${scope}`;
  const header = [by, 'runs', 'cells', 'calls', 'tokens in', 'tokens out', 'generation', 'grading', 'spent'];
  const line = (key: string, r: Omit<SpendRow, 'key'>) => [
    key,
    String(r.runs),
    String(r.cells),
    String(r.calls),
    String(r.inputTokens),
    String(r.outputTokens),
    usd(r.generationUsd),
    usd(r.gradingUsd),
    usd(r.totalUsd),
  ];
  const body = rows.map((r) => line(by === 'suite' ? shortPath(r.key, cwd) : r.key, r));
  const sum = (pick: (r: SpendRow) => number) => rows.reduce((n, r) => n + pick(r), 0);
  const total = line('total', {
    // A run spans several providers and days: its count is only meaningful per suite.
    runs: by === 'suite' ? sum((r) => r.runs) : NaN,
    cells: sum((r) => r.cells),
    calls: sum((r) => r.calls),
    inputTokens: sum((r) => r.inputTokens),
    outputTokens: sum((r) => r.outputTokens),
    generationUsd: sum((r) => r.generationUsd),
    gradingUsd: sum((r) => r.gradingUsd),
    totalUsd: sum((r) => r.totalUsd),
  }).map((c) => (c === 'NaN' ? '' : c));
  return [`spend of ${scope}, by ${by} (cached answers cost nothing new)`, ...textTable(header, [...body, ...(rows.length > 1 ? [total] : [])])].join('\n');
}

function shortPath(path: string, cwd: string): string {
  const rel = relative(cwd, path);
  return rel.startsWith('..') ? path : rel;
}
