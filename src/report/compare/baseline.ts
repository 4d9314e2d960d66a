/**
 * `--baseline <ref>`: what a run is compared against for the maxRegression gate and the console diff. A ref is a
 * stored run (`latest`, `latest~N`, a run id), a JSON report file (its cells are paired by test identity, like a
 * stored run's), or `git:REF` (the latest stored run of the same suite made at that commit). Resolved before the
 * run starts, so a typo costs nothing and `latest` means the run before this one.
 */
import { existsSync, realpathSync } from 'node:fs';
import { relative, sep } from 'node:path';
import { LlmlabError } from '../../errors.js';
import { commitOf, git } from '../../git.js';
import type { RunRecord, Store } from '../../store/index.js';
import { resolveRunRef, type ResolvedRun } from './refs.js';
import { tryCompareRuns, type RunComparison } from './compare-runs.js';

/** A baseline ready to compare with: a stored run, or a report file's run loaded into the TEMP source. */
export interface ResolvedBaseline extends ResolvedRun {
  /** Same suite file even where paths differ (git: a base commit checked out elsewhere). */
  sameSuite: boolean;
}

/** The suite a baseline is for: its path, and the folder whose git repository `git:REF` is resolved in. */
export interface BaselineSuite {
  path: string;
  baseDir: string;
}

/** Resolves `ref` for `suite`; RUN_NOT_FOUND, FILE_NOT_FOUND or USAGE (exit 2) with a hint when it names nothing. */
export async function resolveBaseline(store: Store, ref: string, suite: BaselineSuite, cwd = process.cwd()): Promise<ResolvedBaseline> {
  if (ref.startsWith('git:')) return gitBaseline(store, ref, suite);
  try {
    // A lone shard or a subset is part of a run: `latest` skips it (a merged run counts); an explicit id still
    // names it. `latest` is the suite's own: another suite's newest run is no baseline.
    return { ...resolveRunRef(store, ref, { what: `--baseline ${ref}`, cwd, wholeRuns: true, suitePath: suite.path }), sameSuite: false };
  } catch (error) {
    if (!(error instanceof LlmlabError) || error.code !== 'RUN_NOT_FOUND') throw error;
    throw new LlmlabError('RUN_NOT_FOUND', `--baseline \`${ref}\` names no stored run, report file or git commit`, {
      hint: 'give a run id (see `llmlab runs`), `latest`, `latest~1`, a report file such as `reports/main.json`, or `git:main`',
    });
  }
}

/**
 * `--baseline` for every suite of one `llmlab eval`, by suite path. A run or report file is one suite's baseline,
 * so it takes one suite; `git:REF` is resolved per suite.
 */
export async function resolveBaselines(store: Store, ref: unknown, suites: BaselineSuite[], cwd = process.cwd()): Promise<Map<string, ResolvedBaseline>> {
  if (Array.isArray(ref) || typeof ref !== 'string' || ref === '') {
    throw new LlmlabError('USAGE', '--baseline takes one value: a run id, `latest~N`, a report file or `git:REF`');
  }
  if (!ref.startsWith('git:') && suites.length > 1) {
    throw new LlmlabError('USAGE', `--baseline ${ref} is one suite's run, but ${suites.length} suites were given`, {
      hint: 'name one suite, or use `--baseline git:REF` to compare each suite with its own run at that commit',
    });
  }
  const baselines = new Map<string, ResolvedBaseline>();
  for (const suite of suites) baselines.set(suite.path, await resolveBaseline(store, ref, suite, cwd));
  return baselines;
}

/** The comparison with the baseline (baseline = A, this run = B), or why there is none usable. */
export type BaselineComparison = { comparison: RunComparison; ref?: string } | { unavailable: string; ref?: string };

/**
 * The baseline input of the gates: the comparison of `run` (B) against the baseline (A), or why there is none
 * (the two share no cell: renamed tests, another suite).
 */
export function compareWithBaseline(store: Store, baseline: ResolvedBaseline, run: RunRecord): BaselineComparison {
  const comparison = tryCompareRuns(store, baseline.run, run, { source: baseline.source, sameSuite: baseline.sameSuite });
  if ('nothingInCommon' in comparison) return { unavailable: `baseline ${baseline.label} shares no tests with this run`, ref: baseline.ref };
  return { comparison, ref: baseline.ref };
}

async function gitBaseline(store: Store, ref: string, suite: BaselineSuite): Promise<ResolvedBaseline> {
  const rev = ref.slice('git:'.length);
  if (rev === '') throw new LlmlabError('USAGE', '--baseline git: needs a commit, e.g. `git:main` or `git:HEAD~1`');
  const sha = await commitOf(rev, suite.baseDir).catch(() => {
    throw new LlmlabError('USAGE', `--baseline ${ref}: git cannot resolve \`${rev}\` in ${suite.baseDir}`, {
      hint: 'name a commit, branch or tag of the suite\'s repository; in CI fetch it first (`git fetch origin main`)',
    });
  });
  const suiteInRepo = await repoRelativePath(suite);
  const run = findRunAtCommit(store, sha, suite.path, suiteInRepo);
  if (!run) {
    const shown = suiteInRepo ?? suite.path;
    throw new LlmlabError('RUN_NOT_FOUND', `no stored run of ${shown} at ${ref} (commit ${sha.slice(0, 12)}) in ${store.path}`, {
      hint:
        `run the base first, e.g. \`git worktree add /tmp/llmlab-base ${sha.slice(0, 12)} && ` +
        `(cd /tmp/llmlab-base && llmlab eval ${shown} --db ${store.path})\`, then run this again`,
    });
  }
  const label = `run ${run.id} at ${ref} (${sha.slice(0, 10)})`;
  return { ref, run, source: 'results', sameSuite: true, label };
}

/**
 * The newest run (completed first) at `sha` of the same suite: the same path, or the same path inside its
 * repository (a worktree or another clone holds the base commit elsewhere on disk).
 */
export function findRunAtCommit(store: Store, sha: string, suitePath: string, suiteInRepo: string | undefined): RunRecord | undefined {
  const tail = suiteInRepo === undefined ? undefined : `/${suiteInRepo.split(sep).join('/')}`;
  return store.runs
    .atCommit(sha)
    .find((r) => r.suitePath === suitePath || (tail !== undefined && r.suitePath.split(sep).join('/').endsWith(tail)));
}

/** The suite's path inside its git repository (`suites/q.yaml`), or undefined outside one. */
export async function repoRelativePath(suite: BaselineSuite): Promise<string | undefined> {
  const top = await git(['rev-parse', '--show-toplevel'], suite.baseDir).catch(() => undefined);
  if (!top) return undefined;
  const real = (p: string) => (existsSync(p) ? realpathSync(p) : p);
  return relative(real(top), real(suite.path));
}
