/** Hand-built candidates and virtual models for the routing tests: what load-gateway would resolve. */
import type { FallbackRule, GatewayCandidate, RouteStrategy, VirtualModel } from '../../src/gateway/types.js';

/** A candidate `label` (its provider id `test:<label>` unless given), priced at `usdPerMillion` input + 0 output. */
export function candidate(label: string, options: { price?: number; timeoutMs?: number; id?: string } = {}): GatewayCandidate {
  const id = options.id ?? `test:${label}`;
  return {
    label,
    provider: {
      id,
      type: 'test',
      model: label,
      label,
      config: {},
      limits: { timeoutMs: options.timeoutMs ?? 60_000, maxRetries: 0 },
    },
    ...(options.price === undefined ? {} : { price: { input: options.price, output: 0 } }),
  };
}

export const FALLBACK: FallbackRule = { on: ['429', '5xx', 'timeout', 'error'], cooldownMs: 30_000, failures: 3 };

export function virtualModel(strategy: RouteStrategy, candidates: GatewayCandidate[], extra: Partial<VirtualModel> = {}): VirtualModel {
  return { name: 'bot', strategy, candidates, fallback: FALLBACK, timeoutMs: 60_000, ...extra };
}
