/**
 * `POST /v1/feedback {request_id, score}`: a user's verdict on an answer, the outcome experiments compare. With
 * keys, only the key that made the request may rate it (one team cannot skew another's experiment). `thumbs`
 * experiments take 0/1 (or true/false); others any score in 0..1. Posting again for a request replaces its
 * feedback (a user who changes their mind counts once).
 */
import type { Context } from 'hono';
import { authenticate } from './auth.js';
import { errorResponse } from './openai-wire.js';
import type { GatewayRuntime } from './runtime.js';

export function feedbackRoute(rt: GatewayRuntime): (c: Context) => Promise<Response> {
  return async (c) => {
    const auth = await authenticate(rt.config, rt.gateway.keys, c.req.header('authorization'));
    if (!auth.ok) return errorResponse({ status: 401, message: auth.message, type: 'invalid_request_error', code: 'invalid_api_key' });
    const body = (await c.req.json().catch(() => undefined)) as { request_id?: unknown; score?: unknown } | undefined;
    const requestId = body?.request_id;
    if (typeof requestId !== 'string' || requestId === '') {
      return errorResponse({ status: 400, message: '`request_id` is required: the `x-llmlab-request-id` header of the answer', type: 'invalid_request_error', param: 'request_id' });
    }
    const row = await rt.gateway.log.get(requestId);
    if (!row || (auth.policy && row.keyId !== auth.policy.id)) {
      return errorResponse({ status: 404, message: `no request \`${requestId}\` made with this key`, type: 'invalid_request_error', param: 'request_id' });
    }
    const experiment = row.experiment === undefined ? undefined : rt.config.experiments[row.experiment];
    const score = scoreOf(body?.score, experiment?.metric.feedback ?? 'score');
    if (score === undefined) {
      const expected = experiment?.metric.feedback === 'thumbs' ? '0 or 1 (or true/false)' : 'a number from 0 to 1';
      return errorResponse({ status: 400, message: `\`score\` must be ${expected}`, type: 'invalid_request_error', param: 'score' });
    }
    await rt.gateway.outcomes.add({ requestId, source: 'feedback', score, at: rt.now() });
    return c.json({ ok: true, request_id: requestId, score, ...(row.experiment ? { experiment: row.experiment, arm: row.arm } : {}) });
  };
}

function scoreOf(value: unknown, kind: 'thumbs' | 'score'): number | undefined {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value !== 'number' || !Number.isFinite(value)) return undefined;
  if (kind === 'thumbs') return value === 0 || value === 1 ? value : undefined;
  return value >= 0 && value <= 1 ? value : undefined;
}
