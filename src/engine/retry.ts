/** When and how long to wait before retrying a failed model call. */
import { ProviderError, messageOf } from '../errors.js';

/** Longest wait we honour from a server's Retry-After, so a bad header cannot stall a run for hours. */
const MAX_RETRY_AFTER_MS = 120_000;
const BASE_DELAY_MS = 500;
const MAX_BACKOFF_MS = 30_000;

/** A failure classified for the retry loop. */
export interface Classified {
  retryable: boolean;
  retryAfterMs?: number;
  message: string;
  status?: number;
}

/** Classifies what a provider threw. Unknown errors are not retried: they are usually bugs, not weather. */
export function classify(error: unknown, timedOut: boolean, timeoutMs: number): Classified {
  if (timedOut) return { retryable: true, message: `timed out after ${timeoutMs} ms` };
  if (error instanceof ProviderError) {
    return { retryable: error.retryable, retryAfterMs: error.retryAfterMs, message: error.message, status: error.status };
  }
  return { retryable: false, message: messageOf(error) };
}

/**
 * Delay before retry number `attempt` (0-based): the server's Retry-After when given, else exponential backoff
 * with "equal jitter", which spreads a burst of 429s instead of retrying them in lockstep.
 */
export function backoffMs(attempt: number, retryAfterMs?: number, random: () => number = Math.random): number {
  if (retryAfterMs !== undefined) return Math.min(Math.max(retryAfterMs, 0), MAX_RETRY_AFTER_MS);
  const ceiling = Math.min(BASE_DELAY_MS * 2 ** attempt, MAX_BACKOFF_MS);
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
