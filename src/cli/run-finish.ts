/**
 * What a command leaves open (its database) is closed when main() returns. A process would close it by exiting;
 * a CLI run inside another program (the tests) must not keep a SQLite handle per run until that program ends.
 * Kept per io, so runs that overlap in one process close only their own.
 */
import type { CliIo } from './io.js';

const pending = new WeakMap<CliIo, Array<() => void>>();

/** Runs `close` once the run of `io` finishes. */
export function onFinish(io: CliIo, close: () => void): void {
  const list = pending.get(io) ?? [];
  list.push(close);
  pending.set(io, list);
}

/** Runs the run's closers, newest first; a closer that fails does not keep the others from running. */
export function finishRun(io: CliIo): void {
  const list = pending.get(io) ?? [];
  pending.delete(io);
  for (const close of list.reverse()) {
    try {
      close();
    } catch {
      // Closing after the run's exit code is decided: nothing useful to report.
    }
  }
}
