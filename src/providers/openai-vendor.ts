/**
 * The plugin of one OpenAI-compatible vendor (`groq:`, `openrouter:`, …): the openai plugin under the vendor's
 * provider type, whose connection (./openai-connect.ts) takes the vendor's base URL and key variable from
 * ./openai-vendors.ts. Same options as openai; `baseUrl` overrides the vendor's address (a proxy, a test server).
 */
import { defineProvider } from '../types.js';
import type { JsonSchema, ProviderPlugin } from '../types.js';
import openai, { optionsSchema } from './openai.js';
import { parseOpenAIModel } from './openai-model.js';
import { OPENAI_VENDORS } from './openai-vendors.js';
import type { OpenAIVendor, OpenAIVendorType } from './openai-vendors.js';
import { isFineTune } from './provider-infixes.js';

/** Made once per type: the schema registry knows an optionsSchema by object identity (src/config/schema-registry.ts). */
const plugins = new Map<OpenAIVendorType, ProviderPlugin>();

/** The plugin registered as `type`. */
export function vendorPlugin(type: OpenAIVendorType): ProviderPlugin {
  let plugin = plugins.get(type);
  if (!plugin) plugins.set(type, (plugin = makePlugin(type)));
  return plugin;
}

function makePlugin(type: OpenAIVendorType): ProviderPlugin {
  const vendor: OpenAIVendor = OPENAI_VENDORS[type];
  return defineProvider({
    id: type,
    optionsSchema: vendorOptionsSchema(vendor),
    parseModel: (model, config) =>
      parseOpenAIModel(type, model, config, {
        family: 'openai',
        colonsOk: (name) => vendor.colonsInModels === true || isFineTune(name),
        looksLike: `\`${vendor.example}\``,
      }),
    create: (spec) => openai.create(spec),
  });
}

function vendorOptionsSchema(vendor: OpenAIVendor): JsonSchema {
  const properties = { ...(optionsSchema['properties'] as Record<string, JsonSchema>) };
  const key = vendor.local ? `${vendor.keyEnv}, sent only when set` : vendor.keyEnv;
  properties['baseUrl'] = { type: 'string', description: `API base URL including /v1; default ${vendor.baseUrl}` };
  properties['apiKeyEnv'] = { type: 'string', description: `name of the environment variable holding the API key (default ${key})` };
  properties['organization'] = { type: 'string', description: 'OpenAI-Organization header sent with each request' };
  return { ...optionsSchema, properties };
}
