/**
 * `llmlab ci base`: make sure the store holds a run of every suite at the pull request's base commit. A run found
 * by git sha (restored by actions/cache, or left by a push build of the base branch) is reused; otherwise the
 * base commit is checked out in a temporary git worktree and the suite runs there against the same database, so
 * unchanged prompts and tests are answered from the response cache instead of being paid for twice.
 */
import { existsSync, mkdtempSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { LlmlabError } from '../errors.js';
import { commitOf, git } from '../git.js';
import { findRunAtCommit, repoRelativePath } from '../report/compare/baseline.js';
import type { RunRecord, Store } from '../store/index.js';
import type { LlmlabRunner } from './ci-process.js';

/** What happened to one suite's base run. */
export interface BaseRunOutcome {
  /** Absolute path of the suite in the head checkout. */
  suite: string;
  /** Its path inside the repository, e.g. `suites/quickstart.yaml`. */
  inRepo: string;
  /**
   * cached: a stored run was reused; ran: run now; missing: the suite is new at head; failed: the base run did not
   * finish; no-keys: not run, for want of the API keys its providers need.
   */
  status: 'cached' | 'ran' | 'missing' | 'failed' | 'no-keys';
  run?: RunRecord;
  /** Exit code of the base `llmlab eval`, when one ran. */
  exitCode?: number;
}

/**
 * The commit to compare with: `ref` fetched from `origin` (the pull request checkout has only its own commit),
 * or as the local repository knows it when there is no remote to ask.
 */
export async function resolveBaseSha(ref: string, cwd: string): Promise<string> {
  if (ref.trim() === '') throw new LlmlabError('USAGE', 'no base ref to compare with', { hint: 'pass --base-ref main (the action uses github.base_ref)' });
  if (/^[0-9a-f]{40}$/i.test(ref.trim())) {
    const known = await commitOf(ref.trim(), cwd).catch(() => undefined);
    if (known) return known;
  }
  const shallow = (await git(['rev-parse', '--is-shallow-repository'], cwd).catch(() => 'false')) === 'true';
  const fetched = await git(['fetch', '--no-tags', '--quiet', ...(shallow ? ['--depth=1'] : []), 'origin', ref], cwd).then(
    () => commitOf('FETCH_HEAD', cwd),
    () => undefined,
  );
  if (fetched) return fetched;
  return commitOf(ref, cwd).catch(() => {
    throw new LlmlabError('USAGE', `cannot resolve the base ref \`${ref}\` in ${cwd}`, {
      hint: 'fetch it (`git fetch origin main`) or check `base-ref`; in Actions it is github.base_ref',
    });
  });
}

/** Options of {@link ensureBaseRuns}. */
export interface EnsureBaseOptions {
  store: Store;
  /** The database both runs share (absolute). */
  db: string;
  sha: string;
  /** Absolute suite paths in the head checkout. */
  suites: string[];
  /** The head checkout's working directory (where llmlab.config.yaml is). */
  cwd: string;
  run: LlmlabRunner;
  /** Where the worktree goes; default RUNNER_TEMP or the OS temp folder. */
  tmpRoot?: string;
  log?: (line: string) => void;
  /** The keys a suite needs that this job lacks: a base run without them would only fail, so it is not started. */
  missingKeys?: (suite: string) => Promise<string[]>;
}

/** Reuses or makes a base run of every suite; a suite that cannot be run at base just has no baseline. */
export async function ensureBaseRuns(options: EnsureBaseOptions): Promise<BaseRunOutcome[]> {
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const top = await git(['rev-parse', '--show-toplevel'], options.cwd).catch(() => {
    throw new LlmlabError('USAGE', `${options.cwd} is not inside a git repository`, { hint: 'run llmlab ci in a checkout (actions/checkout)' });
  });
  let worktree: string | undefined;
  const outcomes: BaseRunOutcome[] = [];
  try {
    for (const suite of options.suites) {
      const inRepo = (await repoRelativePath({ path: suite, baseDir: dirname(suite) })) ?? relative(top, suite);
      const cached = completedRunAt(options, suite, inRepo);
      if (cached) {
        log(`base ${inRepo}: reusing run ${cached.id} at ${options.sha.slice(0, 12)}`);
        outcomes.push({ suite, inRepo, status: 'cached', run: cached });
        continue;
      }
      const lacking = (await options.missingKeys?.(suite)) ?? [];
      if (lacking.length > 0) {
        log(`base ${inRepo}: needs ${lacking.join(', ')}, which this job does not have: no base run`);
        outcomes.push({ suite, inRepo, status: 'no-keys' });
        continue;
      }
      worktree ??= await addWorktree(top, options);
      const baseCwd = join(worktree, relative(realpathSync(top), realpathSync(options.cwd)));
      if (!existsSync(join(worktree, inRepo))) {
        log(`base ${inRepo}: not in the base commit (a new suite): no baseline`);
        outcomes.push({ suite, inRepo, status: 'missing' });
        continue;
      }
      log(`base ${inRepo}: running it at ${options.sha.slice(0, 12)}`);
      const exitCode = await options.run(['eval', relative(baseCwd, join(worktree, inRepo)), '--db', options.db], { cwd: baseCwd });
      const run = completedRunAt(options, suite, inRepo);
      if (run && (exitCode === 0 || exitCode === 1)) outcomes.push({ suite, inRepo, status: 'ran', run, exitCode });
      else {
        log(`base ${inRepo}: the base run did not complete (exit ${exitCode}): no baseline`);
        outcomes.push({ suite, inRepo, status: 'failed', exitCode });
      }
    }
  } finally {
    if (worktree) await removeWorktree(top, worktree);
  }
  return outcomes;
}

function completedRunAt(options: EnsureBaseOptions, suite: string, inRepo: string): RunRecord | undefined {
  const run = findRunAtCommit(options.store, options.sha, suite, inRepo);
  return run?.status === 'completed' ? run : undefined;
}

async function addWorktree(top: string, options: EnsureBaseOptions): Promise<string> {
  const dir = mkdtempSync(join(options.tmpRoot ?? process.env.RUNNER_TEMP ?? tmpdir(), 'llmlab-base-'));
  await git(['worktree', 'add', '--detach', '--force', dir, options.sha], top).catch((error: unknown) => {
    rmSync(dir, { recursive: true, force: true });
    throw new LlmlabError('USAGE', `cannot check out the base commit ${options.sha.slice(0, 12)} in a worktree`, {
      hint: 'fetch it first (`git fetch origin <base>`); the action does this from base-ref',
      cause: error,
    });
  });
  // User metrics and `file:` providers may import packages: let the base checkout use the head's.
  const modules = join(options.cwd, 'node_modules');
  const baseCwd = join(dir, relative(realpathSync(top), realpathSync(options.cwd)));
  if (existsSync(modules) && existsSync(baseCwd) && !existsSync(join(baseCwd, 'node_modules'))) {
    symlinkSync(modules, join(baseCwd, 'node_modules'), 'dir');
  }
  return dir;
}

async function removeWorktree(top: string, dir: string): Promise<void> {
  await git(['worktree', 'remove', '--force', dir], top).catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
  await git(['worktree', 'prune'], top).catch(() => undefined);
}
