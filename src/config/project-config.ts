/**
 * llmlab.config.yaml: project defaults, found by walking up from the current directory (like .git or
 * package.json), so `llmlab` behaves the same from any subfolder of a project.
 */
import { stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { LlmlabError } from '../errors.js';
import { isMetricType } from '../metrics/index.js';
import type { ConfigFile, ProjectConfig } from './types.js';
import { checkBuiltIn } from './check-value.js';
import { ProblemList } from './problems.js';
import { resolveGrader } from './resolve-graders.js';
import { readYamlFile } from './yaml-source.js';
import type { YamlSource } from './yaml-source.js';

/** File name of the project config. */
export const CONFIG_FILE = 'llmlab.config.yaml';

/** Defaults of every setting that llmlab.config.yaml may leave out. */
export const PROJECT_DEFAULTS = {
  suites: ['suites/**/*.yaml'],
  concurrency: 8,
  timeoutMs: 60_000,
  maxRetries: 4,
} as const;

const DB_IN_ROOT = join('.llmlab', 'llmlab.db');

export interface LoadProjectConfigOptions {
  cwd: string;
  /** The `--db` flag: wins over LLMLAB_DB and the config file. Relative to `cwd`. */
  db?: string;
  /** Where LLMLAB_DB is read; default `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
}

/** The nearest llmlab.config.yaml in `cwd` or one of its parents, or undefined. */
export async function findProjectConfig(cwd: string): Promise<string | undefined> {
  let dir = resolve(cwd);
  for (;;) {
    const candidate = join(dir, CONFIG_FILE);
    if (await isFile(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/**
 * Finds, validates and resolves the project config. The database is `--db`, else LLMLAB_DB (both relative to
 * `cwd`), else the file's `db` key (relative to the file), else `.llmlab/llmlab.db` beside the file, else in `cwd`.
 */
export async function loadProjectConfig(options: LoadProjectConfigOptions): Promise<ProjectConfig> {
  const cwd = resolve(options.cwd);
  const env = options.env ?? process.env;
  const file = await findProjectConfig(cwd);
  const root = file ? dirname(file) : cwd;
  const source = file ? await readConfigFile(file) : undefined;
  // readConfigFile validated it against config.schema.json.
  const raw = (source?.value ?? {}) as ConfigFile;
  const envDb = env.LLMLAB_DB?.trim();
  let db = join(root, DB_IN_ROOT);
  if (options.db !== undefined && options.db !== '') db = resolve(cwd, options.db);
  else if (envDb) db = resolve(cwd, envDb);
  else if (raw.db !== undefined) db = resolve(root, raw.db);
  const project: ProjectConfig = {
    root,
    ...(file ? { file } : {}),
    suites: raw.suites ?? [...PROJECT_DEFAULTS.suites],
    db,
    concurrency: raw.concurrency ?? PROJECT_DEFAULTS.concurrency,
    timeoutMs: raw.timeoutMs ?? PROJECT_DEFAULTS.timeoutMs,
    maxRetries: raw.maxRetries ?? PROJECT_DEFAULTS.maxRetries,
    ...(raw.outputDir === undefined ? {} : { outputDir: resolve(root, raw.outputDir) }),
    ...(raw.metrics === undefined ? {} : { metrics: resolveMetrics(raw.metrics, root) }),
    ...(raw.prices === undefined ? {} : { prices: raw.prices }),
    ...(raw.budget === undefined ? {} : { budget: raw.budget }),
  };
  return source ? { ...project, ...(await resolveProjectGraders(raw, source, project)) } : project;
}

/** The default `grader` and `embedder`, checked like any provider entry, problems located in the config file. */
async function resolveProjectGraders(
  raw: ConfigFile,
  source: YamlSource,
  project: ProjectConfig,
): Promise<Pick<ProjectConfig, 'grader' | 'embedder'>> {
  const context = { source, problems: new ProblemList(), project };
  const grader = await resolveGrader(raw.grader, ['grader'], context);
  const embedder = await resolveGrader(raw.embedder, ['embedder'], context);
  context.problems.throwIfAny();
  return { ...(grader ? { grader } : {}), ...(embedder ? { embedder } : {}) };
}

/** Module paths made absolute (they are written relative to the config file). */
function resolveMetrics(metrics: Record<string, string>, root: string): Record<string, string> {
  return Object.fromEntries(Object.entries(metrics).map(([name, path]) => [name, resolve(root, path)]));
}

async function readConfigFile(file: string): Promise<YamlSource> {
  const source = await readYamlFile(file, { what: 'project config' });
  // A config file holding only comments is a valid, empty config.
  const value = source.value ?? {};
  const problems = new ProblemList();
  const found = checkBuiltIn('config', value, { subject: CONFIG_FILE });
  problems.addProblems(found, 'CONFIG_INVALID', source.locate);
  problems.throwIfAny();
  await checkMetrics(value as ConfigFile, source, problems);
  problems.throwIfAny();
  return source;
}

/** A user metric may not shadow a built-in, and its module must exist: both reported at the entry. */
async function checkMetrics(raw: ConfigFile, source: YamlSource, problems: ProblemList): Promise<void> {
  const metrics = raw.metrics ?? {};
  for (const [name, path] of Object.entries(metrics)) {
    if (isMetricType(name)) {
      problems.add(
        new LlmlabError('CONFIG_INVALID', `user metric \`${name}\` has the name of a built-in metric`, {
          where: source.locate(['metrics', name], { key: true }),
          hint: `rename it, e.g. \`my-${name}\`; built-in metrics cannot be replaced`,
        }),
      );
    } else if (!(await isFile(resolve(dirname(source.file), path)))) {
      problems.add(
        new LlmlabError('FILE_NOT_FOUND', `module of user metric \`${name}\` not found: ${path}`, {
          where: source.locate(['metrics', name]),
          hint: 'paths under `metrics` are relative to llmlab.config.yaml',
        }),
      );
    }
  }
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}
