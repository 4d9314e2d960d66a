/**
 * The per-provider estimate of a plan before anything is sent: calls still to make (cached cells excluded),
 * their input tokens, the output bound and the cost range. `llmlab plan` prints it; a run records it at its start
 * so its report can set the estimate beside what the calls really used.
 */
import type { ResolvedProvider } from '../config/types.js';
import type { RunEstimate } from '../store/runs.js';
import { fillTemplate } from '../attacks/library.js';
import type { AttackTurns, ChatMessage, Provider } from '../types.js';
import { costOf } from '../providers/prices.js';
import { cellRequest, countedMessages } from './cell-request.js';
import { loadInputCounter, outputBound, providerPrice, worstCaseCost } from './estimate.js';
import type { Plan } from './plan.js';

/** One provider's estimate: what `llmlab plan` prints, a budget is checked against and a run records. */
export type ProviderEstimate = RunEstimate;

/** Which response keys the run would answer from the cache (never called for `--no-cache`). */
export type CachedKey = (key: string) => boolean;

/** Estimates one provider's cells; `isCached` decides which are excluded. */
async function estimateProvider(
  plan: Plan,
  resolved: ResolvedProvider,
  provider: Provider,
  isCached: CachedKey,
): Promise<ProviderEstimate> {
  // A tuned model's base instance stands in for counting tokens (providerPrice prices it as the tuned model).
  const price = providerPrice(plan.suite.prices, resolved, provider);
  const { count: countInput, method } = await loadInputCounter(provider.type, provider.model);
  const bound = outputBound(resolved);
  const estimate: ProviderEstimate = {
    label: resolved.label, calls: 0, cached: 0, inputTokens: 0, method, outputPerCall: bound.tokens,
    outputAssumed: bound.assumed, priced: price !== undefined, lowUsd: 0, worstUsd: 0,
  };
  const hasAttacker = plan.suite.security?.attacker !== undefined;
  for (const cell of plan.cellsFor(resolved)) {
    const conversation = cell.test.attack?.turns;
    if (conversation) {
      // A conversation's turns depend on the answers, so none is known to be cached: each turn counts as a call
      // whose input is the conversation so far, the target's earlier answers at the output bound.
      const turns = conversationTurns(conversation, hasAttacker);
      const opening = cell.test.attack!.messages;
      for (let t = 0; t < turns.length; t++) {
        estimate.calls++;
        estimate.inputTokens += countInput([...opening, ...turns.slice(0, t + 1)]) + t * bound.tokens;
      }
      continue;
    }
    const { messages, key, tools } = cellRequest(cell, provider);
    if (isCached(key)) estimate.cached++;
    else {
      estimate.calls++;
      estimate.inputTokens += countInput(countedMessages(messages, tools));
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
    // Nothing of a model not trained yet is cached: its base's instance stands in for the request's shape.
    const base = resolved.finetune && plan.suite.finetunes?.find((r) => r.id === resolved.finetune!.recipe)?.base;
    const provider = providers.get(base || resolved.label);
    if (provider) out.push(await estimateProvider(plan, resolved, provider, base ? () => false : isCached));
  }
  return out;
}

/**
 * The user turns a conversation is expected to send: its script, or with an attacker model writing an escalation,
 * up to `max` turns (the script's last turn standing in for the ones the attacker writes beyond it).
 */
function conversationTurns(turns: AttackTurns, hasAttacker: boolean): ChatMessage[] {
  const count = turns.escalate && hasAttacker ? turns.max : Math.min(turns.max, turns.script.length);
  return Array.from({ length: count }, (_, i) => ({
    role: 'user' as const,
    content: fillTemplate(turns.template, { input: turns.script[Math.min(i, turns.script.length - 1)] ?? '' }),
  }));
}
