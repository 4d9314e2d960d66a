import { APIError as AnthropicAPIError } from '@anthropic-ai/sdk';
import { APIConnectionTimeoutError, RateLimitError } from 'openai';
import { describe, expect, it } from 'vitest';
import { LlmlabError, ProviderError } from '../../src/errors.js';
import { clean, parseRetryAfter, toProviderError } from '../../src/providers/sdk-errors.js';

describe('parseRetryAfter', () => {
  it('reads seconds, milliseconds and HTTP dates', () => {
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(parseRetryAfter(new Headers({ 'retry-after': '3' }), now)).toBe(3000);
    expect(parseRetryAfter(new Headers({ 'retry-after': '0.5' }), now)).toBe(500);
    expect(parseRetryAfter(new Headers({ 'retry-after-ms': '120', 'retry-after': '9' }), now)).toBe(120);
    expect(parseRetryAfter({ 'Retry-After': 'Wed, 01 Jan 2025 00:00:10 GMT' }, now)).toBe(10_000);
    expect(parseRetryAfter({ 'retry-after': 'Tue, 31 Dec 2024 00:00:00 GMT' }, now)).toBe(0);
  });

  it('ignores absent or unparseable values', () => {
    expect(parseRetryAfter(new Headers())).toBeUndefined();
    expect(parseRetryAfter(new Headers({ 'retry-after': 'soon' }))).toBeUndefined();
    expect(parseRetryAfter(undefined)).toBeUndefined();
  });
});

describe('toProviderError', () => {
  const context = { api: 'Test', secrets: ['sk-very-secret-key-123'] };

  it('maps an SDK rate-limit error with its headers', () => {
    const sdk = new RateLimitError(429, { message: 'slow down' }, undefined, new Headers({ 'retry-after': '2' }));
    const error = toProviderError(sdk, context);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ status: 429, retryable: true, retryAfterMs: 2000, message: 'Test API error (HTTP 429): slow down' });
  });

  it('treats an SDK timeout as retryable', () => {
    expect(toProviderError(new APIConnectionTimeoutError(), context)).toMatchObject({
      message: 'Test request timed out',
      retryable: true,
    });
  });

  it('retries an overloaded error event inside a stream, but not an invalid request', () => {
    const overloaded = new AnthropicAPIError(undefined, { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }, undefined, undefined);
    expect(toProviderError(overloaded, context)).toMatchObject({ retryable: true, message: 'Test API error (overloaded_error): Overloaded' });
    const invalid = new AnthropicAPIError(undefined, { type: 'error', error: { type: 'invalid_request_error', message: 'bad' } }, undefined, undefined);
    expect(toProviderError(invalid, context)).toMatchObject({ retryable: false });
  });

  it('reports the abort, not the symptom, once the signal is aborted', () => {
    const controller = new AbortController();
    controller.abort();
    expect(toProviderError(new TypeError('fetch failed'), { ...context, signal: controller.signal })).toMatchObject({
      message: 'aborted',
      retryable: false,
    });
    const reason = new LlmlabError('INTERRUPTED', 'run cancelled');
    const cancelled = new AbortController();
    cancelled.abort(reason);
    expect(toProviderError(new Error('x'), { ...context, signal: cancelled.signal })).toBe(reason);
  });

  it('redacts secrets from messages of unknown errors and keeps no cause', () => {
    const error = toProviderError(new Error('bad key sk-very-secret-key-123 given'), context);
    expect(error).toMatchObject({ message: 'Test call failed: bad key *** given', retryable: false });
    expect(error.cause).toBeUndefined();
  });
});

describe('clean', () => {
  it('collapses whitespace, caps length and leaves short "secrets" alone', () => {
    expect(clean('  a\n\n b  ')).toBe('a b');
    expect(clean('x'.repeat(600))).toHaveLength(501);
    expect(clean('the key abc', ['abc'])).toBe('the key abc');
  });
});
