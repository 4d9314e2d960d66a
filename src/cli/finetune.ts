/**
 * `llmlab finetune list|cancel`: the fine-tune jobs the database knows. A job keeps running at its provider when
 * llmlab stops (Ctrl-C, a killed CI step); `cancel` stops it there. `cancel` takes a job id (`ftjob-…`), a tuned
 * model's label or a recipe id (its newest unfinished attempt). The OpenAI client is the one a suite's base would
 * make: with `--suite`, that suite's base provider config; else the environment's (OPENAI_API_KEY, OPENAI_BASE_URL).
 */
import { relative, resolve } from 'node:path';
import type { ResolvedProvider } from '../config/types.js';
import { LlmlabError } from '../errors.js';
import { cancelJob } from '../finetune/backends.js';
import { isFinalJobStatus, type FinetuneJobRecord, type Store } from '../store/index.js';
import { createContext, type CommandContext } from './context.js';
import type { CliIo } from './io.js';

export interface FinetuneFlags {
  db?: string;
  suite?: string;
}

export async function finetuneCommand(action: string, id: string | undefined, flags: FinetuneFlags, io: CliIo): Promise<number> {
  if (action !== 'list' && action !== 'cancel') {
    throw new LlmlabError('USAGE', `unknown finetune action \`${action}\``, { hint: 'use `llmlab finetune list` or `llmlab finetune cancel <job id | recipe id>`' });
  }
  const ctx = await createContext(flags, io);
  const store = ctx.store();
  if (action === 'list') return list(store, io);
  if (!id) throw new LlmlabError('USAGE', 'finetune cancel needs a job id or recipe id', { hint: 'see the ids with `llmlab finetune list`' });
  const record = findJob(store, id);
  if (isFinalJobStatus(record.status)) {
    io.stdout.write(`${record.jobId ?? record.label} already ${record.status}; nothing to cancel\n`);
    return 0;
  }
  const base = flags.suite ? await recipeBase(flags.suite, record, ctx, io) : environmentBase(ctx);
  const after = await cancelJob(record, { jobs: store.finetunes, env: ctx.env, base });
  io.stdout.write(`${record.jobId ?? record.label} (${record.label}): ${after.status}\n`);
  return 0;
}

/** The base provider of the record's recipe in `suitePath`: its key, base URL and headers reach the job. */
async function recipeBase(suitePath: string, record: FinetuneJobRecord, ctx: CommandContext, io: CliIo): Promise<ResolvedProvider> {
  const { loadSuite } = await import('../config/load-suite.js');
  const suite = await loadSuite(resolve(io.cwd, suitePath), ctx.project);
  const found = suite.finetunes?.find((r) => r.id === record.recipeId);
  if (!found) {
    throw new LlmlabError('USAGE', `suite ${relative(io.cwd, suite.path)} has no fine-tune \`${record.recipeId}\``, { hint: 'name the suite that declares the recipe, or leave out --suite' });
  }
  return suite.providers.find((p) => p.label === found.base)!;
}

/** OpenAI as the environment sets it up (OPENAI_API_KEY, OPENAI_BASE_URL): enough to cancel a job without its suite. */
function environmentBase(ctx: CommandContext): ResolvedProvider {
  return { id: 'openai', type: 'openai', model: '', label: 'openai', config: {}, limits: { timeoutMs: ctx.project.timeoutMs, maxRetries: ctx.project.maxRetries } };
}

function findJob(store: Store, id: string): FinetuneJobRecord {
  const byJob = store.finetunes.byJobId(id);
  if (byJob) return byJob;
  const all = store.finetunes.list();
  const attempts = all.filter((r) => r.label === id || r.recipeId === id);
  const open = attempts.find((r) => !isFinalJobStatus(r.status)) ?? attempts[0];
  if (open) return open;
  throw new LlmlabError('USAGE', `no fine-tune job \`${id}\` in ${store.path}`, {
    hint: all.length === 0 ? 'no job was started from this database (see --db)' : 'see the ids with `llmlab finetune list`',
  });
}

function list(store: Store, io: CliIo): number {
  const jobs = store.finetunes.list();
  if (jobs.length === 0) {
    io.stdout.write(`no fine-tune jobs in ${store.path}\n`);
    return 0;
  }
  const rows = jobs.map((r) => [
    r.jobId ?? '-',
    r.label,
    r.status,
    r.model ?? r.artifact ?? '-',
    r.trainedTokens === undefined ? '-' : r.trainedTokens.toLocaleString('en-US'),
    new Date(r.updatedAt).toISOString().replace('T', ' ').slice(0, 19),
  ]);
  const header = ['job', 'model label', 'status', 'trained model', 'tokens', 'updated (UTC)'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  for (const row of [header, ...rows]) io.stdout.write(`${row.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()}\n`);
  for (const r of jobs.filter((j) => j.status === 'failed' && j.error).slice(0, 5)) io.stdout.write(`  ${r.jobId ?? r.label} failed: ${r.error}\n`);
  return 0;
}
