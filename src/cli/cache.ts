/** `llmlab cache stats|clear`. */
import { LlmlabError } from '../errors.js';
import { moveAside } from '../store/db-file.js';
import type { Store } from '../store/index.js';
import { createContext, type CommandContext } from './context.js';
import type { CliIo } from './io.js';

export async function cacheCommand(action: string, flags: { provider?: string; db?: string }, io: CliIo): Promise<number> {
  if (action !== 'stats' && action !== 'clear') {
    throw new LlmlabError('USAGE', `unknown cache action \`${action}\``, { hint: 'use `llmlab cache stats` or `llmlab cache clear`' });
  }
  const ctx = await createContext(flags, io);
  const store = action === 'clear' ? openOrMoveAside(ctx) : ctx.store();
  if (action === 'clear') {
    const removed = store.cache.clear(flags.provider);
    io.stdout.write(`removed ${removed} cached answers${flags.provider ? ` of ${flags.provider}` : ''}\n`);
    return 0;
  }
  const stats = store.cache.stats();
  const lines = [`cache ${store.path}`, `  entries: ${stats.entries}`, `  size: ${(stats.bytes / 1024).toFixed(1)} KiB of answers`];
  if (stats.oldest) lines.push(`  oldest: ${new Date(stats.oldest).toISOString()}`, `  newest: ${new Date(stats.newest!).toISOString()}`);
  for (const p of stats.byProvider) lines.push(`  ${p.providerId}: ${p.entries}`);
  io.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}

/**
 * `cache clear` on a file that is not an llmlab database (or is corrupt) cannot clear it: it moves the file aside,
 * never deletes it, and starts an empty database, as the hint of that error promises.
 */
function openOrMoveAside(ctx: CommandContext): Store {
  try {
    return ctx.store();
  } catch (error) {
    if (!(error instanceof LlmlabError) || error.code !== 'DATABASE_INVALID') throw error;
    const aside = moveAside(ctx.project.db);
    ctx.io.stderr.write(`${error.message}: moved ${ctx.project.db} aside to ${aside}; starting an empty database\n`);
    return ctx.store();
  }
}
