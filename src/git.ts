/**
 * Running git, for the commit a run was made at (engine), `--baseline git:REF` (report) and `llmlab ci`'s base
 * checkout (cli). Each caller decides what a missing git or a folder outside a repository means for it, so `git`
 * and `commitOf` reject and leave that to them; only `headSha`, which is optional everywhere, answers undefined.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** Bounds a hung git (a credential prompt, a stale lock); a `git fetch` of a branch fits well within it. */
const GIT_TIMEOUT_MS = 10_000;
/** `headSha` runs before every eval, where a slow git must not hold the run up for long. */
const HEAD_TIMEOUT_MS = 2_000;

/**
 * Runs git with `args` in `cwd` and resolves its trimmed stdout. Rejects with execFile's error when git is
 * missing, exits non-zero (not a repository, an unknown ref) or runs past `timeoutMs` (default 10 s).
 */
export async function git(args: readonly string[], cwd: string, timeoutMs = GIT_TIMEOUT_MS): Promise<string> {
  const { stdout } = await execFileAsync('git', args, { cwd, timeout: timeoutMs });
  return stdout.trim();
}

/**
 * The full sha of the commit `rev` names (a branch, tag, sha or `HEAD~1`) in `cwd`'s repository; rejects when it
 * names no commit there, or as {@link git} does.
 */
export function commitOf(rev: string, cwd: string): Promise<string> {
  return git(['rev-parse', '--verify', '--quiet', `${rev}^{commit}`], cwd);
}

/** The commit checked out in `cwd`'s repository; undefined outside one, without git, or when git is slow. */
export async function headSha(cwd: string): Promise<string | undefined> {
  const sha = await git(['rev-parse', 'HEAD'], cwd, HEAD_TIMEOUT_MS).catch(() => undefined);
  return sha || undefined;
}
