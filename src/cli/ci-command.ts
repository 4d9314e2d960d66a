/**
 * `llmlab ci <base | head | comment>`: the steps of the GitHub Action (action.yml), kept here rather than in YAML
 * so they are typed, tested and runnable on a laptop. In Actions they write step outputs (GITHUB_OUTPUT).
 *
 *   llmlab ci base [suites] --base-ref main     a stored run of each suite at the base commit (reused or run)
 *   llmlab ci head [suites] --base-sha <sha>    run the head against it; reports and pr.md in --out-dir
 *                                               (a suite whose API key GitHub withheld is skipped, and says so)
 *   llmlab ci comment --body-file pr.md         create or update the one sticky pull-request comment
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { LlmlabError } from '../errors.js';
import { writeTextAtomic } from '../report/writers/write-atomic.js';
import { artifactName, commentKey } from './ci-artifact.js';
import { ensureBaseRuns, resolveBaseSha } from './ci-base.js';
import { commentMarker, githubTargetFromEnv, upsertStickyComment } from './ci-github.js';
import { composeComment, missingKeysNotice, runHead, worstExitCode } from './ci-head.js';
import { missingKeys, secretsWithheld, type MissingKey } from './ci-keys.js';
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
  /** head: the artifact name the footer points to; default derived from the job (see ci-artifact.ts). */
  artifact?: string | number;
  /** head: `skip` (default) or `fail`, when GitHub withheld the keys the suites need (a fork's pull request). */
  onMissingKeys?: string | number;
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
    missingKeys: async (suite) => (await missingKeys(suite, ctx.project, ctx.env)).map((k) => k.name),
  });
  const ready = outcomes.filter((o) => o.run).length;
  io.stdout.write(`base ${sha.slice(0, 12)}: ${ready} of ${outcomes.length} suites have a base run\n`);
  setOutput('base-runs', outcomes.map((o) => o.run?.id ?? '').filter((id) => id !== '').join(' '), io.env);
  return 0;
}

async function ciHead(args: string[], flags: CiFlags, io: CliIo, runner: LlmlabRunner): Promise<number> {
  const cwd = io.cwd;
  // Before anything can fail: the upload step names the artifact with it whatever happens next.
  const artifact = artifactName(text(flags.artifact), io.env, cwd);
  setOutput('artifact-name', artifact, io.env);
  const onMissing = missingKeysMode(flags.onMissingKeys);
  const ctx = await createContext(flags, io);
  const suites = await suitesOf(args, cwd, ctx);
  const baseSha = text(flags.baseSha);
  const sha = baseSha === '' ? undefined : await resolveBaseSha(baseSha, cwd);
  const outDir = resolve(cwd, text(flags.outDir) || 'reports/llmlab');
  mkdirSync(outDir, { recursive: true });
  const withheld = secretsWithheld(io.env);
  const missing = new Map<string, MissingKey[]>();
  for (const suite of suites) {
    const keys = await missingKeys(suite, ctx.project, ctx.env);
    if (keys.length > 0) missing.set(suite, keys);
  }
  // Skipped only where no key could have been given; elsewhere a missing key is a setup mistake and fails.
  const skip = new Set(onMissing === 'skip' && withheld ? missing.keys() : []);
  const store = ctx.store();
  const outcomes = await runHead({ store, db: ctx.project.db, sha, suites, cwd, outDir, run: runner, formats: reportFormats(), missing, skip });
  const comment = composeComment(store, outcomes, {
    ...(sha ? { sha } : {}),
    ...(text(flags.baseRef) ? { baseRef: text(flags.baseRef) } : {}),
    // Outside Actions there is no artifact to point to, unless one was named.
    ...(text(flags.artifact) || io.env.GITHUB_ACTIONS === 'true' ? { artifact } : {}),
    ...(withheld ? { withheld } : {}),
    marker: commentMarker(commentKey(io.env, cwd)),
    generator: `llmlab ${version}`,
  });
  const commentFile = join(outDir, 'pr.md');
  writeTextAtomic(commentFile, comment);
  appendStepSummary(comment, io.env);
  const exitCode = worstExitCode(outcomes.map((o) => o.exitCode));
  const failed = outcomes.filter((o) => o.exitCode !== 0).map((o) => `${o.shown} (exit ${o.exitCode})`);
  const skipped = outcomes.filter((o) => o.skipped);
  const notice = missingKeysNotice(outcomes, withheld, false);
  if (notice) {
    io.stdout.write(`\n${notice}\n`);
    // An annotation on the run's page; a skip is neutral (notice), keys missing where they should not be, a warning.
    if (io.env.GITHUB_ACTIONS === 'true') io.stdout.write(`::${skipped.length > 0 ? 'notice' : 'warning'} title=llmlab::${notice.replace(/%/g, '%25')}\n`);
  }
  const passed = outcomes.length - failed.length - skipped.length;
  io.stdout.write(
    `\nllmlab ci: ${passed} of ${outcomes.length} suites passed their gates${failed.length ? `; not: ${failed.join(', ')}` : ''}` +
      `${skipped.length ? `; skipped: ${skipped.map((o) => o.shown).join(', ')}` : ''}\n`,
  );
  io.stdout.write(`comment: ${relative(cwd, commentFile)}\n`);
  setOutput('exit-code', exitCode, io.env);
  setOutput('gate', exitCode !== 0 ? 'failed' : skipped.length > 0 ? 'skipped' : 'passed', io.env);
  setOutput('missing-keys', [...new Set([...missing.values()].flat().map((k) => k.name))].join(' '), io.env);
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
  let result: Awaited<ReturnType<typeof upsertStickyComment>>;
  try {
    result = await upsertStickyComment(target, markdown);
  } catch (error) {
    // A fork's pull_request token is read-only: expected, not a failure; the job summary has the same text.
    if (!(error instanceof LlmlabError && / answered 403: /.test(error.message) && secretsWithheld(io.env) === 'fork')) throw error;
    io.stdout.write('no comment posted: a pull request from a fork gets a read-only token; the job summary has the same text\n');
    return 0;
  }
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

/** `--on-missing-keys`: what to do when GitHub withheld the suites' keys. */
function missingKeysMode(value: unknown): 'skip' | 'fail' {
  const mode = text(value) || 'skip';
  if (mode === 'skip' || mode === 'fail') return mode;
  throw new LlmlabError('USAGE', `--on-missing-keys must be skip or fail, got \`${mode}\``, {
    hint: 'skip (the default) passes a fork\'s pull request with a note; fail fails it (see docs/ci.md)',
  });
}

/** Suites from the arguments (paths or globs), else the project's `suites` globs. */
async function suitesOf(args: string[], cwd: string, ctx: Awaited<ReturnType<typeof createContext>>): Promise<string[]> {
  const given = await expandSuites(args, cwd);
  return given.length > 0 ? given : suitePaths([], ctx.project, cwd);
}
