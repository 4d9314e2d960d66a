/**
 * The per-provider estimate of a plan before anything is sent: calls still to make (cached cells excluded),
 * their input tokens, the output bound and the cost range. `llmlab plan` prints it; a run records it at its start
 * so its report can set the estimate beside what the calls really used.
 */
import type { ResolvedProvider } from '../config/types.js';
import type { RunEstimate } from '../store/runs.js';
import type { Provider } from '../types.js';
import { cellRequest } from './cell-request.js';
import { costOf, suitePrice } from './cost.js';
import { loadInputCounter, outputBound, worstCaseCost } from './estimate.js';
import type { Plan } from './plan.js';

/** One provider's estimate: what `llmlab plan` prints, a budget is checked against and a run records. */
export type ProviderEstimate = RunEstimate;

/** Which response keys the run would answer from the cache (never called for `--no-cache`). */
export type CachedKey = (key: string) => boolean;

/** Estimates one provider's cells; `isCached` decides which are excluded. */
export async function estimateProvider(
  plan: Plan,
  resolved: ResolvedProvider,
  provider: Provider,
  isCached: CachedKey,
): Promise<ProviderEstimate> {
  const price = suitePrice(plan.suite.prices, provider.type, provider.model);
  const { count: countInput, method } = await loadInputCounter(provider.type, provider.model);
  const bound = outputBound(resolved);
  const estimate: ProviderEstimate = {
    label: resolved.label, calls: 0, cached: 0, inputTokens: 0, method, outputPerCall: bound.tokens,
    outputAssumed: bound.assumed, priced: price !== undefined, lowUsd: 0, worstUsd: 0,
  };
  for (const cell of plan.cellsFor(resolved)) {
    const { messages, key } = cellRequest(cell, provider);
    if (isCached(key)) estimate.cached++;
    else {
      estimate.calls++;
      estimate.inputTokens += countInput(messages);
    }
  }
  estimate.lowUsd = costOf(price, { input: estimate.inputTokens, output: 0, total: estimate.inputTokens });
  estimate.worstUsd = worstCaseCost(price, estimate.inputTokens, estimate.calls * bound.tokens);
  return estimate;
}

/** Estimates every provider of the plan, in suite order. */
export async function estimatePlan(
  plan: Plan,
  providers: ReadonlyMap<string, Provider>,
  isCached: CachedKey,
): Promise<ProviderEstimate[]> {
  const out: ProviderEstimate[] = [];
  for (const resolved of plan.suite.providers) {
    const provider = providers.get(resolved.label);
    if (provider) out.push(await estimateProvider(plan, resolved, provider, isCached));
  }
  return out;
}
