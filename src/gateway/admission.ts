/**
 * What every model request goes through before a candidate is called: its log record, the key, the virtual model,
 * the key's access to it and rate limit, and the reservation of its worst-case cost against the key's budget. Each
 * step's refusal is answered (and logged) in OpenAI's error shape by the caller's `fail`.
 */
import type { Context } from 'hono';
import { authenticate } from './auth.js';
import { requestFailure, type Failure } from './failure.js';
import { newRequestId, type RequestLog } from './request-log.js';
import type { GatewayRuntime } from './runtime.js';
import type { KeyPolicy, SpendReservation, VirtualModel } from './types.js';

/** A request let in: its log record, its key's policy (none without `keys:`), and how to answer a refusal. */
export interface Admitted {
  log: RequestLog;
  policy: KeyPolicy | undefined;
  fail(failure: Failure): Response;
}

/** Starts a request's record and checks its key: the admitted request, or the 401 to send. */
export async function admitKey(rt: GatewayRuntime, c: Context): Promise<Admitted | Response> {
  const log: RequestLog = { id: newRequestId(), at: rt.now(), started: performance.now(), upstreamMs: 0, stream: false, model: '' };
  const fail = (failure: Failure) => requestFailure(rt, log, failure);
  const auth = await authenticate(rt.config, rt.gateway.keys, c.req.header('authorization'));
  if (!auth.ok) return fail({ status: 401, message: auth.message, type: 'invalid_request_error', code: 'invalid_api_key' });
  if (auth.policy) log.keyId = auth.policy.id;
  return { log, policy: auth.policy, fail };
}

/** The virtual model asked for, once the key may call it and is within its rate: the model, or the failure. */
export function admitModel(rt: GatewayRuntime, admitted: Admitted, name: string): VirtualModel | Failure {
  const model = rt.config.models[name];
  if (!model) {
    const names = Object.keys(rt.config.models).join(', ');
    return { status: 404, message: `model \`${name}\` does not exist; this gateway serves: ${names}`, type: 'invalid_request_error', param: 'model', code: 'model_not_found' };
  }
  admitted.log.model = model.name;
  const policy = admitted.policy;
  if (!policy) return model;
  if (policy.models && !policy.models.includes(model.name)) {
    return { status: 403, message: `key \`${policy.id}\` may not call \`${model.name}\` (it may call ${policy.models.join(', ')})`, type: 'invalid_request_error', param: 'model', code: 'model_not_allowed' };
  }
  if (policy.rpm !== undefined) {
    const decision = rt.rates.take(policy.id, policy.rpm, performance.now());
    if (!decision.ok) {
      return { status: 429, message: `key \`${policy.id}\` is over its limit of ${policy.rpm} requests per minute`, type: 'requests', code: 'rate_limit_exceeded', retryAfterMs: decision.retryAfterMs };
    }
  }
  return model;
}

/** True when `admitModel` answered with a failure. */
export function isFailure(value: VirtualModel | Failure): value is Failure {
  return 'status' in value;
}

/** Reserves `usd` against the key's budget (nothing without one): the reservation, or the 429 to send. */
export async function reserveSpend(rt: GatewayRuntime, admitted: Admitted, usd: number): Promise<{ reservation?: SpendReservation } | Failure> {
  const policy = admitted.policy;
  if (!policy?.budgetUsd) return {};
  const reserved = await rt.gateway.spend.reserve(policy, usd, admitted.log.at);
  if (reserved.ok) return { reservation: reserved.reservation };
  rt.metrics.budgetRefusal(policy.id);
  const r = reserved.refusal;
  return {
    status: 429,
    type: 'insufficient_quota',
    code: 'budget_exceeded',
    message:
      `key \`${policy.id}\` is over its ${r.period === 'day' ? 'daily' : 'monthly'} budget of $${r.limitUsd}: $${r.committedUsd.toFixed(4)} ` +
      `spent or reserved, and this request may cost up to $${r.neededUsd.toFixed(4)}; it resets at ${new Date(r.resetsAt).toISOString()}`,
    retryAfterMs: Math.max(r.resetsAt - rt.now(), 0),
  };
}

/** Gives back what a reservation did not cost (0 for a request that failed) in the background. */
export function settleSpend(rt: GatewayRuntime, reservation: SpendReservation | undefined, usd: number): void {
  if (reservation) void rt.gateway.spend.settle(reservation, usd).catch((error: unknown) => rt.warn(`settling spend failed: ${String(error)}`));
}
