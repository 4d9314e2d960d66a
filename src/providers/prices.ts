/**
 * Cost of a call from its token usage and a price table (USD per million tokens): the price profiles in
 * `providers/*.yaml` (./price-profiles.ts), overridden by `prices:` in llmlab.config.yaml and the suite. Config
 * resolves a suite's table with these lookups and the engine prices calls with it, so both import this leaf.
 */
import { createHash } from 'node:crypto';
import type { ModelPrice, PriceTable } from '../schema-types/suite-file.js';
import type { TokenUsage } from '../types.js';
import { OPENAI_VENDORS } from './openai-vendors.js';
import type { OpenAIVendor } from './openai-vendors.js';
import { builtInProfiles } from './price-profiles.js';

export type { ModelPrice, PriceTable } from '../schema-types/suite-file.js';

/** Provider types billed per token: a model of theirs without a price is worth a warning. Others run locally. */
export const PRICED_TYPES: ReadonlySet<string> = new Set([
  'openai',
  'anthropic',
  'azure',
  'bedrock',
  'google',
  'vertex',
  ...Object.entries(OPENAI_VENDORS as Record<string, OpenAIVendor>).filter(([, v]) => !v.local).map(([type]) => type),
]);

/**
 * The price of `model` under provider `type`, if known. Dated snapshots (`gpt-4o-2024-08-06`) match their base. A
 * fine-tuned OpenAI model (`ft:<base>:<org>::<id>`) costs its base's `tunedInput`/`tunedOutput`.
 */
export function priceOf(type: string, model: string): ModelPrice | undefined {
  const tuned = /^ft:([^:]+):/.exec(model);
  if (tuned) return tunedPrice(priceOf(type, tuned[1]!));
  const profile = builtInProfiles.profileOf(type);
  if (!profile) return undefined;
  const models = profile.models;
  if (Object.hasOwn(models, model)) return models[model];
  const base = Object.keys(models)
    .filter((name) => model.startsWith(`${name}-`))
    .sort((a, b) => b.length - a.length)[0];
  return base ? models[base] : profile.default;
}

/** What a model tuned from one priced `base` costs per call: the base's tuned prices, else its own. */
export function tunedPrice(base: ModelPrice | undefined): ModelPrice | undefined {
  if (!base) return undefined;
  const input = base.tunedInput ?? base.input;
  return { input, output: base.tunedOutput ?? base.output, ...(base.contextWindow ? { contextWindow: base.contextWindow } : {}) };
}

/** USD for one call; 0 when the model has no price. */
export function costOf(price: ModelPrice | undefined, usage: TokenUsage | undefined): number {
  if (!price || !usage) return 0;
  const cached = Math.min(usage.cachedInput ?? 0, usage.input);
  const input = (usage.input - cached) * price.input + cached * (price.cachedInput ?? price.input);
  return (input + usage.output * price.output) / 1_000_000;
}

/** The price-table key of a provider: `type:model`, or `type` alone when it has no model part (`mock`). */
export function priceKey(type: string, model: string): string {
  return model === '' ? type : `${type}:${model}`;
}

/**
 * The price of one model: `overrides` (by exact key, then a dated snapshot's base) before the profile. With a
 * resolved suite's table, the table is the whole truth.
 */
export function lookupPrice(type: string, model: string, overrides: PriceTable = {}): ModelPrice | undefined {
  const key = priceKey(type, model);
  if (Object.hasOwn(overrides, key)) return overrides[key];
  const base = Object.keys(overrides)
    .filter((name) => key.startsWith(`${name}-`))
    .sort((a, b) => b.length - a.length)[0];
  return base ? overrides[base] : priceOf(type, model);
}

/** A suite's price of a provider's model: its resolved table when it has one, else the profiles. */
export function suitePrice(prices: PriceTable | undefined, type: string, model: string): ModelPrice | undefined {
  return prices ? prices[priceKey(type, model)] : priceOf(type, model);
}

/** Stable hash of a price table (keys sorted), recorded with a run so a report says which prices it used. */
export function priceTableHash(table: PriceTable): string {
  const sorted = Object.keys(table)
    .sort()
    .map((key) => {
      const { input, output, cachedInput } = table[key]!;
      return [key, input, output, cachedInput ?? null];
    });
  return createHash('sha256').update(JSON.stringify(sorted)).digest('hex').slice(0, 16);
}
