/**
 * The exact-match cache of a virtual model, in the eval's response cache (same table, same key function): the key
 * hashes the virtual model, the messages as sent (an arm's prompt included), the sampling parameters and tools, so
 * the same request gets the same answer whichever candidate first served it. The row's provider id records that
 * candidate, for `x-llmlab-model` on a hit.
 */
import { responseKey } from '../engine/cache-key.js';
import type { Store } from '../store/index.js';
import type { GenerateRequest, GenerateResult } from '../types.js';
import type { Assignment } from './experiment-runtime.js';
import type { ChatCall } from './openai-wire.js';
import type { CacheRule, VirtualModel } from './types.js';

/** The cache key of a request to `model`. */
export function cacheKeyOf(model: VirtualModel, call: ChatCall, request: GenerateRequest, assignment: Assignment | undefined): string {
  return responseKey({
    providerType: 'gateway',
    identity: {
      model: model.name,
      parameters: call.overrides,
      ...(call.maxTokens !== undefined ? { maxTokens: call.maxTokens } : {}),
      ...(assignment?.arm.candidate !== undefined ? { candidate: assignment.arm.candidate } : {}),
    },
    messages: request.messages,
    prompt: '',
    vars: {},
    repeatIndex: 0,
    varsMatter: false,
    ...(request.tools ? { tools: request.tools } : {}),
    ...(request.toolChoice !== undefined ? { toolChoice: request.toolChoice } : {}),
  });
}

/** The cached answer under `key` (younger than the rule's TTL), and the candidate that produced it. */
export function cachedResult(store: Store, key: string, rule: CacheRule, now: number): { result: GenerateResult; candidate: string } | undefined {
  const hit = store.cache.lookup(key, rule.ttlMs === undefined ? undefined : now - rule.ttlMs);
  // A cached answer is a result as it was stored, as the engine serves it too.
  return hit && { result: hit.response, candidate: hit.providerId };
}
