/** Drives `llmlab eval … --watch` as a child process: what it printed so far, and waiting for what it prints next. */
import type { ChildProcess } from 'node:child_process';
import { startCli } from './run-cli.js';

export interface WatchSession {
  readonly child: ChildProcess;
  readonly stdout: string;
  readonly stderr: string;
  /** Polls `check` until true; throws with everything printed when the process exits or `ms` pass first. */
  waitFor(check: () => boolean, what: string, ms?: number): Promise<void>;
  /** `[watch] run … done` (or `cut short by the budget`) lines so far: runs that ended and were shown. */
  runsShown(): number;
  /** Resolves with the exit code. */
  exited(): Promise<number | null>;
  /** SIGKILL if still running; resolves once it is gone. */
  kill(): Promise<void>;
}

export function startWatch(args: string[], options: { cwd: string; env?: Record<string, string> }): WatchSession {
  const child = startCli(['eval', ...args, '--watch'], options);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const running = () => child.exitCode === null && child.signalCode === null;
  const exited = () => new Promise<number | null>((r) => (running() ? child.once('close', r) : r(child.exitCode)));
  return {
    child,
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
    async waitFor(check, what, ms = 15_000) {
      const until = Date.now() + ms;
      while (!check()) {
        if (!running()) throw new Error(`exited ${child.exitCode} waiting for ${what}\n${stdout}\n${stderr}`);
        if (Date.now() > until) throw new Error(`timed out waiting for ${what}\nstdout:\n${stdout}\nstderr:\n${stderr}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    runsShown: () => count(stdout, /\[watch\] run \S+ (done|cut short by the budget)/),
    exited,
    async kill() {
      if (!running()) return;
      const gone = exited();
      child.kill('SIGKILL');
      await gone;
    },
  };
}

/** Occurrences of `pattern` in `text`. */
export function count(text: string, pattern: RegExp): number {
  return [...text.matchAll(new RegExp(pattern.source, 'g'))].length;
}
