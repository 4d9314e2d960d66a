/** `llmlab cache stats|clear`. */
import { LlmlabError } from '../errors.js';
import { createContext } from './context.js';

export async function cacheCommand(action: string, flags: { provider?: string; db?: string }): Promise<number> {
  if (action !== 'stats' && action !== 'clear') {
    throw new LlmlabError('USAGE', `unknown cache action \`${action}\``, { hint: 'use `llmlab cache stats` or `llmlab cache clear`' });
  }
  const ctx = await createContext(flags);
  const store = ctx.store();
  if (action === 'clear') {
    const removed = store.cache.clear(flags.provider);
    process.stdout.write(`removed ${removed} cached answers${flags.provider ? ` of ${flags.provider}` : ''}\n`);
    return 0;
  }
  const stats = store.cache.stats();
  const lines = [`cache ${store.path}`, `  entries: ${stats.entries}`, `  size: ${(stats.bytes / 1024).toFixed(1)} KiB of answers`];
  if (stats.oldest) lines.push(`  oldest: ${new Date(stats.oldest).toISOString()}`, `  newest: ${new Date(stats.newest!).toISOString()}`);
  for (const p of stats.byProvider) lines.push(`  ${p.providerId}: ${p.entries}`);
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}
