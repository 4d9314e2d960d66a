/**
 * The pause switch behind the TUI's `p`: the executor checks `paused` before it takes the next cell and waits
 * here; calls already in flight finish. A stop (q, Ctrl-C) releases every waiter so the run can end.
 */
import type { PauseGate } from '../engine/execute-options.js';

/** A {@link PauseGate} the UI can flip, and that knows how long dispatch has been held. */
export interface PauseSwitch extends PauseGate {
  /** Flips the state; returns true when now paused. */
  toggle(): boolean;
  resume(): void;
  /**
   * Milliseconds spent paused up to `now` (the ongoing pause included), on the clock given to
   * {@link createPauseSwitch}: the live view leaves them out of throughput, so the ETA holds still while paused.
   */
  pausedMs(now: number): number;
}

/** Options of {@link createPauseSwitch}. */
export interface PauseSwitchOptions {
  /** The clock {@link PauseSwitch.pausedMs} is measured on; default `performance.now`. */
  now?: () => number;
}

export function createPauseSwitch(options: PauseSwitchOptions = {}): PauseSwitch {
  const now = options.now ?? (() => performance.now());
  let paused = false;
  let pausedAt = 0;
  let heldMs = 0;
  // Waiters by the signal that may release them. Every worker of a run waits on the same stop signal: one abort
  // listener per signal, not one per waiter (16 workers would pass Node's limit of 10 and print a warning).
  const waiters = new Map<AbortSignal, { wakes: (() => void)[]; onAbort: () => void }>();
  const release = () => {
    const pending = [...waiters.entries()];
    waiters.clear();
    for (const [signal, group] of pending) {
      signal.removeEventListener('abort', group.onAbort);
      for (const wake of group.wakes) wake();
    }
  };
  const setPaused = (next: boolean) => {
    if (next === paused) return;
    paused = next;
    if (paused) pausedAt = now();
    else {
      heldMs += now() - pausedAt;
      release();
    }
  };
  return {
    get paused() {
      return paused;
    },
    wait(signal) {
      if (!paused || signal.aborted) return Promise.resolve();
      return new Promise<void>((resolve) => {
        let group = waiters.get(signal);
        if (!group) {
          const created = {
            wakes: [] as (() => void)[],
            onAbort: () => {
              waiters.delete(signal);
              for (const wake of created.wakes) wake();
            },
          };
          signal.addEventListener('abort', created.onAbort, { once: true });
          waiters.set(signal, created);
          group = created;
        }
        group.wakes.push(resolve);
      });
    },
    toggle() {
      setPaused(!paused);
      return paused;
    },
    resume() {
      setPaused(false);
    },
    pausedMs(at) {
      return heldMs + (paused ? Math.max(at - pausedAt, 0) : 0);
    },
  };
}
