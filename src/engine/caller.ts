/**
 * One provider's call path, shared by generation and judge calls: token limit → rate limit → global slot → call
 * with a timeout → retry retryable failures with backoff (honouring Retry-After). The global slot is held only
 * while a call is in flight, never while waiting, so a rate-limited provider cannot starve the others. Tokens
 * come before requests so that calls let through together after a token wait still get evenly spaced rpm slots.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { LlmlabError } from '../errors.js';
import type { ProviderLimits } from '../providers/limit-keys.js';
import type { TokenUsage } from '../types.js';
import type { EventBus } from './events.js';
import { createRateLimiter, type Semaphore } from './limits.js';
import { createTokenWindow, type LimitClock, type TokenReservation, type TokenWindow } from './limits-tokens.js';
import { backoffMs, classify } from './retry.js';

/** What a caller needs from the run. */
export interface CallerOptions {
  events: EventBus;
  /** Aborting cancels calls in flight and waits (second Ctrl-C). */
  abort: AbortSignal;
  /** Once aborted, no further retries are started (first Ctrl-C). */
  stop: AbortSignal;
  /** Time for the `tpm` window; tests pass a fake one. Default: real time. */
  clock?: LimitClock;
}

/** Who a call is for, for retry events: the cell it belongs to and the provider it goes to. */
export interface CallSite {
  cellId: string;
  providerId: string;
  /** Called once, when the first attempt is dispatched (the executor's `node-start`). */
  onStart?: () => void;
  /**
   * Estimated tokens of one attempt (input plus the most it may answer), reserved against the provider's `tpm`
   * before each attempt. Needed only when the provider has a `tpm`; 0 when left out.
   */
  tokens?: number;
}

/** What a call answers: its usage, when reported, corrects the `tpm` reservation. */
export interface Answered {
  usage?: TokenUsage;
}

/** Sends one request; `send` gets the attempt's signal (timeout or cancellation) and is retried on failure. */
export type Caller = <T extends Answered>(site: CallSite, send: (signal: AbortSignal) => Promise<T>) => Promise<T>;

export function createCaller(
  limits: Pick<ProviderLimits, 'rpm' | 'tpm' | 'timeoutMs' | 'maxRetries'>,
  global: Semaphore,
  options: CallerOptions,
): Caller {
  const limiter = createRateLimiter(limits.rpm);
  const tokenWindow = limits.tpm === undefined ? undefined : createTokenWindow(limits.tpm, options.clock);
  /** Waits for room in the token window, then for an rpm slot; the reservation is dropped if that is cut short. */
  const admit = async (tpm: TokenWindow, site: CallSite): Promise<TokenReservation> => {
    const reservation = await tpm.reserve(site.tokens ?? 0, options.abort);
    try {
      await limiter.take(options.abort);
    } catch (error) {
      reservation.settle(undefined);
      throw error;
    }
    return reservation;
  };
  return async <T extends Answered>(site: CallSite, send: (signal: AbortSignal) => Promise<T>): Promise<T> => {
    for (let attempt = 0; ; attempt++) {
      let tokens: TokenReservation | undefined;
      if (tokenWindow) tokens = await admit(tokenWindow, site);
      else await limiter.take(options.abort);
      await global.acquire();
      tokens?.start();
      if (attempt === 0) site.onStart?.();
      // One plain controller per call: AbortSignal.timeout/any build transferable signals, which cost more
      // than a fake model call at a thousand calls a second.
      const call = new AbortController();
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        call.abort(new Error(`timed out after ${limits.timeoutMs} ms`));
      }, limits.timeoutMs);
      const onAbort = () => call.abort(options.abort.reason);
      options.abort.addEventListener('abort', onAbort, { once: true });
      let delay: number;
      try {
        const answer = await send(call.signal);
        // `?.`: a user's plugin may answer nothing at all; the cell reports that, not the token window.
        tokens?.settle(tokensUsed(answer?.usage));
        return answer;
      } catch (error) {
        // A failed attempt keeps its estimate: the request went out, and what it cost the provider is unknown.
        if (options.abort.aborted) throw new LlmlabError('INTERRUPTED', 'cancelled');
        const failure = classify(error, timedOut, limits.timeoutMs);
        if (!failure.retryable || attempt >= limits.maxRetries || options.stop.aborted) {
          const tries = attempt + 1;
          throw new Error(tries > 1 ? `${failure.message} (after ${tries} attempts)` : failure.message);
        }
        delay = backoffMs(attempt, failure.retryAfterMs);
        options.events.emit({
          type: 'retry',
          cellId: site.cellId,
          providerId: site.providerId,
          attempt: attempt + 1,
          delayMs: delay,
          reason: failure.message,
        });
      } finally {
        clearTimeout(timer);
        options.abort.removeEventListener('abort', onAbort);
        global.release();
      }
      await waitToRetry(delay, options);
    }
  };
}

/** Input plus output tokens of a reported usage; undefined when the provider reported none. */
function tokensUsed(usage: TokenUsage | undefined): number | undefined {
  if (!usage) return undefined;
  const counts = [usage.input, usage.output].filter((n) => typeof n === 'number' && Number.isFinite(n));
  return counts.length === 0 ? undefined : counts.reduce((a, b) => a + b, 0);
}

/**
 * The message of the INTERRUPTED error a retry wait ends with when the run stops (first Ctrl-C): the call never
 * got an answer, so its cell is left for --resume rather than recorded as an error.
 */
export const RETRY_STOPPED = 'stopped while waiting to retry';

/**
 * Waits out a backoff or Retry-After (up to minutes) unless the run stops: a first Ctrl-C starts no new attempt,
 * so sitting out the wait would only delay the exit. Throws INTERRUPTED when cut short.
 */
async function waitToRetry(ms: number, options: CallerOptions): Promise<void> {
  const { stop, abort } = options;
  const interrupted = () => new LlmlabError('INTERRUPTED', abort.aborted ? 'cancelled' : RETRY_STOPPED);
  if (stop.aborted || abort.aborted) throw interrupted();
  const wait = new AbortController();
  const end = () => wait.abort();
  stop.addEventListener('abort', end, { once: true });
  abort.addEventListener('abort', end, { once: true });
  try {
    await delay(ms, undefined, { signal: wait.signal });
  } catch {
    throw interrupted();
  } finally {
    stop.removeEventListener('abort', end);
    abort.removeEventListener('abort', end);
  }
}
