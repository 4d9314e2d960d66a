/**
 * Live provider instances for the gateway's candidates. A client's sampling parameters (temperature, max_tokens…)
 * become the candidate's provider config, so each distinct combination is one instance, made by the provider's own
 * plugin exactly as a suite's provider is (the gateway adds no second way to call a model). Combinations are few in
 * practice (a client sends the same parameters every time); the pool still keeps at most MAX_INSTANCES.
 */
import { checkPluginOptions } from '../config/check-value.js';
import { stableStringify } from '../engine/cache-key.js';
import { LlmlabError, ProviderError } from '../errors.js';
import { isProviderType, loadProviderPlugin } from '../providers/index.js';
import type { Provider, ProviderPlugin } from '../types.js';
import type { GatewayCandidate } from './types.js';

const MAX_INSTANCES = 512;

/**
 * Why a client's parameters cannot be sent to a candidate (a value outside its API's range): a request fault
 * (status 400), so the fallback loop answers 400 at once instead of trying elsewhere.
 */
export class ParameterError extends ProviderError {
  constructor(message: string) {
    super(message, { status: 400 });
  }
}

export interface ProviderPool {
  /** The instance of `candidate` with `overrides` over its config; throws ParameterError when they do not fit. */
  get(candidate: GatewayCandidate, overrides: Readonly<Record<string, unknown>>): Promise<Provider>;
}

export function createProviderPool(options: { baseDir: string; env: Readonly<Record<string, string | undefined>> }): ProviderPool {
  const instances = new Map<string, Promise<Provider>>();
  const plugins = new Map<string, Promise<ProviderPlugin>>();
  const plugin = (type: string): Promise<ProviderPlugin> => {
    let loaded = plugins.get(type);
    if (!loaded) {
      if (!isProviderType(type)) throw new LlmlabError('UNKNOWN_PROVIDER', `unknown provider type \`${type}\``);
      loaded = loadProviderPlugin(type);
      plugins.set(type, loaded);
    }
    return loaded;
  };
  return {
    get(candidate, overrides) {
      const key = `${candidate.label}\u0000${stableStringify(overrides)}`;
      const known = instances.get(key);
      if (known) {
        // Most recently used last, so the oldest is dropped first.
        instances.delete(key);
        instances.set(key, known);
        return known;
      }
      const made = create(candidate, overrides);
      instances.set(key, made);
      made.catch(() => instances.delete(key));
      if (instances.size > MAX_INSTANCES) instances.delete(instances.keys().next().value!);
      return made;
    },
  };

  async function create(candidate: GatewayCandidate, overrides: Readonly<Record<string, unknown>>): Promise<Provider> {
    const p = candidate.provider;
    const loaded = await plugin(p.type);
    const known = new Set(Object.keys((loaded.optionsSchema?.properties as object | undefined) ?? {}));
    // A parameter the provider has no option for is left out rather than refused: a client written for OpenAI
    // sends presence_penalty to whatever model the gateway routes it to.
    const accepted = Object.fromEntries(Object.entries(overrides).filter(([name]) => known.has(name)));
    const config = { ...p.config, ...accepted };
    if (Object.keys(accepted).length > 0 && loaded.optionsSchema) {
      const problems = checkPluginOptions(`provider:${p.type}`, loaded.optionsSchema, config, { suffix: ` (candidate \`${candidate.label}\`)` });
      if (problems.length > 0) throw new ParameterError(`a parameter does not fit this candidate: ${problems.map((problem) => problem.message).join('; ')}`);
    }
    return loaded.create({ id: p.id, type: p.type, model: p.model, label: p.label, config, baseDir: options.baseDir, env: options.env });
  }
}
