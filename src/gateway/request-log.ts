/**
 * One request's record while it is served, and its end: the `x-llmlab-*` headers, the log row (queued, written in
 * batches by the store) and the metrics. The gateway's own time (`overheadMs`) is the request's duration less the
 * time spent waiting on candidates.
 */
import { randomUUID } from 'node:crypto';
import type { GenerateResult } from '../types.js';
import type { GatewayRuntime } from './runtime.js';
import type { GatewayRequestRow } from './types.js';

/** The row being built, plus the clocks that measure it. */
export interface RequestLog extends Omit<GatewayRequestRow, 'status' | 'costUsd' | 'latencyMs' | 'overheadMs' | 'cached'> {
  /** performance.now() at arrival. */
  started: number;
  /** Time inside candidate calls so far, ms. */
  upstreamMs: number;
  cached?: boolean;
  /** Called with the answer once it was served whole (an experiment's online judge). */
  onServed?: (result: GenerateResult) => void;
}

/**
 * `req_` + a random UUID's 122 random bits: unguessable, because feedback is posted by request id. randomUUID draws
 * from a cached entropy pool, where randomBytes(16) enters the system's generator on every request.
 */
export function newRequestId(): string {
  return `req_${randomUUID().replaceAll('-', '')}`;
}

/** The headers every answer carries (errors included), as they stand now. */
export function llmlabHeaders(log: RequestLog): Record<string, string> {
  const overhead = Math.max(performance.now() - log.started - log.upstreamMs, 0);
  const headers: Record<string, string> = {
    'x-llmlab-request-id': log.id,
    'x-llmlab-overhead-ms': overhead.toFixed(2),
  };
  if (log.candidate !== undefined) headers['x-llmlab-model'] = log.candidate;
  if (log.arm !== undefined) headers['x-llmlab-arm'] = log.arm;
  if (log.cached) headers['x-llmlab-cache'] = 'hit';
  return headers;
}

/** Ends a request: logs its row and records its metrics. `result` is the answer, when there is one. */
export function endRequest(
  rt: GatewayRuntime,
  log: RequestLog,
  end: { status: number; result?: GenerateResult; costUsd?: number; error?: string },
): void {
  const durationMs = performance.now() - log.started;
  const overheadMs = Math.max(durationMs - log.upstreamMs, 0);
  const usage = end.result?.usage;
  const { started: _started, upstreamMs: _upstream, onServed, ...row } = log;
  const redact = rt.redact;
  const full: GatewayRequestRow = {
    ...row,
    ...(row.attempts ? { attempts: row.attempts.map((a) => ({ candidate: a.candidate, reason: redact(a.reason) })) } : {}),
    ...(row.messages ? { messages: (row.messages as { role: string; content: string }[]).map((m) => ({ role: m.role, content: redact(m.content) })) } : {}),
    status: end.status,
    cached: log.cached ?? false,
    costUsd: end.costUsd ?? 0,
    latencyMs: durationMs,
    overheadMs,
    ...(usage ? { inputTokens: usage.input, outputTokens: usage.output } : {}),
    ...(end.error !== undefined ? { error: redact(end.error) } : {}),
    ...(rt.config.log === 'full' && end.result ? { output: redact(end.result.output) } : {}),
  };
  rt.gateway.log.append(full);
  if (end.status === 200 && end.result) onServed?.(end.result);
  rt.metrics.request({
    model: log.model,
    ...(log.candidate !== undefined ? { candidate: log.candidate } : {}),
    status: end.status,
    durationMs,
    overheadMs,
    ...(usage ? { inputTokens: usage.input, outputTokens: usage.output } : {}),
    costUsd: full.costUsd,
    cached: full.cached,
  });
}
