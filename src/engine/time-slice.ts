/**
 * Gives the event loop a turn during long stretches of synchronous work. Cells that complete without real I/O
 * (echo and mock providers, a fully cached re-run) chain only microtasks, and Node delivers signals (Ctrl-C),
 * timers and stream writes only between macrotasks: without a yield such a run ignores SIGINT until it ends.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';

/** Work between turns of the event loop: short enough that a signal is seen at once, long enough to cost nothing. */
const SLICE_MS = 15;

/**
 * Returns `due()`: undefined while the current slice lasts, else a promise that settles on the next turn of the
 * event loop. Every worker sharing the slicer awaits the same promise once the slice is over, so the microtask
 * queue drains and the loop really turns — a yield per worker would let the others keep it busy.
 */
export function createTimeSlicer(sliceMs = SLICE_MS): { due(): Promise<void> | undefined } {
  let sliceEnd = performance.now() + sliceMs;
  let turn: Promise<void> | undefined;
  return {
    due() {
      if (turn) return turn;
      // performance.now() costs tens of nanoseconds: checking it per cell is cheaper than counting cells to guess.
      if (performance.now() < sliceEnd) return undefined;
      turn = nextTurn().then(() => {
        turn = undefined;
        sliceEnd = performance.now() + sliceMs;
      });
      return turn;
    },
  };
}
