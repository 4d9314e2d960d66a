/**
 * The weak path, run only with `--unsafe-code-execution` on a machine without a working bubblewrap: prlimit,
 * `unshare -n` where permitted (else a Python prelude that disables sockets, which code can undo), setpriv to
 * `nobody` as root, a temp dir per program. It is known to be escapable: processes that call setsid() outlive
 * the cell, the code sees the files and processes of its uid, and all cells share one process count.
 */
import { execFile } from 'node:child_process';
import { chown, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LlmlabError } from '../../errors.js';
import type { SandboxLimits, SandboxResult } from './types.js';
import { prlimitArgs } from './bwrap-command.js';
import { runLimited } from './run-limited.js';

/** What the weak path found on this machine. */
export interface UnsafeSetup {
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
const NOBODY = ['--reuid=65534', '--regid=65534', '--clear-groups'];
const ENV_PATH = '/usr/local/bin:/usr/bin:/bin';

/** Runs `code` the weak way. */
export async function runUnsafe(setup: UnsafeSetup, code: string, limits: SandboxLimits): Promise<SandboxResult> {
  const dir = await mkdtemp(join(tmpdir(), 'llmlab-exec-'));
  try {
    // 0700 as mkdtemp made it; as root it is handed to nobody, who runs the program, instead of opened to all.
    if (setup.dropRoot.length) await chown(dir, 65534, 65534);
    const file = join(dir, 'program.py');
    await writeFile(file, setup.unshare ? code : NO_SOCKETS + code, { mode: 0o644 });
    const command = [
      ...(setup.unshare ? ['unshare', '-n'] : []),
      ...(setup.dropRoot.length ? ['setpriv', ...setup.dropRoot, '--'] : []),
      ...prlimitArgs('prlimit', limits),
      setup.python, '-I', file,
    ];
    const env = { PATH: ENV_PATH, HOME: dir, LANG: 'C.UTF-8' };
    const outcome = await runLimited({ command, cwd: dir, timeoutMs: limits.timeoutMs, env });
    return { ...outcome, networkIsolated: setup.unshare };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Finds python3, setpriv and `unshare -n` for the weak path. Throws CONFIG_INVALID without python3. */
export async function probeUnsafe(): Promise<UnsafeSetup> {
  const root = process.getuid?.() === 0;
  const dropRoot = root && (await works('setpriv', [...NOBODY, '--', 'true'])) ? NOBODY : [];
  // pyenv-style shims live under /root, which nobody cannot read: prefer an interpreter the sandbox user can run.
  const candidates = ['python3', '/usr/bin/python3', '/usr/local/bin/python3'];
  let python: string | undefined;
  for (const candidate of candidates) {
    const [command, ...args] = dropRoot.length ? ['setpriv', ...NOBODY, '--', candidate, '-c', 'pass'] : [candidate, '-c', 'pass'];
    if (await works(command!, args)) {
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

/** The run header's warning: one line, loud, naming what is missing. */
export function describeUnsafe(setup: UnsafeSetup, reason: string): string {
  const net = setup.unshare ? 'unshare -n' : 'a Python socket patch (no real network isolation)';
  return (
    `WARNING: --unsafe-code-execution: model-written code runs WITHOUT the bubblewrap sandbox (${reason}); only ` +
    `prlimit + ${net}${setup.dropRoot.length ? ' + setpriv nobody' : ''}: it can read your files and environment and outlive the run`
  );
}

function works(command: string, args: string[]): Promise<boolean> {
  return new Promise((resolve) => execFile(command, args, { timeout: 5000, env: { PATH: ENV_PATH } }, (error) => resolve(!error)));
}
