/**
 * Cost of a call from its token usage and the price profiles in `providers/*.yaml` (USD per million tokens).
 * Profiles load lazily, once per provider type, and only for types a run uses.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import type { TokenUsage } from '../types.js';

/** Price of one model, USD per million tokens. */
export interface ModelPrice {
  input: number;
  output: number;
  cachedInput?: number;
  contextWindow?: number;
}

interface PriceProfile {
  type: string;
  default?: ModelPrice;
  models?: Record<string, ModelPrice>;
}

// src/engine/cost.ts and dist/engine/cost.js both sit two levels below the package root.
const PROFILE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'providers');
const profiles = new Map<string, PriceProfile | undefined>();

function profileFor(type: string): PriceProfile | undefined {
  if (!profiles.has(type)) {
    let profile: PriceProfile | undefined;
    try {
      profile = parse(readFileSync(join(PROFILE_DIR, `${type}.yaml`), 'utf8')) as PriceProfile;
    } catch {
      profile = undefined; // no profile for this type: its calls cost 0
    }
    profiles.set(type, profile);
  }
  return profiles.get(type);
}

/** The price of `model` under provider `type`, if known. Dated snapshots (`gpt-4o-2024-08-06`) match their base. */
export function priceOf(type: string, model: string): ModelPrice | undefined {
  const profile = profileFor(type);
  if (!profile) return undefined;
  const models = profile.models ?? {};
  if (models[model]) return models[model];
  const base = Object.keys(models)
    .filter((name) => model.startsWith(`${name}-`))
    .sort((a, b) => b.length - a.length)[0];
  return base ? models[base] : profile.default;
}

/** USD for one call; 0 when the model has no price. */
export function costOf(price: ModelPrice | undefined, usage: TokenUsage | undefined): number {
  if (!price || !usage) return 0;
  const cached = Math.min(usage.cachedInput ?? 0, usage.input);
  const input = (usage.input - cached) * price.input + cached * (price.cachedInput ?? price.input);
  return (input + usage.output * price.output) / 1_000_000;
}
