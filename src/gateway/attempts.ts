/**
 * The fallback loop of one request: try the candidates in the router's order until one answers, within the
 * request's deadline. Each attempt's timeout is the time left to the deadline, or the candidate's own
 * `timeoutMs` when that is shorter, so a hanging candidate costs its timeout and the next one still gets its
 * turn, and no retry ever runs past the deadline. A failure whose trigger is in `fallback.on` moves on; any
 * other failure (a 400, or a trigger the rule leaves out) ends the request at once.
 *
 * A `Retry-After` is never waited for: the next candidate is tried instead (waiting would spend the client's
 * deadline on one provider while others are idle); when every candidate answered 429, the shortest Retry-After
 * is handed back for the client's own 429.
 */
import { messageOf, ProviderError } from '../errors.js';
import { reasonOf, statusOf, triggerOf } from './attempt-errors.js';
import type { Router } from './router.js';
import type { FallbackRule, GatewayCandidate } from './types.js';

export { triggerOf } from './attempt-errors.js';

/** One failed attempt, as the request log keeps it. */
export interface AttemptRecord {
  candidate: string;
  reason: string;
}

/** Options of {@link tryCandidates}. */
export interface AttemptOptions {
  /** The moment the request must be answered by: ms on `now`'s clock (Date.now by default), not a duration. */
  deadlineMs: number;
  rule: FallbackRule;
  /** Asked before each attempt (circuit breakers) and told every outcome. */
  router: Pick<Router, 'attempt' | 'record'>;
  now?: () => number;
  /** Resolves after `ms` unless `signal` aborts (then rejects): the attempt timer. Injected by tests. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<unknown>;
  /** Aborts when the client has gone: the attempt in flight is cancelled and nothing more is tried. */
  signal?: AbortSignal;
}

/**
 * Success: the value, the candidate that gave it and the attempts that failed before it. Failure: the status
 * and message for the client, every attempt (the last one included) and the candidate tried last.
 */
export type AttemptResult<T> =
  | { ok: true; value: T; candidate: GatewayCandidate; attempts: AttemptRecord[] }
  | { ok: false; status: number; message: string; attempts: AttemptRecord[]; candidate?: GatewayCandidate; retryAfterMs?: number };

/** Status for a client that closed the connection (nginx's convention); nobody reads the response. */
export const CLIENT_GONE_STATUS = 499;

type Settled<T> = { ok: true; value: T; latencyMs: number } | { ok: false; error: unknown; timedOut: boolean; timeoutMs: number };

/**
 * Calls `call` on each candidate of `order` in turn. `call` gets the attempt's signal, which aborts on its timeout
 * or when the client goes; a call that ignores it is abandoned at that moment all the same. After a success the
 * timeout no longer applies but the client's going still aborts the signal, so a stream handed back (resolved at
 * its first part) is cancelled upstream when its reader leaves; its deadline from then on is the caller's.
 * Candidates the router refuses (an open breaker) are tried only after all the others.
 */
