/**
 * `POST /v1/chat/completions`: key → parse → model → rate limit → experiment arm → cache → budget reservation →
 * candidates in the router's order with fallback under the request's deadline → answer (JSON or SSE) → settle the
 * spend, log, metrics. The log write and a sampled judge happen after the answer, off the hot path.
 */
import type { Context } from 'hono';
import { costOf } from '../providers/prices.js';
import type { GenerateRequest, GenerateResult } from '../types.js';
import { tryCandidates } from './attempts.js';
import { admitKey, admitModel, isFailure, reserveSpend, settleSpend } from './admission.js';
import { cacheKeyOf, cachedResult } from './chat-cache.js';
import { answerStream, openStream, type OpenedStream, type StreamAccounts } from './chat-stream.js';
import { armMessages, type Assignment } from './experiment-runtime.js';
import { redactResult } from './redact-result.js';
import { chatCompletionBody, parseChatRequest, type ChatCall } from './openai-wire.js';
import { inputTokenBound, outputCap, worstCost } from './request-cost.js';
import { endRequest, llmlabHeaders, type RequestLog } from './request-log.js';
import type { GatewayRuntime } from './runtime.js';
import type { GatewayCandidate, VirtualModel } from './types.js';

/** Header a client may set to bound the whole request, fallbacks included (ms, at most the model's `timeoutMs`). */
export const DEADLINE_HEADER = 'x-llmlab-deadline-ms';

export function chatRoute(rt: GatewayRuntime): (c: Context) => Promise<Response> {
  return async (c) => {
    const admitted = await admitKey(rt, c);
    if (admitted instanceof Response) return admitted;
    const { log, policy, fail } = admitted;
    let body: unknown;
    try {
      body = await c.req.json();
    } catch {
      return fail({ status: 400, message: 'the request body is not JSON', type: 'invalid_request_error' });
    }
    const parsed = parseChatRequest(body);
    if (!parsed.ok) return fail(parsed.error);
    const call = parsed.call;
    log.stream = call.stream;
    const model = admitModel(rt, admitted, call.model);
    if (isFailure(model)) return fail(model);

    const assignment = await rt.experiments.assign(model.name, body, c.req.raw.headers);
    if (assignment) Object.assign(log, { experiment: assignment.experiment.name, arm: assignment.arm.name, unit: assignment.unit });
    const request = requestOf(call, assignment);
    if (rt.config.log === 'full') log.messages = request.messages;
    if (assignment?.experiment.metric.judge) {
      log.onServed = (result) => rt.experiments.judge(assignment, { requestId: log.id, messages: request.messages, output: result.output });
    }

    const cacheKey = model.cache ? cacheKeyOf(model, call, request, assignment) : undefined;
    const hit = cacheKey === undefined ? undefined : cachedResult(rt.store, cacheKey, model.cache!, rt.now());
    if (hit) {
      Object.assign(log, { candidate: hit.candidate, cached: true });
      return answer(rt, log, call, hit.result, () => 0);
    }

    const order = orderFor(rt, model, assignment);
    const capOf = (candidate: GatewayCandidate) => outputCap(call.maxTokens, candidate, policy?.budgetUsd !== undefined);
    const reserved = policy?.budgetUsd ? await reserveSpend(rt, admitted, worstCost(order, inputTokenBound(request.messages, call.tools), (candidate) => capOf(candidate) ?? 0)) : {};
    if ('status' in reserved) return fail(reserved);
    const reservation = reserved.reservation;
    const release = (usd: number) => settleSpend(rt, reservation, usd);

    const invoke = async (candidate: GatewayCandidate, signal: AbortSignal): Promise<OpenedStream | GenerateResult> => {
      const cap = capOf(candidate);
      const overrides = cap === undefined || call.maxTokens !== undefined ? call.overrides : { ...call.overrides, maxTokens: cap };
      const provider = await rt.pool.get(candidate, overrides);
      const sent = performance.now();
      try {
        return call.stream ? await openStream(provider, request, signal) : await provider.generate(request, { signal });
      } finally {
        log.upstreamMs += performance.now() - sent;
      }
    };
    const outcome = await tryCandidates(order, invoke, {
      deadlineMs: Date.now() + deadlineOf(c.req.header(DEADLINE_HEADER), model),
      rule: model.fallback,
      router: rt.routers.get(model.name)!,
      signal: c.req.raw.signal,
    });
    log.attempts = outcome.attempts;
    // A failed request's last attempt moved on to nothing: it is no fallback.
    for (const attempt of outcome.ok ? outcome.attempts : outcome.attempts.slice(0, -1)) rt.metrics.fallback(model.name, attempt.candidate, reasonLabel(attempt.reason));
    if (!outcome.ok) {
      release(0);
      if (outcome.candidate) log.candidate = outcome.candidate.label;
      return fail({
        status: outcome.status,
        message: outcome.message,
        type: outcome.status === 400 ? 'invalid_request_error' : outcome.status === 429 ? 'rate_limit_exceeded' : 'upstream_error',
        ...(outcome.retryAfterMs !== undefined ? { retryAfterMs: outcome.retryAfterMs } : {}),
      });
    }
    const candidate = outcome.candidate;
    log.candidate = candidate.label;
    const accounts: StreamAccounts = {
      settle(result) {
        const cost = result.cost ?? costOf(candidate.price, result.usage);
        release(cost);
        if (cacheKey !== undefined) rt.store.cache.put(cacheKey, candidate.label, { ...redactResult(result, rt.redact), cost });
        return cost;
      },
      abandon: () => release(reservation?.usd ?? 0),
    };
    const value = outcome.value;
    if ('first' in value) return answerStream(rt, log, call, value, accounts);
    return answer(rt, log, call, redactResult(value, rt.redact), accounts.settle);
  };
}

