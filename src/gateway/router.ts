/**
 * A virtual model's router: the order in which one request tries the candidates, and what it learns from each
 * attempt (latency, circuit breakers). Pure apart from the injected clock and random source, so every strategy is
 * tested without a server.
 *
 * Strategies:
 * - `fallback`: config order.
 * - `cheapest`: input + output USD per million tokens, ascending; unpriced candidates after the priced ones, in
 *   config order (with a warning: their cost is unknown, not zero).
 * - `fastest`: the latency estimate (./latency.ts), fastest first.
 * - `quality`: only candidates that qualify in the quality table (./quality-table.ts), cheapest or fastest first
 *   by `quality.prefer`. Candidates that do not qualify are never served, not even when every qualifying one
 *   fails: a 502 is honest, while an answer from a model the team measured as not good enough is a silent
 *   quality incident.
 * - `split`: the first candidate drawn at random by `weights` (default equal), then the rest in config order as
 *   fallbacks.
 * In every strategy, a candidate whose breaker is open (or half-open with its single trial already out) moves
 * behind the others: still tried when everything else failed.
 */
import { LlmlabError } from '../errors.js';
import { createCircuitBreaker, type BreakerState, type CircuitBreaker } from './circuit-breaker.js';
import { createLatencyEstimates } from './latency.js';
import type { CandidateStanding, QualityTable } from './quality-table.js';
import type { FallbackTrigger, GatewayCandidate, VirtualModel } from './types.js';

/** What one attempt at a candidate came to. A failure's `trigger` is undefined when it is not the candidate's fault. */
export type AttemptOutcome = { ok: true; latencyMs: number } | { ok: false; trigger: FallbackTrigger | undefined };

/** Injected for tests; the defaults are real time and Math.random. */
export interface RouterDeps {
  /** Required by `strategy: quality`; its run's median latencies also seed `fastest`. */
  quality?: QualityTable;
  now?: () => number;
  /** Uniform in [0, 1). */
  random?: () => number;
  /** Told about config that works but deserves a look (unpriced candidates under `cheapest`). */
  warn?: (message: string) => void;
}

/** One candidate as the router sees it now: what `GET /health` and `llmlab gateway` print. */
export interface RouteStanding {
  label: string;
  /** False for a candidate `quality` does not serve. */
  served: boolean;
  breaker: BreakerState;
  /** The latency estimate, ms, once known. */
  latencyMs?: number;
  /** Input + output USD per million tokens, when priced. */
  priceUsdPerMillion?: number;
  /** Its row of the quality table, for `strategy: quality`. */
  quality?: CandidateStanding;
}

export interface Router {
  readonly model: VirtualModel;
  /** The candidates to try for one request, first choice first (non-qualifying `quality` candidates left out). */
  order(): GatewayCandidate[];
  /**
   * Called right before a candidate is sent a request: false when its breaker refuses it (open, or half-open with
   * the trial taken), and the caller then tries it only after every other candidate.
   */
  attempt(label: string): boolean;
  /** Every attempt's outcome, exactly once (a refused `attempt` has none). */
  record(label: string, outcome: AttemptOutcome): void;
  describe(): RouteStanding[];
  /** Config warnings found when the router was made. */
  readonly warnings: readonly string[];
}