export async function tryCandidates<T>(
  order: readonly GatewayCandidate[],
  call: (candidate: GatewayCandidate, signal: AbortSignal) => Promise<T>,
  options: AttemptOptions,
): Promise<AttemptResult<T>> {
  const now = options.now ?? Date.now;
  const { router, rule, signal, deadlineMs } = options;
  const attempts: AttemptRecord[] = [];
  const statuses: (number | undefined)[] = [];
  const retryAfters: number[] = [];
  const deferred: GatewayCandidate[] = [];
  let last: GatewayCandidate | undefined;
  let lastTimedOutAtDeadline = false;

  const attemptOnce = async (candidate: GatewayCandidate, remaining: number): Promise<Settled<T>> => {
    const own = candidate.provider.limits?.timeoutMs;
    const timeoutMs = own !== undefined && own > 0 ? Math.min(remaining, own) : remaining;
    const controller = new AbortController();
    const stopTimer = new AbortController();
    let timedOut = false;
    const started = now();
    const abandoned = new Promise<never>((_, reject) => {
      controller.signal.addEventListener('abort', () => reject(controller.signal.reason), { once: true });
    });
    abandoned.catch(() => undefined);
    const expire = () => {
      timedOut = true;
      controller.abort(new ProviderError(`timed out after ${timeoutMs} ms`, { retryable: true }));
    };
    // A plain timer unless a test injected its clock: a promise timer with an abort signal costs several times more,
    // once per request.
    const timer = options.sleep ? undefined : setTimeout(expire, timeoutMs);
    if (options.sleep) options.sleep(timeoutMs, stopTimer.signal).then(expire, () => undefined);
    const onGone = () => controller.abort(signal!.reason);
    signal?.addEventListener('abort', onGone, { once: true });
    try {
      const pending = Promise.resolve().then(() => call(candidate, controller.signal));
      // Once abandoned, its late rejection must not surface as an unhandled one.
      pending.catch(() => undefined);
      const value = await Promise.race([pending, abandoned]);
      return { ok: true, value, latencyMs: now() - started };
    } catch (error) {
      signal?.removeEventListener('abort', onGone);
      return { ok: false, error, timedOut, timeoutMs };
    } finally {
      if (timer) clearTimeout(timer);
      else stopTimer.abort();
    }
  };

  const gone = (): AttemptResult<T> => ({
    ok: false,
    status: CLIENT_GONE_STATUS,
    message: 'the client closed the request',
    attempts,
    ...(last ? { candidate: last } : {}),
  });
  const deadlinePassed = (): AttemptResult<T> => ({
    ok: false,
    status: 504,
    message: attempts.length === 0 ? 'the request deadline passed before any candidate was tried' : `the request deadline passed after ${listed(attempts)}`,
    attempts,
    ...(last ? { candidate: last } : {}),
  });

  for (const pass of [order, deferred]) {
    for (const candidate of pass) {
      if (signal?.aborted) return gone();
      const remaining = deadlineMs - now();
      if (remaining <= 0) return deadlinePassed();
      if (pass === order && !router.attempt(candidate.label)) {
        deferred.push(candidate);
        continue;
      }
      last = candidate;
      const settled = await attemptOnce(candidate, remaining);
      if (settled.ok) {
        router.record(candidate.label, { ok: true, latencyMs: settled.latencyMs });
        return { ok: true, value: settled.value, candidate, attempts };
      }
      if (signal?.aborted && !settled.timedOut) {
        router.record(candidate.label, { ok: false, trigger: undefined });
        attempts.push({ candidate: candidate.label, reason: 'the client closed the request' });
        return gone();
      }
      const { error, timedOut, timeoutMs } = settled;
      const trigger = triggerOf(error, timedOut);
      router.record(candidate.label, { ok: false, trigger });
      attempts.push({ candidate: candidate.label, reason: reasonOf(error, timedOut, timeoutMs) });
      if (trigger === undefined || !rule.on.includes(trigger)) {
        return { ok: false, status: statusOf(error, trigger), message: `${candidate.label}: ${messageOf(error)}`, attempts, candidate };
      }
      lastTimedOutAtDeadline = timedOut && timeoutMs >= remaining;
      statuses.push(error instanceof ProviderError ? error.status : undefined);
      if (error instanceof ProviderError && error.retryAfterMs !== undefined) retryAfters.push(error.retryAfterMs);
    }
  }
  if (lastTimedOutAtDeadline || (attempts.length > 0 && deadlineMs - now() <= 0)) return deadlinePassed();
  if (attempts.length === 0) return { ok: false, status: 503, message: 'no candidate to try', attempts };
  const allRateLimited = statuses.every((s) => s === 429);
  return {
    ok: false,
    status: allRateLimited ? 429 : 502,
    message: `every candidate failed: ${listed(attempts)}`,
    attempts,
    ...(last ? { candidate: last } : {}),
    ...(allRateLimited && retryAfters.length > 0 ? { retryAfterMs: Math.min(...retryAfters) } : {}),
  };
}

function listed(attempts: readonly AttemptRecord[]): string {
  return attempts.map((a) => `${a.candidate} (${a.reason})`).join(', ');
}
