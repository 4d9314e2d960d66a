/**
 * Provider registry: id → lazy module. A provider's file name is its registry id and the prefix users write in
 * YAML (`openai:gpt-4o-mini`). Modules are imported only when a suite uses them, and each module imports its SDK
 * only inside `create`, so validation and cached runs never load an SDK.
 */
import type { ProviderPlugin } from '../types.js';
import { openaiVendorTypes } from './openai-vendors.js';
import type { OpenAIVendorType } from './openai-vendors.js';

type Loader = () => Promise<{ default: ProviderPlugin }>;

/** The OpenAI-compatible vendors (`groq:`, `openrouter:`, …) share one module, the openai plugin under their type. */
const vendors = Object.fromEntries(
  openaiVendorTypes.map((type) => [type, async () => ({ default: (await import('./openai-vendor.js')).vendorPlugin(type) })]),
) as Record<OpenAIVendorType, Loader>;

const registry = {
  openai: () => import('./openai.js'),
  azure: () => import('./azure.js'),
  anthropic: () => import('./anthropic.js'),
  ollama: () => import('./ollama.js'),
  bedrock: () => import('./bedrock.js'),
  google: () => import('./google.js'),
  vertex: () => import('./vertex.js'),
  http: () => import('./http.js'),
  exec: () => import('./exec.js'),
  file: () => import('./file.js'),
  echo: () => import('./echo.js'),
  mock: () => import('./mock.js'),
  ...vendors,
} satisfies Record<string, Loader>;

/** Every built-in provider id. */
export type ProviderType = keyof typeof registry;
export const providerTypes = Object.keys(registry) as ProviderType[];

export function isProviderType(type: string): type is ProviderType {
  return Object.hasOwn(registry, type);
}

/** Loads a built-in provider plugin; the caller checks `isProviderType` first. */
export async function loadProviderPlugin(type: ProviderType): Promise<ProviderPlugin> {
  return (await registry[type]()).default;
}

/**
 * Splits a provider id as written into registry type and model: `openai:gpt-4o` → (openai, gpt-4o),
 * `exec:python bot.py` → (exec, python bot.py), `echo` → (echo, '').
 */
export function parseProviderId(id: string): { type: string; model: string } {
  const colon = id.indexOf(':');
  return colon === -1 ? { type: id, model: '' } : { type: id.slice(0, colon), model: id.slice(colon + 1) };
}
