/**
 * Turns whatever an SDK or fetch throws into a `ProviderError` the executor can act on: retryable or not, HTTP
 * status, and the server's `Retry-After`. Shared by the SDK-backed providers (openai, anthropic, ollama); it
 * duck-types errors so it never has to import an SDK itself.
 */
import { LlmlabError, ProviderError, messageOf } from '../errors.js';
import { responseTooLargeIn } from './capped-fetch.js';

/** What the mapping needs to know about the call that failed. */
export interface ErrorContext {
  /** Display name of the API, e.g. `OpenAI`. */
  api: string;
  /** The call's signal: once it is aborted, any failure is reported as the abort. */
  signal?: AbortSignal;
  /** Values that must never appear in a message (API keys); each is replaced by `***`. */
  secrets?: ReadonlyArray<string | undefined>;
}

/** Longest server error message we keep; error bodies can be whole HTML pages. */
const MAX_MESSAGE_CHARS = 500;

/** Codes of a connection that failed or dropped: the next attempt may well succeed. */
const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

/** Error `type`s an API may send mid-stream (no HTTP status) that mean "try again later". */
const RETRYABLE_ERROR_TYPES = new Set(['overloaded_error', 'rate_limit_error', 'api_error', 'server_error', 'timeout_error']);

/** True for statuses worth retrying: request timeout, conflict, rate limit and every 5xx. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

/**
 * Reads `retry-after-ms` (milliseconds) or `retry-after` (seconds, or an HTTP date) from response headers.
 * Returns undefined when neither is present or parseable.
 */
export function parseRetryAfter(headers: unknown, now: number = Date.now()): number | undefined {
  const ms = headerValue(headers, 'retry-after-ms');
  if (ms !== undefined) {
    const value = Number.parseFloat(ms);
    if (Number.isFinite(value) && value >= 0) return Math.round(value);
  }
  const after = headerValue(headers, 'retry-after');
  if (after === undefined) return undefined;
  if (/^\s*\d+(\.\d+)?\s*$/.test(after)) return Math.round(Number.parseFloat(after) * 1000);
  const date = Date.parse(after);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** The error to throw once `signal` is aborted: the signal's own reason when it is already an LlmlabError. */
export function abortError(signal: AbortSignal): LlmlabError {
  const reason: unknown = signal.reason;
  if (reason instanceof LlmlabError) return reason;
  return new ProviderError('aborted', { retryable: false, cause: reason });
}

/** A 2xx answer we cannot read: wrong shape or not JSON. Retrying would not help. */
export function malformedError(api: string, detail: string): ProviderError {
  return new ProviderError(`${api} returned a malformed response: ${detail}`, { retryable: false });
}

/** Builds the error for a non-2xx HTTP answer. `body` is the parsed error body or its text. */
export function httpError(
  context: ErrorContext,
  status: number,
  body: unknown,
  headers?: unknown,
): ProviderError {
  const retryable = isRetryableStatus(status);
  const serverMessage = extractMessage(body);
  const text = serverMessage ? `: ${clean(serverMessage, context.secrets)}` : '';
  return new ProviderError(`${context.api} API error (HTTP ${status})${text}`, {
    status,
    retryable,
    retryAfterMs: retryable ? parseRetryAfter(headers) : undefined,
  });
}

/**
 * Maps anything thrown while calling an API to an LlmlabError. An aborted signal wins over every other
 * explanation, so a cancelled run never reports a spurious connection error. Only network failures keep the
 * original error as `cause`: anything else may carry server text (which can echo the key) past the redaction.
 */
export function toProviderError(error: unknown, context: ErrorContext): LlmlabError {
  if (context.signal?.aborted) return abortError(context.signal);
  if (error instanceof LlmlabError) return error;
  // The SDKs wrap what their fetch throws as a connection error, which would be retried: a body over the cap is not.
  const tooLarge = responseTooLargeIn(error);
  if (tooLarge) return tooLarge;
  const names = prototypeNames(error);
  if (names.includes('APIUserAbortError') || isAbortLike(error)) {
    return new ProviderError('aborted', { retryable: false, cause: error });
  }
  const record = asRecord(error);
  const status = record?.['status'];
  if (typeof status === 'number' && status > 0) {
    // Stainless SDKs keep the parsed error body in `error`; its text is their message minus the status prefix.
    const body = record?.['error'] ?? stripStatus(messageOf(error), status);
    return httpError(context, status, body, record?.['headers']);
  }
  if (names.includes('APIConnectionTimeoutError')) {
    return new ProviderError(`${context.api} request timed out`, { retryable: true, cause: error });
  }
  if (names.includes('APIConnectionError') || isNetworkError(error)) {
    const detail = networkDetail(error);
    return new ProviderError(`${context.api} connection failed${detail ? `: ${detail}` : ''}`, {
      retryable: true,
      cause: error,
    });
  }
  if (error instanceof SyntaxError) return malformedError(context.api, 'body is not valid JSON');
  if (names.includes('APIError')) {
    // An error event inside a stream: no HTTP status, only the API's error object.
    const type = errorType(record?.['error']);
    const message = extractMessage(record?.['error']) ?? messageOf(error);
    return new ProviderError(`${context.api} API error${type ? ` (${type})` : ''}: ${clean(message, context.secrets)}`, {
      retryable: type !== undefined && RETRYABLE_ERROR_TYPES.has(type),
    });
  }
  return new ProviderError(`${context.api} call failed: ${clean(messageOf(error), context.secrets)}`, {
    retryable: false,
  });
}

/** Replaces every secret with `***`, collapses whitespace and caps the length. */
export function clean(message: string, secrets: ReadonlyArray<string | undefined> = []): string {
  let text = message;
  for (const secret of secrets) {
    // Short values would redact ordinary words; real keys are long.
    if (secret && secret.length >= 8) text = text.split(secret).join('***');
  }
  text = text.replace(/\s+/g, ' ').trim();
  return text.length > MAX_MESSAGE_CHARS ? `${text.slice(0, MAX_MESSAGE_CHARS)}…` : text;
}

/** The human message inside an API error body: `{error: {message}}`, `{error: "..."}`, `{message}` or text. */
function extractMessage(body: unknown): string | undefined {
  if (typeof body === 'string') return body.trim() || undefined;
  const record = asRecord(body);
  if (!record) return undefined;
  const inner = record['error'];
  if (typeof inner === 'string' && inner.trim()) return inner;
  const nested = asRecord(inner)?.['message'];
  if (typeof nested === 'string' && nested.trim()) return nested;
  const message = record['message'];
  return typeof message === 'string' && message.trim() ? message : undefined;
}

function errorType(body: unknown): string | undefined {
  const record = asRecord(body);
  const type = asRecord(record?.['error'])?.['type'] ?? record?.['type'];
  return typeof type === 'string' && type !== 'error' ? type : undefined;
}

function stripStatus(message: string, status: number): string {
  return message.startsWith(`${status} `) ? message.slice(String(status).length + 1) : message;
}

function headerValue(headers: unknown, name: string): string | undefined {
  if (!headers || typeof headers !== 'object') return undefined;
  const get = (headers as { get?: unknown }).get;
  if (typeof get === 'function') {
    const value: unknown = get.call(headers, name);
    return typeof value === 'string' ? value : undefined;
  }
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name) return Array.isArray(value) ? String(value[0]) : String(value);
  }
  return undefined;
}

