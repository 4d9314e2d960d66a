/**
 * A provider's tokens-per-minute limit (`tpm`): a sliding window of the last 60 s of calls, each counted at the
 * tokens it reserved and, once answered, at the tokens it used.
 *
 * A call reserves its estimate before it is sent (input tokens plus the most it may answer: an upper bound, so a
 * burst of calls cannot overshoot while their answers are out) and waits, first in first out, until that fits.
 * Its 60 s start when it is sent, not when it is admitted — the provider counts from the request, and a call can
 * sit between the two while it waits for its rpm slot or a global slot. When the answer comes the reservation is
 * corrected to the usage reported, which usually frees room; without usage the estimate stands.
 *
 * A call estimated above `tpm` could never fit. Rather than deadlock, it goes when the window is empty: the
 * provider then sees one oversized request a minute, which is the best any client can do.
 */
import { setTimeout as sleep } from 'node:timers/promises';

/** How long a call's tokens count against the limit. */
export const TPM_WINDOW_MS = 60_000;

/** Time as the rate limits see it; tests pass a fake one. */
export interface LimitClock {
  /** Milliseconds on a clock that never goes back. */
  now(): number;
  /** Resolves after `ms`; rejects if `signal` aborts first (the window aborts a sleep it no longer needs). */
  sleep(ms: number, signal: AbortSignal): Promise<unknown>;
}

/** Real time. */
export const systemClock: LimitClock = {
  now: () => performance.now(),
  sleep: (ms, signal) => sleep(ms, undefined, { signal }),
};

/** One call's share of the window, from {@link TokenWindow.reserve}. */
export interface TokenReservation {
  /** The request goes out now: its tokens count for the next 60 s from here. */
  start(): void;
  /**
   * The answer came: count `used` tokens instead of the estimate (undefined keeps the estimate). Settling a
   * reservation that never started drops it, as nothing was sent.
   */
  settle(used: number | undefined): void;
}

/** A `tpm` limit; see the module comment. */
export interface TokenWindow {
  /** Waits until `tokens` fit (in arrival order), then reserves them; rejects with `signal`'s reason on abort. */
  reserve(tokens: number, signal?: AbortSignal): Promise<TokenReservation>;
  /** Tokens reserved or used by calls admitted and not yet out of the window. */
  used(): number;
  /** Calls waiting for room. */
  readonly waiting: number;
}

interface Entry {
  tokens: number;
  /** When the request went out; undefined while admitted but not sent. */
  sentAt?: number;
  /** Out of the window (expired, or dropped unsent): no longer in `total`. */
  gone: boolean;
}

/** A call waiting in line; `wake` is set while it sleeps. */
interface Ticket {
  wake?: () => void;
}

/** The window of one provider (or grader) for one run, admitting at most `tpm` tokens a minute. */
export function createTokenWindow(tpm: number, clock: LimitClock = systemClock): TokenWindow {
  /** Sent calls, oldest first: `sentAt` only grows, so they expire from the front. */
  const sent: Entry[] = [];
  let total = 0;
  const queue: Ticket[] = [];

  /**
   * Something changed that may let the first in line in, or made another call first: it looks again. Only the
   * first: the others cannot go before it, and waking them all on every change would cost calls × waiters.
   */
  const changed = () => queue[0]?.wake?.();

  const expire = (now: number) => {
    while (sent.length > 0 && sent[0]!.sentAt! + TPM_WINDOW_MS <= now) {
      const entry = sent.shift()!;
      entry.gone = true;
      total -= entry.tokens;
    }
  };

  /** Resolves when `ticket` is woken, or after `ms` (the first sent call leaving the window) when finite. */
  const nextChange = (ticket: Ticket, ms: number, signal: AbortSignal | undefined) =>
    new Promise<void>((resolve, reject) => {
      const timer = new AbortController();
      const done = () => {
        delete ticket.wake;
        signal?.removeEventListener('abort', onAbort);
        timer.abort();
      };
      const wake = () => {
        done();
        resolve();
      };
      const onAbort = () => {
        done();
        reject(signal?.reason);
      };
      ticket.wake = wake;
      signal?.addEventListener('abort', onAbort, { once: true });
      // A rejection means a change or the abort cancelled the timer, and settled the promise already.
      if (Number.isFinite(ms)) clock.sleep(ms, timer.signal).then(wake, () => {});
    });

  const admit = (tokens: number): TokenReservation => {
    const entry: Entry = { tokens, gone: false };
    total += tokens;
    return {
      start() {
        if (entry.gone || entry.sentAt !== undefined) return;
        entry.sentAt = clock.now();
        sent.push(entry);
        changed(); // the window now has a first call to wait out
      },
      settle(used) {
        if (entry.gone) return;
        if (entry.sentAt === undefined) {
          entry.gone = true;
          total -= entry.tokens;
        } else if (used !== undefined && Number.isFinite(used) && used >= 0) {
          total += used - entry.tokens;
          entry.tokens = used;
        }
        changed();
      },
    };
  };

  return {
    async reserve(tokens, signal) {
      const ticket: Ticket = {};
      queue.push(ticket);
      try {
        for (;;) {
          if (signal?.aborted) throw signal.reason;
          const now = clock.now();
          expire(now);
          if (queue[0] !== ticket) {
            await nextChange(ticket, Infinity, signal);
          } else if (total === 0 || total + tokens <= tpm) {
            queue.shift();
            changed(); // the next in line is first now
            return admit(tokens);
          } else {
            // With nothing sent yet, only a start or a settle can make room: wait for that.
            const first = sent[0];
            await nextChange(ticket, first ? first.sentAt! + TPM_WINDOW_MS - now : Infinity, signal);
          }
        }
      } finally {
        const at = queue.indexOf(ticket);
        if (at !== -1) {
          queue.splice(at, 1);
          if (at === 0) changed();
        }
      }
    },
    used() {
      expire(clock.now());
      return total;
    },
    get waiting() {
      return queue.length;
    },
  };
}
