/**
 * Finds out, once per process, whether bubblewrap can sandbox model-written code here: the binary (or
 * `LLMLAB_BWRAP`), setpriv when running as root, prlimit, then a real `bwrap … true` with every namespace a cell
 * uses (containers often forbid user namespaces), then a python3 that starts inside that sandbox.
 */
import { execFile } from 'node:child_process';
import { constants } from 'node:fs';
import { access, lstat, readlink } from 'node:fs/promises';
import { delimiter, join, resolve } from 'node:path';
import { LlmlabError } from '../../errors.js';
import { bwrapCommand, isolationArgs, type BwrapSetup } from './bwrap-command.js';
import { runLimited } from './run-limited.js';

/** Bubblewrap is usable, or why not (for the refusal). */
export type BwrapProbe = { ok: true; setup: BwrapSetup } | { ok: false; reason: string };

const NOBODY = 65534;
const DROP_ROOT = ['--reuid=65534', '--regid=65534', '--clear-groups', '--'];
/** Directories the sandbox sees: a tool or interpreter elsewhere (a pyenv shim in ~) is invisible inside. */
const SANDBOX_BIN = ['/usr/bin', '/usr/sbin', '/usr/local/bin'];
const PYTHONS = ['/usr/bin/python3', '/usr/local/bin/python3'];
const VERSION = 'import sys; print(sys.version.split()[0])\n';
/** Limit for one probe command, ms; generous because a loaded CI machine starts namespaces slowly. */
const PROBE_TIMEOUT_MS = 15_000;

/** Probes bubblewrap. Throws CONFIG_INVALID when bubblewrap works but no python3 runs inside it. */
export async function probeBwrap(env: NodeJS.ProcessEnv = process.env): Promise<BwrapProbe> {
  // Absolute, since sandbox commands run from `/`.
  const override = env['LLMLAB_BWRAP'] && resolve(env['LLMLAB_BWRAP']);
  const bwrap = override ? ((await executable(override)) ? override : undefined) : await which('bwrap', pathDirs(env));
  if (bwrap === undefined) {
    return { ok: false, reason: override ? `LLMLAB_BWRAP=${override} is not an executable file` : 'bubblewrap (`bwrap`) is not installed' };
  }
  const root = process.getuid?.() === 0;
  let dropRoot: string[] = [];
  if (root) {
    const setpriv = await which('setpriv', pathDirs(env));
    if (setpriv === undefined) return { ok: false, reason: 'running as root needs setpriv (util-linux) to drop to uid 65534, since root is exempt from process limits' };
    dropRoot = [setpriv, ...DROP_ROOT];
  }
  const prlimit = await which('prlimit', SANDBOX_BIN);
  if (prlimit === undefined) return { ok: false, reason: 'prlimit (util-linux) is not installed under /usr' };

  const version = (await exec([bwrap, '--version'])).stdout.trim() || 'bubblewrap';
  const rootDirs = await hostRootDirs();
  // `--disable-userns` (bubblewrap ≥ 0.8) stops nested user namespaces; older versions reject the flag.
  let optional = ['--disable-userns'];
  const sandboxed = (command: string[]) => exec([...dropRoot, bwrap, ...isolationArgs({ optional, rootDirs }), '--', ...command]);
  let check = await sandboxed(['/usr/bin/true']);
  if (!check.ok && /disable-userns/.test(check.stderr)) {
    optional = [];
    check = await sandboxed(['/usr/bin/true']);
  }
  if (!check.ok) {
    const said = check.stderr.trim().split('\n').slice(-1)[0] ?? '';
    return { ok: false, reason: `bubblewrap cannot create its namespaces here (${said || 'no message'})` };
  }

  // Each candidate runs as a real cell would (tmpfs, program on fd 3, limits), so a cell's flags are tried too.
  const candidates = env['LLMLAB_PYTHON'] ? [env['LLMLAB_PYTHON']] : PYTHONS;
  const uid = root ? NOBODY : process.getuid!();
  for (const python of candidates) {
    const setup: BwrapSetup = { bwrap, version, dropRoot, optional, rootDirs, prlimit, python, pythonVersion: '', uid };
    const limits = { timeoutMs: PROBE_TIMEOUT_MS, memoryMb: 1024, maxProcesses: 16 };
    const run = await runLimited({ command: bwrapCommand(setup, limits), timeoutMs: PROBE_TIMEOUT_MS, env: { PATH: '/usr/bin:/bin' }, program: VERSION, infoFd: true });
    if (run.exitCode === 0) return { ok: true, setup: { ...setup, pythonVersion: run.stdout.trim() } };
    if (run.stderr.startsWith('bwrap:')) return { ok: false, reason: `bubblewrap cannot set up a cell here (${run.stderr.trim().split('\n')[0]})` };
  }
  throw new LlmlabError('CONFIG_INVALID', `code execution needs python3, and none of ${candidates.join(', ')} runs inside the sandbox`, {
    hint: 'install Python 3 system-wide (e.g. `apt-get install python3`): the sandbox sees /usr only, not interpreters under a home directory',
  });
}

/** /bin, /lib, /lib64, /sbin (and the multilib dirs) as the host has them: links into /usr, or real dirs. */
async function hostRootDirs(): Promise<BwrapSetup['rootDirs']> {
  const dirs: BwrapSetup['rootDirs'] = [];
  for (const path of ['/bin', '/sbin', '/lib', '/lib64', '/lib32', '/libx32']) {
    const stat = await lstat(path).catch(() => undefined);
    if (stat?.isSymbolicLink()) dirs.push({ path, link: await readlink(path) });
    else if (stat?.isDirectory()) dirs.push({ path });
  }
  return dirs;
}

function pathDirs(env: NodeJS.ProcessEnv): string[] {
  return [...(env['PATH'] ?? '').split(delimiter).filter(Boolean), '/usr/bin', '/bin', '/usr/sbin', '/sbin'];
}

async function which(name: string, dirs: string[]): Promise<string | undefined> {
  for (const dir of dirs) {
    if (await executable(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

function executable(file: string): Promise<boolean> {
  return access(file, constants.X_OK).then(
    () => true,
    () => false,
  );
}

function exec([command, ...args]: string[]): Promise<{ ok: boolean; stdout: string; stderr: string }> {
  return new Promise((resolve) =>
    execFile(command!, args, { timeout: PROBE_TIMEOUT_MS, cwd: '/', env: { PATH: '/usr/bin:/bin' } }, (error, stdout, stderr) =>
      resolve({ ok: !error, stdout: String(stdout), stderr: String(stderr || (error?.message ?? '')) }),
    ),
  );
}
