/** A LimitClock that moves only when a test says so: rate-limit tests assert on state, never on elapsed time. */
import type { LimitClock } from '../../src/engine/limits-tokens.js';

export interface FakeClock extends LimitClock {
  /** Moves time on by `ms` and wakes every sleeper that is due. */
  advance(ms: number): void;
  /** Sleeps not yet due nor cancelled. */
  readonly sleepers: number;
}

export function fakeClock(start = 1_000_000): FakeClock {
  let now = start;
  const sleepers = new Set<{ until: number; wake: () => void }>();
  return {
    now: () => now,
    sleep(ms, signal) {
      return new Promise<void>((resolve, reject) => {
        if (signal.aborted) return reject(signal.reason);
        const sleeper = {
          until: now + ms,
          wake: () => {
            signal.removeEventListener('abort', cancel);
            resolve();
          },
        };
        const cancel = () => {
          sleepers.delete(sleeper);
          reject(signal.reason);
        };
        sleepers.add(sleeper);
        signal.addEventListener('abort', cancel, { once: true });
      });
    },
    advance(ms) {
      now += ms;
      for (const sleeper of [...sleepers]) {
        if (sleeper.until > now) continue;
        sleepers.delete(sleeper);
        sleeper.wake();
      }
    },
    get sleepers() {
      return sleepers.size;
    },
  };
}
