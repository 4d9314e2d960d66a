/** What every command needs: the project config, the environment, the store, and flag parsing. */
import { resolve } from 'node:path';
import { loadEnv } from '../config/env.js';
import { loadProjectConfig } from '../config/project-config.js';
import type { ProjectConfig } from '../config/types.js';
import { LlmlabError } from '../errors.js';
import { openStore, type Store } from '../store/index.js';
import type { CliIo } from './io.js';
import { onFinish } from './run-finish.js';

export interface CommandContext {
  project: ProjectConfig;
  env: Record<string, string | undefined>;
  /** The run's streams, environment and working directory, as main() got them. */
  io: CliIo;
  store(): Store;
}

/** Loads the project config (nearest llmlab.config.yaml) and `.env`; opens the store on first use. */
export async function createContext(flags: { db?: string }, io: CliIo): Promise<CommandContext> {
  const project = await loadProjectConfig({ cwd: io.cwd, db: flags.db, env: io.env });
  const env = loadEnv(project.root, io.env);
  let store: Store | undefined;
  onFinish(io, () => store?.close());
  return {
    project,
    env,
    io,
    store: () => (store ??= openStore(project.db, { busyTimeoutMs: busyTimeout(env.LLMLAB_BUSY_TIMEOUT_MS) })),
  };
}

/**
 * LLMLAB_BUSY_TIMEOUT_MS: how long a write waits for another process's lock on the database before the run stops
 * with a storage fault (exit 3). Default 5000.
 */
function busyTimeout(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const ms = Number(value);
  if (!Number.isInteger(ms) || ms < 0 || ms > 3_600_000) {
    throw new LlmlabError('USAGE', `LLMLAB_BUSY_TIMEOUT_MS must be a whole number of milliseconds from 0 to 3600000, got \`${value}\``);
  }
  return ms;
}

/** Suite paths from the command line, else the project's `suites` globs. */
export async function suitePaths(args: string[], project: ProjectConfig, cwd: string): Promise<string[]> {
  if (args.length > 0) return args.map((a) => resolve(cwd, a));
  const { default: fg } = await import('fast-glob');
  const found = (await fg(project.suites, { cwd: project.root, absolute: true })).sort();
  if (found.length === 0) {
    throw new LlmlabError('USAGE', 'no suite given and the `suites` globs match no file', {
      hint: 'pass a suite path, e.g. `llmlab eval suites/quickstart.yaml`, or fix `suites` in llmlab.config.yaml',
      where: project.file ? { file: project.file } : undefined,
    });
  }
  return found;
}

/**
 * Largest value of each count flag. Past these a run is a mistake, not a plan: 1e7 calls in flight would
 * exhaust sockets and memory before the first answer, and a suite's `repeat` has the same limit in its schema.
 */
export const FLAG_MAXIMA: Readonly<Record<string, number>> = { '--concurrency': 1024, '--repeat': 1000 };
/** For count flags without their own limit (e.g. `--limit`). */
const DEFAULT_MAXIMUM = 1_000_000;

/** Parses a flag that must be a whole number from 1 to its maximum ({@link FLAG_MAXIMA}). */
export function positiveInt(value: unknown, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  const max = FLAG_MAXIMA[flag] ?? DEFAULT_MAXIMUM;
  if (!Number.isInteger(n) || n < 1 || n > max) {
    throw new LlmlabError('USAGE', `${flag} must be a positive integer (at most ${max}), got \`${String(value)}\``);
  }
  return n;
}

/** A flag that cac gives as a string or, when repeated, an array. */
export function list(value: unknown): string[] {
  if (value === undefined || value === false) return [];
  return (Array.isArray(value) ? value : [value]).map(String);
}