/** What the candidates are sent: the client's messages, or the arm's system prompt in place of the client's. */
function requestOf(call: ChatCall, assignment: Assignment | undefined): GenerateRequest {
  const messages = assignment ? armMessages(assignment.arm, call.messages) : call.messages;
  return {
    messages,
    prompt: messages.map((m) => m.content).join('\n\n'),
    vars: {},
    repeatIndex: 0,
    ...(call.tools ? { tools: call.tools } : {}),
    ...(call.toolChoice !== undefined ? { toolChoice: call.toolChoice } : {}),
  };
}

/** The router's order; an arm served by one candidate tries it first and keeps the rest as fallbacks. */
function orderFor(rt: GatewayRuntime, model: VirtualModel, assignment: Assignment | undefined): GatewayCandidate[] {
  const order = rt.routers.get(model.name)!.order();
  const pinned = assignment?.arm.candidate;
  if (pinned === undefined) return order;
  const first = model.candidates.find((c) => c.label === pinned)!;
  return [first, ...order.filter((c) => c.label !== pinned)];
}

/** A fallback's reason as a metric label: a few fixed values, never free text (each would be a new series). */
function reasonLabel(reason: string): string {
  const status = /^HTTP (\d+)/.exec(reason)?.[1];
  if (status) return status === '429' ? '429' : `${status[0]}xx`;
  return /timed out/.test(reason) ? 'timeout' : 'error';
}

function deadlineOf(header: string | undefined, model: VirtualModel): number {
  const asked = header === undefined ? NaN : Number(header);
  return Number.isFinite(asked) && asked > 0 ? Math.min(asked, model.timeoutMs) : model.timeoutMs;
}

/** A whole answer (not streamed, or from the cache): JSON, or replayed as a stream when the client asked for one. */
function answer(rt: GatewayRuntime, log: RequestLog, call: ChatCall, result: GenerateResult, settle: (result: GenerateResult) => number): Response {
  if (call.stream) {
    return answerStream(rt, log, call, { first: { type: 'done', result }, rest: undefined, cancel: () => {} }, { settle, abandon: () => {} });
  }
  const costUsd = settle(result);
  const body = chatCompletionBody(result, { id: `chatcmpl-${log.id}`, model: call.model, created: Math.floor(log.at / 1000) });
  const headers = { ...llmlabHeaders(log), 'content-type': 'application/json' };
  endRequest(rt, log, { status: 200, result, costUsd });
  return new Response(JSON.stringify(body), { status: 200, headers });
}