export function createRouter(model: VirtualModel, deps: RouterDeps = {}): Router {
  const now = deps.now ?? Date.now;
  const random = deps.random ?? Math.random;
  const quality = deps.quality;
  if (model.strategy === 'quality' && !quality) {
    throw new LlmlabError('INTERNAL', `${model.name}: strategy quality needs its quality table`);
  }
  const breakers = new Map<string, CircuitBreaker>(model.candidates.map((c) => [c.label, createCircuitBreaker(model.fallback, now)]));
  const latency = createLatencyEstimates({ seed: (label) => quality?.standing(label)?.medianLatencyMs });
  const byPrice = cheapestFirst(model.candidates);
  const warnings = unpricedWarnings(model);
  for (const w of warnings) deps.warn?.(w);

  const strategyOrder = (): GatewayCandidate[] => {
    switch (model.strategy) {
      case 'fallback':
        return [...model.candidates];
      case 'cheapest':
        return [...byPrice];
      case 'fastest':
        return latency.sort(model.candidates);
      case 'split':
        return splitOrder(model, random());
      case 'quality': {
        const served = model.candidates.filter((c) => quality!.standing(c.label)?.qualifies === true);
        return quality!.rule.prefer === 'fastest' ? latency.sort(served) : cheapestFirst(served);
      }
    }
  };

  return {
    model,
    warnings,
    order() {
      const ordered = strategyOrder();
      const ready = ordered.filter((c) => breakers.get(c.label)?.available() !== false);
      if (ready.length === ordered.length) return ordered;
      return [...ready, ...ordered.filter((c) => breakers.get(c.label)?.available() === false)];
    },
    attempt: (label) => breakers.get(label)?.acquire() ?? true,
    record(label, outcome) {
      const breaker = breakers.get(label);
      if (outcome.ok) {
        breaker?.success();
        latency.record(label, outcome.latencyMs);
      } else {
        breaker?.failure(outcome.trigger);
      }
    },
    describe() {
      return model.candidates.map((c) => {
        const standing = quality?.standing(c.label);
        const ms = latency.estimate(c.label);
        const price = priceOf(c);
        return {
          label: c.label,
          served: model.strategy !== 'quality' || standing?.qualifies === true,
          breaker: breakers.get(c.label)!.state(),
          ...(ms === undefined ? {} : { latencyMs: ms }),
          ...(price === undefined ? {} : { priceUsdPerMillion: price }),
          ...(model.strategy === 'quality' && standing ? { quality: standing } : {}),
        };
      });
    },
  };
}

/** Input + output USD per million tokens; undefined when unpriced. */
function priceOf(candidate: GatewayCandidate): number | undefined {
  return candidate.price ? candidate.price.input + candidate.price.output : undefined;
}

/** Cheapest first; unpriced last; ties in config order (the sort is stable). */
function cheapestFirst(candidates: readonly GatewayCandidate[]): GatewayCandidate[] {
  return [...candidates].sort((a, b) => (priceOf(a) ?? Infinity) - (priceOf(b) ?? Infinity) || 0);
}

function unpricedWarnings(model: VirtualModel): string[] {
  const byPrice = model.strategy === 'cheapest' || (model.strategy === 'quality' && model.quality?.prefer !== 'fastest');
  if (!byPrice) return [];
  return model.candidates
    .filter((c) => c.price === undefined)
    .map((c) => `${model.name}: ${c.label} has no price, so it is ranked after every priced candidate (add it to \`prices:\`)`);
}

/** The first pick drawn by weight from `draw` ∈ [0, 1), then the others in config order. */
function splitOrder(model: VirtualModel, draw: number): GatewayCandidate[] {
  const candidates = model.candidates;
  const weightOf = (c: GatewayCandidate) => (model.weights ? Math.max(0, model.weights[c.label] ?? 0) : 1);
  const total = candidates.reduce((sum, c) => sum + weightOf(c), 0);
  // All weights zero would leave nothing to draw: equal shares then.
  const weigh = total > 0 ? weightOf : () => 1;
  let left = draw * (total > 0 ? total : candidates.length);
  // Rounding can leave `left` a hair above the last share: the last candidate with weight takes it then.
  let first = candidates.findLastIndex((c) => weigh(c) > 0);
  for (let i = 0; i < candidates.length; i++) {
    const w = weigh(candidates[i]!);
    if (w > 0 && left < w) {
      first = i;
      break;
    }
    left -= w;
  }
  return [candidates[first]!, ...candidates.filter((_, i) => i !== first)];
}
