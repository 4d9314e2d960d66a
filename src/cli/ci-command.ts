/**
 * `llmlab ci <base | head | comment>`: the steps of the GitHub Action (action.yml), kept here rather than in YAML
 * so they are typed, tested and runnable on a laptop. In Actions they write step outputs (GITHUB_OUTPUT).
 *
 *   llmlab ci base [suites] --base-ref main     a stored run of each suite at the base commit (reused or run)
 *   llmlab ci head [suites] --base-sha <sha>    run the head against it; reports and pr.md in --out-dir
 *   llmlab ci comment --body-file pr.md         create or update the one sticky pull-request comment
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { LlmlabError } from '../errors.js';
import { writeTextAtomic } from '../report/writers/write-atomic.js';
import { ensureBaseRuns, resolveBaseSha } from './ci-base.js';
import { githubTargetFromEnv, upsertStickyComment } from './ci-github.js';
import { composeComment, runHead, worstExitCode } from './ci-head.js';
import { appendStepSummary, expandSuites, setOutput, spawnLlmlab, type LlmlabRunner } from './ci-process.js';
import { createContext, suitePaths } from './context.js';
import { reportFormats } from './outputs.js';
import { version } from './version.js';
import { processIo, type CliIo } from './io.js';

export interface CiFlags {
  db?: string;
  /** base: the branch (or commit) the pull request merges into. */
  baseRef?: string | number;
  /** base and head: the base commit, when already known (skips resolving baseRef). */
  baseSha?: string | number;
  /** head: where reports and pr.md go; default reports/llmlab. */
  outDir?: string | number;
  /** head: the artifact name the footer points to. */
  artifact?: string | number;
  /** comment: the Markdown to post. */
  bodyFile?: string | number;
  pr?: string | number;
  repo?: string | number;
}

const ACTIONS = ['base', 'head', 'comment'] as const;

export async function ciCommand(action: string, args: string[], flags: CiFlags, io: CliIo = processIo(), runner: LlmlabRunner = spawnLlmlab): Promise<number> {
  switch (action) {
    case 'base':
      return ciBase(args, flags, io, runner);
    case 'head':
      return ciHead(args, flags, io, runner);
    case 'comment':
      return ciComment(flags, io);
    default:
      throw new LlmlabError('USAGE', `unknown ci step \`${action}\``, { hint: `use one of: ${ACTIONS.join(', ')} (see docs/ci.md)` });
  }
}

async function ciBase(args: string[], flags: CiFlags, io: CliIo, runner: LlmlabRunner): Promise<number> {
  const cwd = io.cwd;
  const ctx = await createContext(flags, io);
  const suites = await suitesOf(args, cwd, ctx);
  const ref = text(flags.baseRef);
  const baseSha = text(flags.baseSha);
  if (baseSha === '' && ref === '') {
    io.stdout.write('no base ref (not a pull request): the head runs without a baseline\n');
    setOutput('base-sha', '', io.env);
    return 0;
  }
  const sha = await resolveBaseSha(baseSha || ref, cwd);
  setOutput('base-sha', sha, io.env);
  const outcomes = await ensureBaseRuns({
    store: ctx.store(),
    db: ctx.project.db,
    sha,
    suites,
    cwd,
    run: runner,
    log: (line) => io.stdout.write(`${line}\n`),
    ...(io.env.RUNNER_TEMP ? { tmpRoot: io.env.RUNNER_TEMP } : {}),
  });
  const ready = outcomes.filter((o) => o.run).length;
  io.stdout.write(`base ${sha.slice(0, 12)}: ${ready} of ${outcomes.length} suites have a base run\n`);
  setOutput('base-runs', outcomes.map((o) => o.run?.id ?? '').filter((id) => id !== '').join(' '), io.env);
  return 0;
}

async function ciHead(args: string[], flags: CiFlags, io: CliIo, runner: LlmlabRunner): Promise<number> {
  const cwd = io.cwd;
  const ctx = await createContext(flags, io);
  const suites = await suitesOf(args, cwd, ctx);
  const baseSha = text(flags.baseSha);
  const sha = baseSha === '' ? undefined : await resolveBaseSha(baseSha, cwd);
  const outDir = resolve(cwd, text(flags.outDir) || 'reports/llmlab');
  mkdirSync(outDir, { recursive: true });
  const store = ctx.store();
  const outcomes = await runHead({ store, db: ctx.project.db, sha, suites, cwd, outDir, run: runner, formats: reportFormats() });
  const comment = composeComment(store, outcomes, {
    ...(sha ? { sha } : {}),
    ...(text(flags.baseRef) ? { baseRef: text(flags.baseRef) } : {}),
    ...(text(flags.artifact) ? { artifact: text(flags.artifact) } : {}),
    generator: `llmlab ${version}`,
  });
  const commentFile = join(outDir, 'pr.md');
  writeTextAtomic(commentFile, comment);
  appendStepSummary(comment, io.env);
  const exitCode = worstExitCode(outcomes.map((o) => o.exitCode));
  const failed = outcomes.filter((o) => o.exitCode !== 0).map((o) => `${o.shown} (exit ${o.exitCode})`);
  io.stdout.write(`\nllmlab ci: ${outcomes.length - failed.length} of ${outcomes.length} suites passed their gates${failed.length ? `; not: ${failed.join(', ')}` : ''}\n`);
  io.stdout.write(`comment: ${relative(cwd, commentFile)}\n`);
  setOutput('exit-code', exitCode, io.env);
  setOutput('gate', exitCode === 0 ? 'passed' : 'failed', io.env);
  setOutput('comment-file', commentFile, io.env);
  setOutput('report-dir', outDir, io.env);
  return exitCode;
}

async function ciComment(flags: CiFlags, io: CliIo): Promise<number> {
  const bodyFile = text(flags.bodyFile);
  if (bodyFile === '') throw new LlmlabError('USAGE', 'ci comment needs --body-file', { hint: 'e.g. --body-file reports/llmlab/pr.md (written by `llmlab ci head`)' });
  let markdown: string;
  try {
    markdown = readFileSync(resolve(io.cwd, bodyFile), 'utf8');
  } catch {
    throw new LlmlabError('FILE_NOT_FOUND', `cannot read --body-file ${bodyFile}`, { hint: 'run `llmlab ci head` first; it writes pr.md' });
  }
  const pr = text(flags.pr);
  const repo = text(flags.repo);
  const target = githubTargetFromEnv(io.env, { ...(pr === '' ? {} : { pr }), ...(repo === '' ? {} : { repo }) });
  if (!target) {
    io.stdout.write('not a pull request: no comment posted\n');
    return 0;
  }
  const result = await upsertStickyComment(target, markdown);
  io.stdout.write(`${result.action} comment ${result.id} on ${target.repository}#${target.issueNumber}${result.url ? `: ${result.url}` : ''}\n`);
  setOutput('comment-id', result.id, io.env);
  if (result.url) setOutput('comment-url', result.url, io.env);
  return 0;
}

/**
 * A string flag as given. cac reads numeric values as numbers, and an empty value (`--base-ref ""` from an
 * Actions expression that is empty outside pull requests) as 0.
 */
function text(value: unknown): string {
  if (value === undefined || value === null || value === false || value === 0) return '';
  return String(value).trim();
}

/** Suites from the arguments (paths or globs), else the project's `suites` globs. */
async function suitesOf(args: string[], cwd: string, ctx: Awaited<ReturnType<typeof createContext>>): Promise<string[]> {
  const given = await expandSuites(args, cwd);
  return given.length > 0 ? given : suitePaths([], ctx.project, cwd);
}
