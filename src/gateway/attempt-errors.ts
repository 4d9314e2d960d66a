/**
 * What a failed attempt at a candidate means: the fallback trigger it is (whether the next candidate may do
 * better), the status the client gets when it ends the request, and the one-line reason logged per attempt.
 */
import { LlmlabError, messageOf, ProviderError } from '../errors.js';
import type { FallbackTrigger } from './types.js';

/** Upstream answers that say the request itself is wrong: every other candidate would refuse it too. */
const REQUEST_FAULTS: ReadonlySet<number> = new Set([400, 413, 422]);

/**
 * The trigger a failure is, or undefined when moving on would not help:
 * - our own timeout (`timedOut`), an upstream 408, or an SDK's connection timeout → `timeout`;
 * - 429 → `429`; 5xx → `5xx`;
 * - no status (connection refused or reset, a malformed answer) → `error`, and so are 401/403/404: the
 *   candidate's own key or model is wrong, which the next candidate does not share;
 * - any other 4xx (400, 413, 422: the request is wrong) → undefined, and so is anything not a ProviderError
 *   (a bug in the gateway must surface, not be papered over by trying elsewhere).
 */
export function triggerOf(error: unknown, timedOut: boolean): FallbackTrigger | undefined {
  if (timedOut) return 'timeout';
  if (!(error instanceof ProviderError)) return undefined;
  const status = error.status;
  if (status === undefined) return sdkTimeout(error) ? 'timeout' : 'error';
  if (status === 429) return '429';
  if (status >= 500) return '5xx';
  if (status === 408) return 'timeout';
  if (status === 401 || status === 403 || status === 404) return 'error';
  return undefined;
}

/**
 * The client's status for a failure that ends the request at once (its trigger not in `fallback.on`, or none):
 * the request's own fault stays a 400, a 429 stays a 429 (the client should back off), a timeout is a 504, any
 * other upstream failure a 502, and a non-provider error (a bug, a template error) a 500.
 */
export function statusOf(error: unknown, trigger: FallbackTrigger | undefined): number {
  if (trigger === 'timeout') return 504;
  if (trigger === '429') return 429;
  if (trigger !== undefined) return 502;
  if (error instanceof ProviderError) return error.status !== undefined && REQUEST_FAULTS.has(error.status) ? 400 : 502;
  return 500;
}

/** One line for the attempt log: `HTTP 503`, `timed out after 2000 ms`, `connection failed: ECONNREFUSED`. */
export function reasonOf(error: unknown, timedOut: boolean, timeoutMs: number): string {
  if (timedOut) return `timed out after ${Math.round(timeoutMs)} ms`;
  if (error instanceof ProviderError && error.status !== undefined) return `HTTP ${error.status}`;
  const text = error instanceof LlmlabError ? error.message : messageOf(error);
  return text.length > 160 ? `${text.slice(0, 159)}…` : text;
}

/** An SDK's own request timeout (e.g. the openai SDK's `timeout`), kept by toProviderError as the cause. */
function sdkTimeout(error: ProviderError): boolean {
  const cause: unknown = error.cause;
  return typeof cause === 'object' && cause !== null && cause.constructor.name === 'APIConnectionTimeoutError';
}
