/**
 * Per-candidate latency estimates for `fastest` (and `quality` with `prefer: fastest`): an exponentially weighted
 * moving average of successful attempts, so a candidate that slows down loses its place within a few requests.
 * Before a candidate has answered, the median latency of the quality run stands in for it when one is known.
 */
import type { GatewayCandidate } from './types.js';

/** Weight of the newest sample: about the last 5 requests dominate the estimate. */
export const LATENCY_ALPHA = 0.3;

export interface LatencyEstimates {
  /** A successful attempt's latency, ms. Failures are the circuit breaker's business, not the average's. */
  record(label: string, latencyMs: number): void;
  /** The estimate, ms: the moving average, else the seed, else undefined. */
  estimate(label: string): number | undefined;
  /**
   * Candidates fastest first. Those with no estimate yet come first, in config order: each gets measured once
   * instead of never being tried while a known one answers (with no estimate at all this is config order).
   * Ties keep config order.
   */
  sort(candidates: readonly GatewayCandidate[]): GatewayCandidate[];
}

export interface LatencyOptions {
  /** A latency known before any request (the quality run's median), by label. */
  seed?: (label: string) => number | undefined;
  alpha?: number;
}

export function createLatencyEstimates(options: LatencyOptions = {}): LatencyEstimates {
  const alpha = options.alpha ?? LATENCY_ALPHA;
  const averages = new Map<string, number>();
  const estimate = (label: string) => averages.get(label) ?? options.seed?.(label);
  return {
    record(label, latencyMs) {
      if (!Number.isFinite(latencyMs) || latencyMs < 0) return;
      const previous = averages.get(label);
      averages.set(label, previous === undefined ? latencyMs : previous + alpha * (latencyMs - previous));
    },
    estimate,
    sort(candidates) {
      const keyed = candidates.map((candidate, index) => ({ candidate, index, ms: estimate(candidate.label) }));
      keyed.sort((a, b) => {
        if (a.ms === undefined || b.ms === undefined) {
          if (a.ms === b.ms) return a.index - b.index;
          return a.ms === undefined ? -1 : 1;
        }
        return a.ms - b.ms || a.index - b.index;
      });
      return keyed.map((k) => k.candidate);
    },
  };
}
