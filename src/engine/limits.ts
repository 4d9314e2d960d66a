/** Concurrency and rate limits for model calls: a FIFO semaphore and a requests-per-minute spacer. */

/** A counting semaphore; waiters are served in arrival order. */
export function createSemaphore(size: number) {
  let free = size;
  const waiters: (() => void)[] = [];
  return {
    acquire(): Promise<void> | void {
      if (free > 0) {
        free--;
        return;
      }
      return new Promise<void>((resolve) => waiters.push(resolve));
    },
    release(): void {
      const next = waiters.shift();
      if (next) next();
      else free++;
    },
    get inFlight(): number {
      return size - free;
    },
  };
}

export type Semaphore = ReturnType<typeof createSemaphore>;

/**
 * Spaces calls evenly so that no more than `rpm` start in any minute. Even spacing (rather than a burst
 * bucket) keeps providers that enforce per-second limits happy too.
 */
export function createRateLimiter(rpm: number | undefined) {
  const interval = rpm ? 60_000 / rpm : 0;
  let next = 0;
  return {
    /** Resolves when a call may start; rejects if `signal` aborts while waiting. */
    async take(signal?: AbortSignal): Promise<void> {
      if (interval === 0) return;
      const now = Date.now();
      const slot = Math.max(now, next);
      next = slot + interval;
      if (slot > now) await sleep(slot - now, signal);
    },
  };
}

/**
 * setTimeout as a promise that rejects with the signal's reason on abort. Not `node:timers/promises`: its
 * rejection is a generic AbortError (callers here rethrow the run's own reason), and vitest's fake timers do not
 * reach it, which the rate-limit tests need to run without waiting.
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
