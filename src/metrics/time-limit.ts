/**
 * A time limit for suite-written code (the `javascript` metric, user metrics): a runaway loop fails its
 * assertion instead of hanging the run. Suite code is trusted (see the trust model); this guards mistakes, not
 * attacks.
 *
 * Why node:vm's `timeout`, and not a worker thread: the code keeps running in our realm, with the same objects,
 * closures and module state (`instanceof Array` holds, a `file:` module's caches persist), and a worker would
 * copy every output and context across threads. The watchdog interrupts any JavaScript running under it,
 * including functions of `file:` modules and a catastrophic regex. Its cost is a watchdog thread per call
 * (about 0.1 ms), paid only by assertions that run user code. What it cannot interrupt: CPU-bound code after an
 * `await` (the continuation runs outside the watchdog); a promise that never settles is bounded by a timer.
 */
import { Script } from 'node:vm';
import { LlmlabError } from '../errors.js';

/**
 * Words and tokens without which inline code cannot run long: loops, functions (recursion, callbacks), code built
 * at run time, classes, generators and timers. Inline code free of them is a straight line of expressions over
 * the output, bounded by its size (regexes included: see regex-guard.ts), so it skips the watchdog, whose thread
 * costs 0.1–0.6 ms per call — the whole per-cell budget of a fast or fully cached run. The limit guards mistakes
 * (suite code is trusted), and a runaway mistake needs one of these.
 */
const MAY_RUN_LONG = /\b(?:for|while|do|function|eval|Function|constructor|class|async|await|yield|import|require|setTimeout|setInterval|Atomics|goto)\b|=>/;

/** True when inline code might run long enough to need the watchdog (see {@link MAY_RUN_LONG}). */
export function mayRunLong(code: string): boolean {
  return MAY_RUN_LONG.test(code);
}

/** How long user code may run per cell unless its assertion says otherwise. */
export const DEFAULT_TIME_LIMIT_MS = 5000;

/** Where the timed script finds the call to make: one slot, as calls run one at a time. */
const SLOT = Symbol.for('llmlab.timed-call');
const RUN = new Script('globalThis[Symbol.for("llmlab.timed-call")]()', { filename: 'llmlab-time-limit' });

type Slot = { [SLOT]?: () => unknown };

/** Options of {@link callWithTimeLimit}. */
export interface TimeLimitOptions {
  /** `sync` bounds only the synchronous part: a metric plugin may await judge calls (with retries) for longer. */
  bound?: 'sync' | 'settled';
  /** The hint of the timeout error. */
  hint?: string;
}

/**
 * Calls `fn` with at most `ms` of synchronous running time, and, when it returns a promise, at most `ms` until
 * that settles. Over the limit it throws (or rejects with) METRIC_ERROR "`label` timed out after `ms` ms".
 */
export function callWithTimeLimit(fn: () => unknown, ms: number, label: string, options: TimeLimitOptions = {}): unknown {
  const hint = options.hint ?? 'look for a loop that never ends; a check that needs longer can set timeoutMs';
  const slot = globalThis as Slot;
  // Restored afterwards: user code may itself grade through another timed call.
  const previous = slot[SLOT];
  slot[SLOT] = fn;
  let returned: unknown;
  try {
    // displayErrors: false leaves the stack of an error the user's code throws as it was.
    returned = RUN.runInThisContext({ timeout: ms, displayErrors: false });
  } catch (error) {
    if ((error as { code?: unknown } | null)?.code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') throw timedOut(label, ms, hint);
    throw error;
  } finally {
    slot[SLOT] = previous;
  }
  return options.bound !== 'sync' && isThenable(returned) ? settleWithin(returned, ms, label, hint) : returned;
}

function settleWithin(pending: PromiseLike<unknown>, ms: number, label: string, hint: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(timedOut(label, ms, hint)), ms);
    pending.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

function timedOut(label: string, ms: number, hint: string): LlmlabError {
  return new LlmlabError('METRIC_ERROR', `${label} timed out after ${ms} ms`, { hint });
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null)?.then === 'function';
}
