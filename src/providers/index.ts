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
  'openai-image': () => import('./openai-image.js'),
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
 * Ids written with another type's prefix that name a registry type of their own: `openai:image:<model>` (how
 * issue 21 and promptfoo write OpenAI image generation) is `openai-image:<model>`. Only a whole prefix matches,
 * so `openai:<model>` and every other infix stay openai's.
 */
const TYPE_ALIASES: ReadonlyArray<{ prefix: string; type: ProviderType }> = [{ prefix: 'openai:image:', type: 'openai-image' }];

/**
 * Splits a provider id as written into registry type and model: `openai:gpt-4o` → (openai, gpt-4o),
 * `exec:python bot.py` → (exec, python bot.py), `echo` → (echo, ''), `openai:image:gpt-image-1` →
 * (openai-image, gpt-image-1).
 */
export function parseProviderId(id: string): { type: string; model: string } {
  const alias = TYPE_ALIASES.find((a) => id.startsWith(a.prefix));
  if (alias) return { type: alias.type, model: id.slice(alias.prefix.length) };
  const colon = id.indexOf(':');
  return colon === -1 ? { type: id, model: '' } : { type: id.slice(0, colon), model: id.slice(colon + 1) };
}
