/**
 * One long-lived Python process per interpreter, serving every `python` assertion of the process: starting
 * python3 costs about 20–60 ms (more behind a pyenv shim), a run may grade 100,000 cells, and an answer over the
 * pipe costs well under a millisecond. Requests go one at a time (Python runs one check at a time anyway), so a
 * time limit measures the check alone, never its wait in the queue.
 *
 * Lifetime without a hook at run end: while nothing is asked, the process and its pipes are unref'd, so llmlab
 * exits as if it were not there (Python then reads end-of-file and exits), and an idle timer ends it in a long
 * `watch`. A call over its limit, a crash or an exit ends the process; the next request starts a fresh one.
 */
import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { LlmlabError } from '../errors.js';
import { PYTHON_RUNNER } from './python-runner.js';

/** What the Python side answers for one request. */
interface Answer {
  id: number;
  value?: unknown;
  error?: { type: string; message: string; where?: string | null; usage?: boolean };
}

/** A request as the runner reads it, without its id. */
export type PythonRequest =
  | { op: 'load'; code?: string; file?: string; fn?: string }
  | { op: 'call'; code?: string; file?: string; fn?: string; output: string; context: unknown; cwd: string };

interface Pending {
  /** The request as JSON, without its id. */
  body: string;
  timeoutMs: number;
  label: string;
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

/** How long an idle process is kept for the next request (a `watch` re-run). */
const IDLE_MS = 60_000;
/** How much of the process's stderr a crash reports. */
const STDERR_TAIL = 2000;

/** Where Python's answer was an exception: METRIC_ERROR for a cell, CONFIG_INVALID when loading. */
export class PythonError extends LlmlabError {}

export class PythonWorker {
  private child: ChildProcessWithoutNullStreams | undefined;
  private readonly queue: Pending[] = [];
  private current: (Pending & { id: number; timer?: NodeJS.Timeout }) | undefined;
  private nextId = 1;
  private buffered = '';
  private stderr = '';
  private idle: NodeJS.Timeout | undefined;

  /** `command` is the interpreter; `env` the whole environment the process gets. */
  constructor(
    private readonly command: string,
    private readonly env: Record<string, string>,
  ) {}

  /** The running process's id, if one runs (tests check that calls share it). */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Sends one request; resolves with what the Python function returned. */
  request(request: PythonRequest, timeoutMs: number, label: string): Promise<unknown> {
    let body: string;
    try {
      // A bigint (in a var, say) goes as a string; a cycle cannot go at all, and is this call's error.
      body = JSON.stringify(request, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
    } catch (error) {
      return Promise.reject(new LlmlabError('METRIC_ERROR', `python ${label}: the context cannot be sent to Python: ${(error as Error).message}`));
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ body, timeoutMs, label, resolve, reject });
      this.pump();
    });
  }

  /** Ends the process now (tests; a caller that knows the run is over). */
  close(): void {
    if (this.child) this.end(this.child);
  }

  private pump(): void {
    if (this.current) return;
    const next = this.queue.shift();
    if (!next) return this.rest();
    if (this.idle) clearTimeout(this.idle);
    const child = (this.child ??= this.start());
    const id = this.nextId++;
    this.current = { ...next, id };
    for (const handle of handles(child)) handle.ref();
    if (next.timeoutMs > 0) {
      this.current.timer = setTimeout(() => {
        this.end(child);
        this.settle(new LlmlabError('METRIC_ERROR', `python ${next.label} timed out after ${next.timeoutMs} ms`, {
          hint: 'look for a loop that never ends; a check that needs longer can set timeoutMs',
        }));
      }, next.timeoutMs);
    }
    child.stdin.write(`{"id":${id},${next.body.slice(1)}\n`);
  }

  /** Nothing to do: let llmlab exit past the process, and end it if nothing comes for a while. */
  private rest(): void {
    const child = this.child;
    if (!child) return;
    for (const handle of handles(child)) handle.unref();
    this.idle = setTimeout(() => this.end(child), IDLE_MS);
    this.idle.unref();
  }

  private start(): ChildProcessWithoutNullStreams {
    this.buffered = '';
    this.stderr = '';
    const child = spawn(this.command, ['-u', '-c', PYTHON_RUNNER], { env: this.env, stdio: 'pipe' });
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      if (child !== this.child) return;
      this.buffered += chunk;
      let newline: number;
      while ((newline = this.buffered.indexOf('\n')) >= 0) {
        const line = this.buffered.slice(0, newline);
        this.buffered = this.buffered.slice(newline + 1);
        this.answer(line);
      }
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      if (child === this.child) this.stderr = (this.stderr + chunk).slice(-STDERR_TAIL);
    });
    // A process that died mid-request closes the pipe; the exit handler reports it.
    child.stdin.on('error', () => undefined);
    child.on('error', (error: NodeJS.ErrnoException) => {
      if (child !== this.child) return;
      this.child = undefined;
      const missing = error.code === 'ENOENT' || error.code === 'EACCES';
      this.settle(new LlmlabError('METRIC_ERROR', missing ? `cannot run Python: \`${this.command}\` was not found` : `cannot run Python (\`${this.command}\`): ${error.message}`, {
        hint: 'install Python 3 (python3 on PATH), or set LLMLAB_PYTHON to the interpreter to use',
      }), true);
    });
    // 'close', not 'exit': by then stderr is read to its end, so the crash's last line is in the tail.
    child.on('close', (code, signal) => {
      if (child !== this.child) return;
      this.child = undefined;
      const how = code === null ? `was killed by ${signal ?? 'a signal'}` : `exited with code ${code}`;
      const tail = lastLine(this.stderr);
      this.settle(new LlmlabError('METRIC_ERROR', `the Python process ${how}${tail ? `: ${tail}` : ''}`));
    });
    return child;
  }

  private answer(line: string): void {
    const current = this.current;
    let answer: Answer;
    try {
      answer = JSON.parse(line) as Answer;
    } catch {
      return; // Not ours: nothing but the runner writes to this descriptor.
    }
    if (!current || answer.id !== current.id) return;
    if (!answer.error) return this.settle(undefined, false, answer.value);
    const { type, message, where, usage } = answer.error;
    const what = type === 'Usage' || type === 'Result' ? message : `raised ${type}${message ? `: ${message}` : ''}`;
    this.settle(new PythonError(usage ? 'CONFIG_INVALID' : 'METRIC_ERROR', `python ${current.label} ${what}${where ? ` (${where})` : ''}`));
  }

  /** Settles the current request (and, when Python cannot start, every queued one), then sends the next. */
  private settle(error: Error | undefined, all = false, value?: unknown): void {
    const current = this.current;
    this.current = undefined;
    if (current?.timer) clearTimeout(current.timer);
    if (current) {
      if (error) current.reject(error);
      else current.resolve(value);
    }
    if (all && error) for (const pending of this.queue.splice(0)) pending.reject(error);
    this.pump();
  }

  private end(child: ChildProcessWithoutNullStreams): void {
    if (child === this.child) this.child = undefined;
    child.kill('SIGKILL');
  }
}

/** What keeps Node's event loop alive on the process's account: the process and its three pipes. */
function handles(child: ChildProcessWithoutNullStreams): Array<{ ref(): void; unref(): void }> {
  // The pipes are sockets, which can be unref'd, though their stream types do not say so.
  return [child, ...[child.stdin, child.stdout, child.stderr].map((s) => s as unknown as { ref(): void; unref(): void })];
}

function lastLine(text: string): string {
  return text.trim().split('\n').slice(-1)[0]?.trim().slice(0, 300) ?? '';
}