function isAbortLike(error: unknown): boolean {
  const name = asRecord(error)?.['name'];
  return name === 'AbortError';
}

/** fetch reports network failures as `TypeError('fetch failed' | 'terminated')` with the socket error as cause. */
function isNetworkError(error: unknown): boolean {
  for (let current: unknown = error, depth = 0; current && depth < 5; depth++) {
    const record = asRecord(current);
    const code = record?.['code'];
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return true;
    if (current instanceof TypeError && /^(fetch failed|terminated)$/.test(current.message)) return true;
    current = record?.['cause'];
  }
  return false;
}

/** The innermost cause's message and code: "other side closed (UND_ERR_SOCKET)" says more than "Connection error." */
function networkDetail(error: unknown): string | undefined {
  let innermost: unknown = error;
  for (let current = asRecord(error)?.['cause'], depth = 0; current && depth < 5; depth++) {
    innermost = current;
    current = asRecord(current)?.['cause'];
  }
  const message = innermost instanceof Error ? innermost.message : undefined;
  const code = asRecord(innermost)?.['code'];
  if (typeof code !== 'string' || message?.includes(code)) return message;
  return message ? `${message} (${code})` : code;
}

function prototypeNames(error: unknown): string[] {
  const names: string[] = [];
  let proto: unknown = error && typeof error === 'object' ? Object.getPrototypeOf(error) : undefined;
  while (proto && proto !== Object.prototype) {
    const ctor = (proto as { constructor?: { name?: unknown } }).constructor;
    if (typeof ctor?.name === 'string') names.push(ctor.name);
    proto = Object.getPrototypeOf(proto);
  }
  return names;
}

/** Reads an unknown JSON value as an object, for checking a response's shape; undefined for anything else. */
export function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}
