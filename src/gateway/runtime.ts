/**
 * Everything a gateway's request handlers share, assembled once at start (./server.ts) and passed to each route.
 * Handlers read it and never replace it; the route table inside a router is the one thing that changes while the
 * gateway serves (a new eval run lands).
 */
import type { Store } from '../store/index.js';
import type { KeyRateLimiter } from './key-rate.js';
import type { GatewayMetrics } from './metrics.js';
import type { ProviderPool } from './provider-pool.js';
import type { Router } from './router.js';
import type { ExperimentRuntime } from './experiment-runtime.js';
import type { GatewayStore, ResolvedGateway } from './types.js';

export interface GatewayRuntime {
  config: ResolvedGateway;
  /** The eval store: the response cache and the stored runs quality routing reads. */
  store: Store;
  gateway: GatewayStore;
  pool: ProviderPool;
  routers: ReadonlyMap<string, Router>;
  rates: KeyRateLimiter;
  metrics: GatewayMetrics;
  experiments: ExperimentRuntime;
  /** Wall-clock ms (logs, budgets' periods); tests may pin it. */
  now: () => number;
  /**
   * Takes the upstream API keys (and any variable named like a credential) out of text the gateway keeps or sends:
   * a server or model may echo a key back, and a gateway's clients must never see its upstream credentials.
   */
  redact: (text: string) => string;
  /** Warnings for the gateway's own log (stderr): a refresh that kept the old route table, a judge that failed. */
  warn: (message: string) => void;
}
