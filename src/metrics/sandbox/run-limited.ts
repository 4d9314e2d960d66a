/**
 * Spawns one sandbox command and collects its output under a wall-clock limit. The limit holds even when the
 * program leaves processes behind that keep the output pipes open: on timeout the run resolves at once, with
 * its streams destroyed, instead of waiting for an end-of-file that a hostile grandchild can withhold.
 */
import { spawn } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';

/** What one command run produced. */
export interface LimitedOutcome {
  /** Exit code, or null when killed (timeout or signal). */
  exitCode: number | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
}

export interface LimitedRun {
  command: string[];
  timeoutMs: number;
  env: Record<string, string>;
  /** Default `/`: the sandbox user (uid 65534 under root) may not be allowed to enter llmlab's cwd. */
  cwd?: string;
  /** Written to fd 3 and closed: bubblewrap's `--file 3 <path>` copies it into the sandbox. */
  program?: string;
  /** Read fd 4 as bubblewrap's `--info-fd`, which names the host pid of the sandbox's init. */
  infoFd?: boolean;
}

/** Kept of each stream: enough for a traceback, too little for a program to exhaust llmlab's memory. */
const OUTPUT_LIMIT = 64 * 1024;
/** How long output may trail the exit of the main process before the pipes are cut. */
const DRAIN_MS = 500;
/** How long the sandbox's init may take to die after SIGKILL before llmlab stops waiting for it. */
const KILL_WAIT_MS = 2000;

/** Runs `command` (absolute path first) in its own process group; never rejects after it has started. */
export function runLimited(run: LimitedRun): Promise<LimitedOutcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(run.command[0]!, run.command.slice(1), {
      cwd: run.cwd ?? '/',
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe', run.program === undefined ? 'ignore' : 'pipe', run.infoFd ? 'pipe' : 'ignore'],
      env: run.env,
    });
    const streams = child.stdio.filter((s): s is Readable | Writable => s !== null);
    // A program that dies before reading its input, or a pipe cut on timeout, is not an llmlab error.
    for (const stream of streams) stream.on('error', () => undefined);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => (stdout = (stdout + d.toString()).slice(0, OUTPUT_LIMIT)));
    child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(0, OUTPUT_LIMIT)));
    let initPid: number | undefined;
    if (run.infoFd) {
      let info = '';
      (child.stdio[4] as Readable).on('data', (d: Buffer) => {
        info += d.toString();
        initPid ??= Number(/"child-pid":\s*(\d+)/.exec(info)?.[1]) || undefined;
      });
    }
    if (run.program !== undefined) (child.stdio[3] as Writable).end(run.program);

    let timedOut = false;
    let exited = false;
    let exitCode: number | null = null;
    let settled = false;
    const timers: NodeJS.Timeout[] = [];
    const finish = () => {
      if (settled) return;
      settled = true;
      for (const timer of timers) clearTimeout(timer);
      for (const stream of streams) stream.destroy();
      resolve({ exitCode: timedOut ? null : exitCode, timedOut, stdout, stderr });
    };
    const kill = (pid: number | undefined) => {
      try {
        if (pid !== undefined) process.kill(pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    };
    const killGroup = () => kill(child.pid === undefined ? undefined : -child.pid);

    timers.push(
      setTimeout(() => {
        // Exited in time: only trailing output is awaited, and the drain timer bounds that.
        if (exited) return;
        timedOut = true;
        if (initPid !== undefined) {
          // The kernel kills every process of the sandbox's pid namespace before its init counts as exited, and
          // bubblewrap exits only after that: so the 'exit' below means nothing of the program is left.
          kill(initPid);
          timers.push(setTimeout(() => (killGroup(), finish()), KILL_WAIT_MS));
        } else {
          killGroup();
          finish();
        }
      }, run.timeoutMs),
    );
    child.on('error', (error) => {
      if (settled) return;
      settled = true;
      for (const timer of timers) clearTimeout(timer);
      reject(error);
    });
    child.on('exit', (code) => {
      exited = true;
      exitCode = code;
      // Without a pid namespace (the unsafe path), processes the program forked are still in its group. With one,
      // nothing is left, and a group id no longer in use is better not signalled.
      if (!run.infoFd) killGroup();
      if (timedOut) finish();
      else timers.push(setTimeout(finish, DRAIN_MS));
    });
    child.on('close', finish);
  });
}
