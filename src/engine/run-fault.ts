/**
 * A run's storage fault (disk full, database locked, I/O error): the first one is kept, dispatch stops as on a
 * first Ctrl-C (calls in flight finish), and the run ends `interrupted` so `--resume` continues it once the
 * machine is fixed. A fault is a value of the run's outcome, not an exception: the CLI still writes what reports
 * it can before it exits 3.
 */
import { LlmlabError } from '../errors.js';
import { storageFault, type Store } from '../store/index.js';
import type { RunStatus } from '../types.js';

/** Collects a run's first storage fault; see the module comment. */
export interface FaultLatch {
  /** Aborts on the first fault: the executor's `stop`, combined with the user's. */
  readonly signal: AbortSignal;
  /** The first fault (an LlmlabError when SQLite raised it; anything else is a bug and is rethrown later). */
  readonly fault: unknown;
  /** Keeps `error` when it is the first fault. */
  record(error: unknown): void;
  /** Keeps a caught error when it is a storage fault; rethrows it otherwise. */
  absorb(error: unknown): void;
}

export function createFaultLatch(store: Pick<Store, 'path'>): FaultLatch {
  const halt = new AbortController();
  let first: unknown;
  let seen = false;
  const latch: FaultLatch = {
    signal: halt.signal,
    get fault() {
      return first;
    },
    record(error) {
      if (seen) return;
      seen = true;
      first = error;
      halt.abort(error);
    },
    absorb(error) {
      const fault = storageFault(error, store.path);
      if (!fault) throw error;
      latch.record(fault);
    },
  };
  return latch;
}

/**
 * Writes the run's final status; false when a storage fault kept it from being written (the run then still reads
 * `running`, which `--resume` continues as it does `interrupted`).
 */
export function saveStatus(store: Store, runId: string, status: RunStatus, latch: FaultLatch): boolean {
  try {
    store.runs.setStatus(runId, status);
    return true;
  } catch (error) {
    latch.absorb(error);
    return false;
  }
}

/** The fault to hand back in the outcome; a non-LlmlabError (a bug) is thrown instead, with its stack. */
export function outcomeFault(latch: FaultLatch): LlmlabError | undefined {
  if (!latch.signal.aborted) return undefined;
  if (latch.fault instanceof LlmlabError) return latch.fault;
  throw latch.fault;
}
