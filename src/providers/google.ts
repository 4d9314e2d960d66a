/**
 * `google:<model>`: the Gemini API (Google AI Studio) through Google's official SDK, `@google/genai`. The SDK, not
 * Gemini's OpenAI-compatible endpoint, because only the native `generateContent` format carries what Gemini
 * users configure: safetySettings, generationConfig (thinkingConfig, responseSchema), a system instruction and
 * function declarations with toolConfig. The SDK never retries (no retryOptions) and every setting it would read
 * from process.env is passed explicitly, so spec.env is the only environment. Shared code: ./gemini-shared.ts.
 */
import { LlmlabError } from '../errors.js';
import { defineProvider } from '../types.js';
import type { JsonSchema, ProviderSpec } from '../types.js';
import { maxResponseBytesOf } from './capped-fetch.js';
import { GEMINI_OPTION_SCHEMAS } from './gemini-request.js';
import type { GeminiConfig } from './gemini-request.js';
import { geminiFetch, geminiProvider, hostUrl, parseGeminiModel, providerName, stripSlash } from './gemini-shared.js';
import type { ErrorContext } from './sdk-errors.js';

const DEFAULT_BASE_URL = 'https://generativelanguage.googleapis.com';
/** v1beta: where function calling, system instructions and JSON mode are all served, as promptfoo uses it. */
const DEFAULT_API_VERSION = 'v1beta';
/** A custom server may ignore the key, but the SDK warns on the console without one. */
const PLACEHOLDER_KEY = 'llmlab-no-key';
const API = 'Google';

interface GoogleConfig extends GeminiConfig {
  baseUrl?: string;
  apiBaseUrl?: string;
  apiHost?: string;
  apiKeyEnv?: string;
}

const optionsSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    baseUrl: {
      type: 'string',
      description: `API base URL without the version; default GOOGLE_API_BASE_URL or ${DEFAULT_BASE_URL}`,
    },
    apiBaseUrl: { type: 'string', description: 'the same as baseUrl (promptfoo\'s name)' },
    apiHost: { type: 'string', description: 'API host name, e.g. generativelanguage.googleapis.com (or GOOGLE_API_HOST)' },
    apiKeyEnv: {
      type: 'string',
      description: 'name of the environment variable holding the API key (default GOOGLE_API_KEY, then GEMINI_API_KEY)',
    },
    ...GEMINI_OPTION_SCHEMAS,
  },
};

export default defineProvider({
  id: 'google',
  optionsSchema,
  parseModel: (model, config) => parseGeminiModel('google', model, config),
  async create(spec: ProviderSpec) {
    const config = spec.config as GoogleConfig;
    const env = spec.env;
    const keyEnv = config.apiKeyEnv ?? (env['GOOGLE_API_KEY'] ? 'GOOGLE_API_KEY' : 'GEMINI_API_KEY');
    const apiKey = env[keyEnv];
    const customBase =
      config.baseUrl ?? config.apiBaseUrl ?? hostUrl(config.apiHost) ?? env['GOOGLE_API_BASE_URL'] ?? hostUrl(env['GOOGLE_API_HOST']);
    if (!apiKey && !customBase) {
      const names = config.apiKeyEnv ?? 'GOOGLE_API_KEY (or GEMINI_API_KEY)';
      throw new LlmlabError('CONFIG_INVALID', `${names} is not set (needed by provider ${providerName(spec)})`, {
        hint: `set ${config.apiKeyEnv ?? 'GOOGLE_API_KEY'} in the environment or .env (a key from https://aistudio.google.com), or set config.baseUrl to a Gemini-compatible server`,
      });
    }
    const baseUrl = stripSlash(customBase || DEFAULT_BASE_URL);
    const apiVersion = config.apiVersion ?? DEFAULT_API_VERSION;
    const errors: ErrorContext = { api: API, secrets: [apiKey] };
    const { GoogleGenAI } = await import('@google/genai');
    const client = new GoogleGenAI({
      vertexai: false,
      apiKey: apiKey || PLACEHOLDER_KEY,
      apiVersion,
      httpOptions: { baseUrl, apiVersion, headers: config.headers, fetch: geminiFetch(maxResponseBytesOf(spec.config), errors, authHint(keyEnv)) },
    });
    return geminiProvider({ spec, client, config, errors, endpoint: { baseUrl, apiVersion } });
  },
});

function authHint(keyEnv: string): string {
  return `check ${keyEnv}: a Gemini API key from https://aistudio.google.com/apikey, for a project with the Generative Language API enabled`;
}
