/**
 * A request the gateway answers with an error: in OpenAI's error shape (so SDKs raise their usual exception types),
 * with Retry-After where waiting helps, the `x-llmlab-*` headers, and a log row like any other request.
 */
import { errorResponse, type WireError } from './openai-wire.js';
import { endRequest, llmlabHeaders, type RequestLog } from './request-log.js';
import type { GatewayRuntime } from './runtime.js';

/** An error answer: OpenAI's error fields, and how long to wait before retrying when that helps. */
export interface Failure extends WireError {
  retryAfterMs?: number;
}

export function requestFailure(rt: GatewayRuntime, log: RequestLog, failure: Failure): Response {
  const headers = llmlabHeaders(log);
  if (failure.retryAfterMs !== undefined) headers['retry-after'] = String(Math.max(1, Math.ceil(failure.retryAfterMs / 1000)));
  const { retryAfterMs: _wait, ...written } = failure;
  // Upstream error text can echo the gateway's own provider keys.
  const wire = { ...written, message: rt.redact(written.message) };
  endRequest(rt, log, { status: failure.status, error: failure.message });
  return errorResponse(wire, headers);
}
