/** `llmlab runs`: stored runs, newest first. */
import { relative } from 'node:path';
import { shardLabel } from '../report/model/partial-run.js';
import { createContext, positiveInt } from './context.js';
import type { CliIo } from './io.js';

export async function runsCommand(flags: { limit?: string | number; db?: string }, io: CliIo): Promise<number> {
  const ctx = await createContext(flags, io);
  const store = ctx.store();
  const runs = store.runs.list(positiveInt(flags.limit, '--limit') ?? 20);
  if (runs.length === 0) {
    io.stdout.write(`no runs in ${store.path} yet; start one with \`llmlab eval <suite>\`\n`);
    return 0;
  }
  const rows = runs.map((r) => [
    r.id,
    new Date(r.createdAt).toISOString().replace('T', ' ').slice(0, 19),
    r.shard ? `${r.status}, ${shardLabel(r.shard)}${r.shard.merged ? ' merged' : ''}` : r.options.subset ? `${r.status}, subset` : r.status,
    `${store.results.count(r.id)}/${r.totalCells}`,
    relative(io.cwd, r.suitePath) || r.suitePath,
  ]);
  const header = ['run', 'started (UTC)', 'status', 'cells', 'suite'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  for (const row of [header, ...rows]) {
    io.stdout.write(`${row.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()}\n`);
  }
  return 0;
}
