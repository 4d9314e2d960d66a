/**
 * Runs untrusted Python (model-written code) in a subprocess with limits: a wall-clock time limit, an address-
 * space limit and a process-count limit (prlimit), no network (a fresh network namespace with `unshare -n`),
 * a throw-away temp dir as cwd, and a SIGKILL to the whole process group on timeout and after every run, so
 * forked children die with their parent. As root the code runs as `nobody` (setpriv): the kernel exempts root
 * from the process limit. Where `unshare -n` is not available (containers without CAP_SYS_ADMIN, macOS) the
 * fallback is weaker and says so: a Python prelude that disables sockets, which code could undo.
 */
import { execFile, spawn } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LlmlabError } from '../errors.js';

/** Limits of one sandboxed run. */
export interface SandboxLimits {
  timeoutMs: number;
  memoryMb: number;
  /** Processes the code may have at once (fork bombs stop here). */
  maxProcesses: number;
}

/** How a sandboxed run ended. */
export interface SandboxResult {
  /** Exit code, or null when killed. */
  exitCode: number | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
  /** False when the fallback ran (no network namespace): network was only disabled inside Python. */
  networkIsolated: boolean;
}

interface SandboxSetup {
  python: string;
  unshare: boolean;
  /** setpriv arguments that drop root to nobody, when running as root. */
  dropRoot: string[];
}

const NO_SOCKETS = `import socket as _s
def _blocked(*a, **k):
    raise OSError("network disabled by the llmlab sandbox")
_s.socket = _blocked; _s.create_connection = _blocked
del _s, _blocked
`;
const OUTPUT_LIMIT = 64 * 1024;
const NOBODY = ['--reuid=65534', '--regid=65534', '--clear-groups'];

let setup: Promise<SandboxSetup> | undefined;

/** Runs `code` with `python3 -I` under the limits. Throws CONFIG_INVALID when no usable python3 exists. */
export async function runPythonSandboxed(code: string, limits: SandboxLimits): Promise<SandboxResult> {
  const env = await (setup ??= probe());
  const dir = await mkdtemp(join(tmpdir(), 'llmlab-exec-'));
  try {
    await chmod(dir, 0o777);
    const file = join(dir, 'program.py');
    await writeFile(file, env.unshare ? code : NO_SOCKETS + code, { mode: 0o644 });
    const prlimit = [
      'prlimit',
      `--nproc=${limits.maxProcesses}`,
      `--as=${limits.memoryMb * 1024 * 1024}`,
      `--cpu=${Math.ceil(limits.timeoutMs / 1000) + 1}`,
      '--',
    ];
    const command = [...(env.unshare ? ['unshare', '-n'] : []), ...(env.dropRoot.length ? ['setpriv', ...env.dropRoot, '--'] : []), ...prlimit, env.python, '-I', file];
    return await run(command, dir, limits.timeoutMs, env.unshare);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function run(command: string[], cwd: string, timeoutMs: number, networkIsolated: boolean): Promise<SandboxResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command[0]!, command.slice(1), {
      cwd,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { PATH: '/usr/local/bin:/usr/bin:/bin', HOME: cwd, LANG: 'C.UTF-8' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout = (stdout + d.toString()).slice(0, OUTPUT_LIMIT)));
    child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(0, OUTPUT_LIMIT)));
    let timedOut = false;
    const killGroup = () => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // The group is already gone.
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    let exitCode: number | null = null;
    child.on('exit', (code) => {
      clearTimeout(timer);
      exitCode = code;
      // Children the program forked and left behind (sleepers of a fork bomb) go with it; they also hold the
      // output pipes open, so 'close' comes only after this.
      killGroup();
    });
    child.on('close', () => resolve({ exitCode: timedOut ? null : exitCode, timedOut, stdout, stderr, networkIsolated }));
  });
}

/** Finds what this machine supports, once per process. */
async function probe(): Promise<SandboxSetup> {
  const root = process.getuid?.() === 0;
  const dropRoot = root && (await works('setpriv', [...NOBODY, '--', 'true'])) ? NOBODY : [];
  // pyenv-style shims live under /root, which nobody cannot read: prefer an interpreter the sandbox user can run.
  const candidates = ['python3', '/usr/bin/python3', '/usr/local/bin/python3'];
  let python: string | undefined;
  for (const candidate of candidates) {
    if (await works(dropRoot.length ? 'setpriv' : candidate, dropRoot.length ? [...NOBODY, '--', candidate, '-c', 'pass'] : ['-c', 'pass'])) {
      python = candidate;
      break;
    }
  }
  if (python === undefined) {
    throw new LlmlabError('CONFIG_INVALID', 'code execution needs python3, and no usable python3 was found on PATH', {
      hint: 'install Python 3 (e.g. `apt-get install python3`) so HumanEval completions can be run against their tests',
    });
  }
  return { python, unshare: await works('unshare', ['-n', 'true']), dropRoot };
}

function works(command: string, args: string[]): Promise<boolean> {
  return new Promise((resolve) => execFile(command, args, { timeout: 5000 }, (error) => resolve(!error)));
}
