/**
 * Runs untrusted Python (model-written code) in a sandbox per cell. The sandbox is bubblewrap (./sandbox/):
 * its own user, pid, network, ipc and uts namespaces, a private size-capped tmpfs as the only writable
 * directory, read-only /usr, a fresh /proc, an empty environment, a process limit per cell (not per uid) and
 * memory/CPU limits per process. The whole process tree dies at the wall-clock limit, with llmlab, or when the
 * program's main process exits. What the machine offers is probed lazily, once per process; without a working
 * bubblewrap, code runs only when the user asked for the weak path (`--unsafe-code-execution`), and the run
 * header says so. See docs/sandbox.md.
 */
import { LlmlabError } from '../errors.js';
import { bwrapCommand, describeBwrap } from './sandbox/bwrap-command.js';
import { probeBwrap, type BwrapProbe } from './sandbox/probe-bwrap.js';
import { runLimited } from './sandbox/run-limited.js';
import type { SandboxLimits, SandboxResult } from './sandbox/types.js';
import { describeUnsafe, probeUnsafe, runUnsafe } from './sandbox/unsafe.js';

export type { SandboxLimits, SandboxResult } from './sandbox/types.js';

/** The sandbox code runs in on this machine. */
export interface SandboxChoice {
  /** False for the weak `--unsafe-code-execution` path. */
  safe: boolean;
  /** One line for the run header, e.g. "bubblewrap 0.8.0: pid/net/user/ipc/uts namespaces, …". */
  description: string;
}

interface Sandbox extends SandboxChoice {
  run(code: string, limits: SandboxLimits): Promise<SandboxResult>;
}

let probed: Promise<BwrapProbe> | undefined;
let chosen: Promise<Sandbox> | undefined;

/**
 * Picks the sandbox for this process and describes it; the CLI calls it before any model call. Throws
 * SANDBOX_UNAVAILABLE (exit 2) when bubblewrap cannot run here and `allowUnsafe` is false, CONFIG_INVALID when
 * no python3 runs in the sandbox. With `allowUnsafe`, bubblewrap is still used wherever it works.
 */
export function prepareSandbox(options: { allowUnsafe?: boolean } = {}): Promise<SandboxChoice> {
  const sandbox = choose(options.allowUnsafe === true);
  chosen = sandbox;
  return sandbox.then(({ safe, description }) => ({ safe, description }));
}

/** Runs `code` with `python3 -I` under the limits, in the sandbox {@link prepareSandbox} chose (strict when unset). */
export async function runPythonSandboxed(code: string, limits: SandboxLimits): Promise<SandboxResult> {
  const sandbox = await (chosen ??= choose(false));
  return sandbox.run(code, limits);
}

async function choose(allowUnsafe: boolean): Promise<Sandbox> {
  const probe = await (probed ??= probeBwrap());
  if (probe.ok) {
    const { setup } = probe;
    return {
      safe: true,
      description: describeBwrap(setup),
      run: async (code, limits) => ({
        ...(await runLimited({
          command: bwrapCommand(setup, limits),
          timeoutMs: limits.timeoutMs,
          // Only what setpriv and bwrap need: the sandbox's init keeps this env, and the program can read it.
          env: { PATH: '/usr/bin:/bin' },
          program: code,
          infoFd: true,
        })),
        networkIsolated: true,
      }),
    };
  }
  if (!allowUnsafe) {
    throw new LlmlabError('SANDBOX_UNAVAILABLE', `refusing to run model-written code (code-exec) without the bubblewrap sandbox: ${probe.reason}`, {
      hint:
        'install bubblewrap (`apt-get install bubblewrap`) and, in a container, allow unprivileged user namespaces; ' +
        'or pass --unsafe-code-execution to run the code with weak isolation',
    });
  }
  const setup = await probeUnsafe();
  return { safe: false, description: describeUnsafe(setup, probe.reason), run: (code, limits) => runUnsafe(setup, code, limits) };
}
