/**
 * A gateway.yaml, resolved (src/config/load-gateway.ts): here in config, which makes it, and re-exported with the
 * store contract by src/gateway/types.ts, which every part of the gateway codes against.
 */
import type { ResolvedProvider } from './types.js';
import type { ModelPrice } from '../providers/prices.js';
import type { SpendLimits } from '../store/gateway-types.js';

/** How a virtual model orders its candidates for one request. */
export type RouteStrategy = 'fallback' | 'cheapest' | 'fastest' | 'quality' | 'split';

/** Failures that move a request on to the next candidate (and count against a candidate's circuit breaker). */
export type FallbackTrigger = '429' | '5xx' | 'timeout' | 'error';

/** One candidate of a virtual model: a provider the gateway can call. */
export interface GatewayCandidate {
  /** The name used in headers, logs and stats: the provider's label. */
  label: string;
  provider: ResolvedProvider;
  /** USD per million tokens, when known (price profiles, the config's `prices:`). */
  price?: ModelPrice;
}

/** `quality:` of a virtual model: route on a suite's latest stored run. */
export interface QualityRule {
  /** Absolute path of the suite file; its latest whole run in the store is read. */
  suite: string;
  /** `pass` (the pass rate) or a named metric's mean score. */
  metric: string;
  /** A candidate qualifies when the LOWER 95 % bound of its metric is at least this. */
  minRate: number;
  /** Among qualifying candidates: the cheapest (default) or the fastest (median latency of that run). */
  prefer: 'cheapest' | 'fastest';
  /** The suite's prompt whose results count; default: every prompt of the run pooled. */
  prompt?: string;
}

/** `fallback:` of a virtual model. */
export interface FallbackRule {
  on: FallbackTrigger[];
  /** How long a candidate whose breaker opened is skipped. */
  cooldownMs: number;
  /** Consecutive failures that open a candidate's breaker. */
  failures: number;
}

/** `cache:` of a virtual model. */
export interface CacheRule {
  mode: 'exact';
  /** Entries older than this are not served; unset = no expiry. */
  ttlMs?: number;
}

/** A virtual model: what clients ask for in `model`. */
export interface VirtualModel {
  name: string;
  strategy: RouteStrategy;
  candidates: GatewayCandidate[];
  quality?: QualityRule;
  /** `split` weights by candidate label, summing to 1. */
  weights?: Record<string, number>;
  fallback: FallbackRule;
  cache?: CacheRule;
  /** The deadline of a request when the client sets none (header `x-llmlab-deadline-ms`), ms. */
  timeoutMs: number;
}

/** A virtual key's policy (`keys:`). Its secret lives only as a hash in the store. */
export interface KeyPolicy extends SpendLimits {
  /** Requests per minute. */
  rpm?: number;
  /** Virtual model names this key may call; unset = all. */
  models?: string[];
}

/** One arm of an experiment. */
export interface ExperimentArm {
  name: string;
  /** The arm's system prompt (the file's text, sent as written), replacing the client's system messages. */
  prompt?: { file: string; text: string };
  /** Serve this arm from this candidate label instead of the model's routing. */
  candidate?: string;
}

/** An A/B experiment on one virtual model (`experiments:`). */
export interface Experiment {
  name: string;
  /** The virtual model whose requests are split. */
  model: string;
  arms: ExperimentArm[];
  /** Fixed shares by arm name (summing to 1), or Thompson-sampling allocation. */
  split: { kind: 'fixed'; shares: Record<string, number> } | { kind: 'bandit' };
  /** The unit that is assigned: the request body's `user`, or a header's value. */
  sticky: { kind: 'user' } | { kind: 'header'; name: string };
  metric: {
    /** Feedback posted to /v1/feedback counts: `thumbs` (0/1) or `score` (0..1). */
    feedback?: 'thumbs' | 'score';
    /** An online judge on a sampled fraction of requests. */
    judge?: { grader: ResolvedProvider; rubric: string; sample: number; price?: ModelPrice };
  };
  /** Error rate of the anytime-valid comparison; default 0.05. */
  alpha: number;
}

/** A gateway.yaml, resolved. */
export interface ResolvedGateway {
  /** Absolute path of the config file. */
  file: string;
  baseDir: string;
  models: Record<string, VirtualModel>;
  /** Unset: no `keys:`, so requests need no key (only allowed on a loopback host). */
  keys?: Record<string, KeyPolicy>;
  experiments: Record<string, Experiment>;
  /** `metadata` logs counts, cost and timing; `full` also the messages and the answer. */
  log: 'metadata' | 'full';
  /** Absolute path of the database (the project's unless the config sets `db:`). */
  db: string;
}

