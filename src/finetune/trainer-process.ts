/**
 * Runs a local trainer (`sh -c <command>`) in its own process group, so a stop, a timeout or `llmlab finetune
 * cancel` kills it and everything it started (a Python launcher's workers, torchrun's ranks). Both output streams
 * are appended to the log as they come and cut into lines for the live view.
 */
import { spawn } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { killProcessGroup as killGroup } from '../providers/exec.js';

/** Grace a trainer gets after SIGTERM (to write a checkpoint, free the GPU) before its group is killed. */
const KILL_GRACE_MS = 2000;
/** The live view gets at most one line per this interval; the newest waiting line is sent when it ends. */
export const PROGRESS_INTERVAL_MS = 200;
const MAX_LINE_CHARS = 240;

/** What to run and where its output goes. */
export interface TrainerRun {
  command: string;
  cwd: string;
  env: Record<string, string>;
  /** Appended to, never truncated: every attempt of a point keeps its output in the one log. */
  logPath: string;
  timeoutMs?: number;
  stop: AbortSignal;
  /** Called once the process exists, before any output line. */
  onStart(pid: number): void;
  /** A non-empty output line (stdout or stderr), throttled to one per {@link PROGRESS_INTERVAL_MS}. */
  onLine(line: string): void;
}

/** How the trainer ended. `stderrTail`: its last non-empty stderr line, the usual place of the error. */
export type TrainerExit =
  | { kind: 'exited'; code: number; stderrTail: string }
  | { kind: 'signalled'; signal: string; stderrTail: string }
  | { kind: 'timeout'; stderrTail: string }
  | { kind: 'stopped' }
  | { kind: 'spawn-error'; message: string };

/** Runs the trainer to its end (or until stopped or timed out, and its process group is gone). */
export function runTrainer(run: TrainerRun): Promise<TrainerExit> {
  return new Promise((resolve) => {
    if (run.stop.aborted) return resolve({ kind: 'stopped' });
    appendFileSync(run.logPath, `\n--- ${new Date().toISOString()} ---\n$ ${run.command}\n`);
    const child = spawn('sh', ['-c', run.command], { cwd: run.cwd, env: run.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const progress = throttle(run.onLine);
    let ending: 'timeout' | 'stopped' | undefined;
    let stderrTail = '';
    let settled = false;
    const finish = (exit: TrainerExit): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      run.stop.removeEventListener('abort', onStop);
      progress.flush();
      resolve(exit);
    };
    const end = (why: 'timeout' | 'stopped'): void => {
      ending ??= why;
      if (child.pid !== undefined) killProcessGroup(child.pid);
    };
    const onStop = (): void => end('stopped');
    const timer = run.timeoutMs === undefined ? undefined : setTimeout(() => end('timeout'), run.timeoutMs);
    run.stop.addEventListener('abort', onStop, { once: true });

    child.on('error', (error) => finish({ kind: 'spawn-error', message: error.message }));
    if (child.pid !== undefined) run.onStart(child.pid);
    lines(child.stdout, run.logPath, progress.push);
    lines(child.stderr, run.logPath, (line) => {
      stderrTail = line;
      progress.push(line);
    });
    child.on('close', (code, signal) => {
      if (ending === 'stopped') finish({ kind: 'stopped' });
      else if (ending === 'timeout') finish({ kind: 'timeout', stderrTail });
      else if (code !== null) finish({ kind: 'exited', code, stderrTail });
      else finish({ kind: 'signalled', signal: signal ?? 'a signal', stderrTail });
    });
  });
}

/** SIGTERM to the trainer's group, SIGKILL after a grace; a group already gone is fine. */
export function killProcessGroup(pid: number): void {
  killGroup(pid, KILL_GRACE_MS);
}

/** True while any process of the group `pid` leads lives (a trainer from an earlier llmlab that was killed). */
export function isProcessGroupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists and belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Appends a stream to the log and hands out its lines; `\r` ends a line too (tqdm redraws its bar with it). */
function lines(stream: NodeJS.ReadableStream, logPath: string, onLine: (line: string) => void): void {
  let pending = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    appendFileSync(logPath, chunk);
    const parts = (pending + chunk).split(/\r\n|\r|\n/);
    pending = parts.pop() ?? '';
    for (const part of parts) if (part.trim() !== '') onLine(part.trim().slice(0, MAX_LINE_CHARS));
  });
  stream.on('end', () => {
    if (pending.trim() !== '') onLine(pending.trim().slice(0, MAX_LINE_CHARS));
  });
}

/**
 * At most one line per interval: a line that comes sooner waits, replaced by any newer one, and is sent when
 * the interval is over, so the view always ends on the trainer's latest line.
 */
function throttle(send: (line: string) => void): { push(line: string): void; flush(): void } {
  let last = 0;
  let waiting: string | undefined;
  let timer: NodeJS.Timeout | undefined;
  const sendNow = (line: string): void => {
    last = Date.now();
    waiting = undefined;
    send(line);
  };
  return {
    push(line) {
      const wait = last + PROGRESS_INTERVAL_MS - Date.now();
      if (wait <= 0 && timer === undefined) return sendNow(line);
      waiting = line;
      timer ??= setTimeout(() => {
        timer = undefined;
        if (waiting !== undefined) sendNow(waiting);
      }, Math.max(wait, 0));
    },
    flush() {
      clearTimeout(timer);
      timer = undefined;
      if (waiting !== undefined) sendNow(waiting);
    },
  };
}
