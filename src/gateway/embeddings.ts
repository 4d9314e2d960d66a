/**
 * `POST /v1/embeddings`: like a chat request (key, model access, rate limit, budget, fallback under the deadline,
 * log), served by the model's candidates that have an embeddings API. Not cached and not in experiments: an
 * embedding is a lookup, not an answer users judge.
 */
import type { Context } from 'hono';
import { ProviderError } from '../errors.js';
import { costOf } from '../providers/prices.js';
import type { EmbedResult } from '../types.js';
import { tryCandidates } from './attempts.js';
import { admitKey, admitModel, isFailure, reserveSpend, settleSpend } from './admission.js';
import { embeddingsBody, parseEmbeddingsRequest } from './openai-wire.js';
import { endRequest, llmlabHeaders } from './request-log.js';
import type { GatewayRuntime } from './runtime.js';
import type { GatewayCandidate } from './types.js';

export function embeddingsRoute(rt: GatewayRuntime): (c: Context) => Promise<Response> {
  return async (c) => {
    const admitted = await admitKey(rt, c);
    if (admitted instanceof Response) return admitted;
    const { log, fail } = admitted;
    const parsed = parseEmbeddingsRequest(await c.req.json().catch(() => undefined));
    if (!parsed.ok) return fail(parsed.error);
    const call = parsed.call;
    const model = admitModel(rt, admitted, call.model);
    if (isFailure(model)) return fail(model);
    const order = rt.routers.get(model.name)!.order();
    // Every BPE token is at least one byte: the texts' bytes bound the input tokens.
    const tokens = call.input.reduce((n, text) => n + Buffer.byteLength(text, 'utf8'), 0);
    const reserved = await reserveSpend(rt, admitted, Math.max(0, ...order.map((candidate) => costOf(candidate.price, { input: tokens, output: 0, total: tokens }))));
    if ('status' in reserved) return fail(reserved);
    const reservation = reserved.reservation;
    const embed = async (candidate: GatewayCandidate, signal: AbortSignal): Promise<EmbedResult> => {
      const provider = await rt.pool.get(candidate, {});
      // A config mistake the next candidate may not share: status 404 is the `error` trigger.
      if (!provider.embed) throw new ProviderError(`${candidate.label} has no embeddings API`, { status: 404 });
      const sent = performance.now();
      try {
        return await provider.embed(call.input, { signal });
      } finally {
        log.upstreamMs += performance.now() - sent;
      }
    };
    const outcome = await tryCandidates(order, embed, { deadlineMs: Date.now() + model.timeoutMs, rule: model.fallback, router: rt.routers.get(model.name)!, signal: c.req.raw.signal });
    log.attempts = outcome.attempts;
    if (!outcome.ok) {
      settleSpend(rt, reservation, 0);
      return fail({ status: outcome.status, message: outcome.message, type: outcome.status === 400 ? 'invalid_request_error' : 'upstream_error' });
    }
    log.candidate = outcome.candidate.label;
    const result = outcome.value;
    const costUsd = result.cost ?? costOf(outcome.candidate.price, result.usage);
    settleSpend(rt, reservation, costUsd);
    const headers = { ...llmlabHeaders(log), 'content-type': 'application/json' };
    endRequest(rt, log, { status: 200, ...(result.usage ? { result: { output: '', usage: result.usage } } : {}), costUsd });
    return new Response(JSON.stringify(embeddingsBody(result, call.model, call.encodingFormat)), { status: 200, headers });
  };
}
