/** A tiny typed event bus for RunEvents. Subscribers are independent; one that throws cannot stop a run. */
import type { RunEvent } from '../types.js';

/** A subscriber; every hook is optional, like a vitest reporter. */
export type RunListener = (event: RunEvent) => void;

export function createEventBus() {
  const listeners = new Set<RunListener>();
  return {
    on(listener: RunListener): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    emit(event: RunEvent): void {
      for (const listener of listeners) {
        try {
          listener(event);
        } catch (error) {
          // A broken reporter must not lose a run's results: report once and detach it.
          listeners.delete(listener);
          process.stderr.write(`llmlab: a run listener failed and was detached: ${String(error)}\n`);
        }
      }
    },
  };
}

export type EventBus = ReturnType<typeof createEventBus>;
