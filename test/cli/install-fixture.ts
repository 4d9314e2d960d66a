/**
 * What test/cli/install.test.ts needs to install llmlab the way a user without the package registry does: a git
 * repository of the checkout's current files (for `git+file://`), better-sqlite3's binary as a local prebuild,
 * npm in a clean environment, and fresh projects.
 *
 * The installs must not compile better-sqlite3: npm would build it twice for a git install (once in the clone it
 * prepares, once in the project) at 1–2 min each on 2 cores. prebuild-install takes a binary from
 * `$npm_config_better_sqlite3_local_prebuilds/<name of the release asset>` before downloading anything
 * (node_modules/prebuild-install/download.js), so the checkout's own compiled binary is handed to it there: no
 * server, and nothing is left in the user's npm cache (a downloaded prebuild would be cached under its URL).
 */
import { spawn } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** A finished child process: exit code and output. */
export interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `command args` in `cwd` with `env` to completion; never rejects on a non-zero exit (the test checks it). */
export function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<Ran> {
  const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Runs a command that must succeed (a step of the fixture, not what a test asserts); throws with its output. */
async function must(command: string, args: string[], cwd: string, env?: NodeJS.ProcessEnv): Promise<string> {
  const ran = await run(command, args, cwd, env);
  if (ran.code !== 0) throw new Error(`${command} ${args.join(' ')} exited ${ran.code}:\n${ran.stdout}${ran.stderr}`);
  return ran.stdout;
}

/** Git without the caller's repository, hooks or signing: only the temporary repositories are touched. */
function gitEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, GIT_AUTHOR_NAME: 'llmlab test', GIT_AUTHOR_EMAIL: 'test@llmlab.invalid' };
  for (const key of ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE', 'GIT_OBJECT_DIRECTORY']) delete env[key];
  return { ...env, GIT_COMMITTER_NAME: env.GIT_AUTHOR_NAME, GIT_COMMITTER_EMAIL: env.GIT_AUTHOR_EMAIL };
}

/**
 * Copies the files of `repo` that git would commit now (tracked and new, not ignored; deleted ones left out) into
 * `dir`/checkout, commits them there and makes the bare clone `dir`/llmlab.git. A git URL installs a commit, and
 * the checkout's uncommitted changes are what must be tested; its own .git is only read.
 */
export async function snapshotRepo(repo: string, dir: string): Promise<{ checkout: string; bare: string }> {
  const checkout = join(dir, 'checkout');
  const bare = join(dir, 'llmlab.git');
  const listed = await must('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], repo);
  for (const file of new Set(listed.split('\0').filter(Boolean))) {
    if (!existsSync(join(repo, file))) continue;
    mkdirSync(dirname(join(checkout, file)), { recursive: true });
    copyFileSync(join(repo, file), join(checkout, file));
    // copyFileSync keeps the content only: what git records as executable must stay executable.
    chmodSync(join(checkout, file), statSync(join(repo, file)).mode & 0o777);
  }
  const env = gitEnv();
  const git = (args: string[], cwd: string) => must('git', ['-c', 'core.hooksPath=/dev/null', '-c', 'commit.gpgsign=false', ...args], cwd, env);
  await git(['init', '-q'], checkout);
  await git(['add', '-A'], checkout);
  await git(['commit', '-q', '-m', 'llmlab as it is in the working tree'], checkout);
  await git(['clone', '-q', '--bare', checkout, bare], dir);
  return { checkout, bare };
}

/**
 * Makes `dir`/prebuilds hold better-sqlite3's compiled binary from `repo`'s node_modules, named and laid out as its
 * GitHub release asset (`better-sqlite3-v{version}-node-v{abi}-{platform}{libc}-{arch}.tar.gz` holding
 * `build/Release/better_sqlite3.node`, node_modules/prebuild-install/util.js). Returns the folder.
 */
export async function localPrebuilds(repo: string, dir: string): Promise<string> {
  const module = join(repo, 'node_modules', 'better-sqlite3');
  const binary = join(module, 'build', 'Release', 'better_sqlite3.node');
  if (!existsSync(binary)) throw new Error(`${binary} missing: run \`npm ci\` (it compiles better-sqlite3) first`);
  const { version } = JSON.parse(readFileSync(join(module, 'package.json'), 'utf8')) as { version: string };
  const staging = join(dir, 'prebuild');
  mkdirSync(join(staging, 'build', 'Release'), { recursive: true });
  copyFileSync(binary, join(staging, 'build', 'Release', 'better_sqlite3.node'));
  const prebuilds = join(dir, 'prebuilds');
  mkdirSync(prebuilds);
  // glibc Linux, macOS and Windows have no libc part in the name; musl adds "musl" (prebuild-install/rc.js).
  const libc = process.platform === 'linux' && !glibc() ? 'musl' : '';
  const name = `better-sqlite3-v${version}-node-v${process.versions.modules}-${process.platform}${libc}-${process.arch}.tar.gz`;
  await must('tar', ['-czf', join(prebuilds, name), '-C', staging, 'build'], dir);
  return prebuilds;
}

function glibc(): boolean {
  const report = process.report.getReport() as { header?: { glibcVersionRuntime?: string } };
  return report.header?.glibcVersionRuntime !== undefined;
}

/** npm settings a test's npm keeps from its parent: where the cache and the registry are, and their config files. */
const KEPT_NPM_CONFIG = /^npm_config_(cache|registry|userconfig|globalconfig|cafile|proxy|https_proxy|noproxy|strict_ssl)$/i;

/**
 * The environment of npm and `npx llmlab` in a test project: the caller's, minus what a parent npm (`npm test`)
 * exported — its npm_config_local_prefix would make the child install into the llmlab checkout — and minus
 * npm_config_build_from_source (CI sets it; it would make better-sqlite3 compile instead of taking the prebuild);
 * plus the local prebuilds and, as in test/cli/run-cli.ts, CI=true and no LLMLAB_DB.
 */
export function npmEnv(prebuilds: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(npm_|init_cwd$)/i.test(key) && !KEPT_NPM_CONFIG.test(key)) continue;
    if (key === 'LLMLAB_DB') continue;
    env[key] = value;
  }
  return { ...env, npm_config_better_sqlite3_local_prebuilds: prebuilds, CI: 'true' };
}

/** A fresh project in `dir`, with the package.json `npm init -y` would write. */
export function freshProject(dir: string): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ name: 'my-project', version: '1.0.0', private: true }, null, 2)}\n`);
  return dir;
}

/** npm flags of every install: the cache `npm ci` filled, and no registry round trips it does not need. */
export const INSTALL_FLAGS = ['--prefer-offline', '--no-audit', '--no-fund'];
