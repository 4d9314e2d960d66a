/**
 * The OpenAI-compatible vendors: each is the openai provider with the vendor's base URL and API-key variable, so
 * `groq:llama-3.1-8b-instant` needs no `baseUrl` and reads GROQ_API_KEY. Pure data, read by the provider
 * registry (./index.ts), the vendor plugins (./openai-vendor.ts) and the price code (./prices.ts). Base URLs and
 * key variables are the vendors' documented ones; the ids are promptfoo's, so its configs carry over.
 */

/** One vendor's connection defaults. */
export interface OpenAIVendor {
  /** Display name in messages. */
  name: string;
  /** Default base URL, including the path up to `/chat/completions`; config `baseUrl` overrides it. */
  baseUrl: string;
  /**
   * Environment variable of the API key. For cloud vendors a missing key is a config error; local servers
   * (`local: true`) need none and send the key only when it is set.
   */
  keyEnv: string;
  /** A server on the user's machine: no key required, no price profile, calls cost 0. */
  local?: boolean;
  /** True when the vendor's model names contain `:` (`meta-llama/llama-3.1-8b-instruct:free`) or are free text. */
  colonsInModels?: boolean;
  /** A model to show in hints. */
  example: string;
}

/** Every vendor by provider type. Adding one here and in ./index.ts's registry makes `<type>:<model>` work. */
export const OPENAI_VENDORS = {
  openrouter: {
    name: 'OpenRouter',
    baseUrl: 'https://openrouter.ai/api/v1',
    keyEnv: 'OPENROUTER_API_KEY',
    colonsInModels: true,
    example: 'openrouter:meta-llama/llama-3.1-8b-instruct',
  },
  groq: { name: 'Groq', baseUrl: 'https://api.groq.com/openai/v1', keyEnv: 'GROQ_API_KEY', example: 'groq:llama-3.1-8b-instant' },
  mistral: { name: 'Mistral', baseUrl: 'https://api.mistral.ai/v1', keyEnv: 'MISTRAL_API_KEY', example: 'mistral:mistral-small-latest' },
  togetherai: {
    name: 'Together AI',
    baseUrl: 'https://api.together.xyz/v1',
    keyEnv: 'TOGETHER_API_KEY',
    colonsInModels: true,
    example: 'togetherai:meta-llama/Llama-3.3-70B-Instruct-Turbo',
  },
  deepseek: { name: 'DeepSeek', baseUrl: 'https://api.deepseek.com/v1', keyEnv: 'DEEPSEEK_API_KEY', example: 'deepseek:deepseek-chat' },
  xai: { name: 'xAI', baseUrl: 'https://api.x.ai/v1', keyEnv: 'XAI_API_KEY', example: 'xai:grok-3-mini' },
  perplexity: { name: 'Perplexity', baseUrl: 'https://api.perplexity.ai', keyEnv: 'PERPLEXITY_API_KEY', example: 'perplexity:sonar' },
  fireworks: {
    name: 'Fireworks',
    baseUrl: 'https://api.fireworks.ai/inference/v1',
    keyEnv: 'FIREWORKS_API_KEY',
    colonsInModels: true,
    example: 'fireworks:accounts/fireworks/models/llama-v3p1-8b-instruct',
  },
  cerebras: { name: 'Cerebras', baseUrl: 'https://api.cerebras.ai/v1', keyEnv: 'CEREBRAS_API_KEY', example: 'cerebras:llama3.1-8b' },
  // Local servers serve whatever file or repo they loaded, under any name, so model names are free text.
  lmstudio: {
    name: 'LM Studio',
    baseUrl: 'http://localhost:1234/v1',
    keyEnv: 'LMSTUDIO_API_KEY',
    local: true,
    colonsInModels: true,
    example: 'lmstudio:qwen2.5-7b-instruct',
  },
  vllm: {
    name: 'vLLM',
    baseUrl: 'http://localhost:8000/v1',
    keyEnv: 'VLLM_API_KEY',
    local: true,
    colonsInModels: true,
    example: 'vllm:meta-llama/Llama-3.1-8B-Instruct',
  },
  llamacpp: {
    name: 'llama.cpp',
    baseUrl: 'http://localhost:8080/v1',
    keyEnv: 'LLAMACPP_API_KEY',
    local: true,
    colonsInModels: true,
    example: 'llamacpp:default',
  },
} as const satisfies Record<string, OpenAIVendor>;

/** A vendor's provider type: `groq`, `openrouter`, … */
export type OpenAIVendorType = keyof typeof OPENAI_VENDORS;

export const openaiVendorTypes = Object.keys(OPENAI_VENDORS) as OpenAIVendorType[];

/** The vendor behind provider type `type`, if it is one. */
export function openaiVendorOf(type: string): OpenAIVendor | undefined {
  return Object.hasOwn(OPENAI_VENDORS, type) ? (OPENAI_VENDORS as Record<string, OpenAIVendor>)[type] : undefined;
}
