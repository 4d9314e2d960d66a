/** `--shard k/n`: parsing the flag, and the database file a shard writes to when `--db` does not say. */
import { basename, dirname, extname, join } from 'node:path';
import { MAX_SHARDS, type Shard } from '../engine/shard.js';
import { LlmlabError } from '../errors.js';
import { createContext, type CommandContext } from './context.js';
import type { CliIo } from './io.js';

/** Parses `--shard k/n` (1 ≤ k ≤ n ≤ 10,000); undefined when the flag is absent. USAGE (exit 2) otherwise. */
export function parseShard(value: unknown): Shard | undefined {
  if (value === undefined) return undefined;
  const bad = (why: string) =>
    new LlmlabError('USAGE', `--shard ${why}`, {
      hint: `give k/n with 1 ≤ k ≤ n ≤ ${MAX_SHARDS}, e.g. \`--shard 2/8\` for the second of eight shards`,
    });
  if (Array.isArray(value)) throw bad('takes one value');
  if (typeof value !== 'string' && typeof value !== 'number') throw bad('needs a value: k/n');
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(String(value));
  if (!match) throw bad(`must be k/n, got \`${String(value)}\``);
  const index = Number(match[1]);
  const count = Number(match[2]);
  if (count < 1 || count > MAX_SHARDS) throw bad(`splits into 1 to ${MAX_SHARDS} shards, got n = ${count} in \`${value}\``);
  if (index < 1 || index > count) throw bad(`must have 1 ≤ k ≤ n, got \`${value}\``);
  return { index, count };
}

/**
 * The database of shard k/n when `--db` is not given: the project's database with `.shard-k-of-n` before its
 * extension (`.llmlab/llmlab.shard-2-of-8.db`). Its own file, so shards run side by side on one machine never
 * share a run, and n is in the name because another n is another partition of the cells.
 */
export function shardDbPath(db: string, shard: Shard): string {
  const ext = extname(db);
  return join(dirname(db), `${basename(db, ext)}.shard-${shard.index}-of-${shard.count}${ext || '.db'}`);
}

/**
 * The command context of a shard: `--db` when given, else the shard's own file beside the project's database
 * (see {@link shardDbPath}). Without a shard, the usual context.
 */
export async function shardContext(flags: { db?: string }, shard: Shard | undefined, io: CliIo): Promise<CommandContext> {
  const ctx = await createContext(flags, io);
  if (!shard || (flags.db !== undefined && flags.db !== '')) return ctx;
  return createContext({ db: shardDbPath(ctx.project.db, shard) }, io);
}
