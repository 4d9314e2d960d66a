/**
 * The pause switch behind the TUI's `p`: the executor checks `paused` before it takes the next cell and waits
 * here; calls already in flight finish. A stop (q, Ctrl-C) releases every waiter so the run can end.
 */
import type { PauseGate } from '../engine/execute-options.js';

/** A {@link PauseGate} the UI can flip. */
export interface PauseSwitch extends PauseGate {
  /** Flips the state; returns true when now paused. */
  toggle(): boolean;
  resume(): void;
}

export function createPauseSwitch(): PauseSwitch {
  let paused = false;
  let waiters: (() => void)[] = [];
  const release = () => {
    const pending = waiters;
    waiters = [];
    for (const wake of pending) wake();
  };
  return {
    get paused() {
      return paused;
    },
    wait(signal) {
      if (!paused || signal.aborted) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const wake = () => {
          signal.removeEventListener('abort', wake);
          resolve();
        };
        signal.addEventListener('abort', wake, { once: true });
        waiters.push(wake);
      });
    },
    toggle() {
      paused = !paused;
      if (!paused) release();
      return paused;
    },
    resume() {
      paused = false;
      release();
    },
  };
}
