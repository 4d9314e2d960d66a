/**
 * The client of an API that speaks OpenAI's wire format, by provider type: OpenAI itself (OPENAI_API_KEY,
 * OPENAI_BASE_URL), a vendor of ./openai-vendors.ts (its base URL and key variable), or Azure OpenAI (the SDK's
 * AzureOpenAI client: deployment URLs, `api-version`, `api-key` header). Everything after the connection
 * (requests, answers, errors) is the openai provider's (./openai.ts). The SDK is imported inside the call, so
 * validation and cached runs never load it.
 */
import type OpenAI from 'openai';
import { LlmlabError } from '../errors.js';
import type { ProviderSpec } from '../types.js';
import { cappedFetch, maxResponseBytesOf } from './capped-fetch.js';
import { nodeFetch } from './node-fetch.js';
import { openaiVendorOf } from './openai-vendors.js';

/** A ready client and what the provider needs to know about where it points. */
export interface OpenAIConnection {
  client: OpenAI;
  /** Display name of the API in error messages: `OpenAI`, `Groq`, `Azure OpenAI`. */
  api: string;
  /** Where calls go, for the provider's identity (cache key). */
  baseUrl: string;
  /** Values that must never appear in an error message (the API key). */
  secrets: Array<string | undefined>;
  /** More identity fields that change answers (Azure's API version). */
  identity?: Record<string, unknown>;
}

/** The config keys a connection reads (see the openai optionsSchema). */
interface ConnectionConfig {
  baseUrl?: string;
  endpoint?: string;
  apiHost?: string;
  apiVersion?: string;
  apiKeyEnv?: string;
  organization?: string;
  headers?: Record<string, string>;
}

const DEFAULT_BASE_URL = 'https://api.openai.com/v1';
/** Local servers ignore the key, but the SDK refuses to run without one. */
const PLACEHOLDER_KEY = 'llmlab-no-key';

/** The api-version sent when config.apiVersion leaves it open: a generally available (not preview) version. */
export const AZURE_API_VERSION = '2024-10-21';

/** Connects `spec` (type openai, azure or a vendor's) to its API. Throws CONFIG_INVALID when a needed key is missing. */
export async function connectOpenAI(spec: ProviderSpec): Promise<OpenAIConnection> {
  if (spec.type === 'azure') return connectAzure(spec);
  const config = spec.config as ConnectionConfig;
  const vendor = openaiVendorOf(spec.type);
  const keyEnv = config.apiKeyEnv ?? vendor?.keyEnv ?? 'OPENAI_API_KEY';
  // OPENAI_BASE_URL moves OpenAI's own address only: a vendor id names its address already.
  const customBase = config.baseUrl ?? (vendor ? undefined : spec.env['OPENAI_BASE_URL']);
  const baseUrl = stripSlash(customBase || vendor?.baseUrl || DEFAULT_BASE_URL);
  const apiKey = spec.env[keyEnv];
  if (!apiKey && !customBase && !vendor?.local) {
    const who = spec.label === spec.id ? spec.id : `${spec.label}, ${spec.id}`;
    throw new LlmlabError('CONFIG_INVALID', `${keyEnv} is not set (needed by provider ${who})`, {
      hint: vendor
        ? `set ${keyEnv} in the environment or .env (or name another variable with config.apiKeyEnv)`
        : `set ${keyEnv} in the environment or .env, or set config.baseUrl to a local OpenAI-compatible server`,
    });
  }
  const { default: OpenAIClient } = await import('openai');
  const client = new OpenAIClient({
    apiKey: apiKey || PLACEHOLDER_KEY,
    baseURL: baseUrl,
    // null (not undefined) stops the SDK from reading process.env behind spec.env's back.
    organization: config.organization ?? (vendor ? null : (spec.env['OPENAI_ORG_ID'] ?? null)),
    project: vendor ? null : (spec.env['OPENAI_PROJECT_ID'] ?? null),
    maxRetries: 0,
    fetch: cappedFetch(maxResponseBytesOf(spec.config), nodeFetch),
    defaultHeaders: config.headers,
    logLevel: 'off',
  });
  return { client, api: vendor?.name ?? 'OpenAI', baseUrl, secrets: [apiKey] };
}

/**
 * Azure OpenAI: the deployment (the id's model part) is in the URL, the key in an `api-key` header, the version
 * in `?api-version=`. Keys: config.apiKeyEnv, else AZURE_OPENAI_API_KEY, else AZURE_API_KEY (promptfoo's).
 */
async function connectAzure(spec: ProviderSpec): Promise<OpenAIConnection> {
  const config = spec.config as ConnectionConfig;
  const keyEnv = config.apiKeyEnv ?? (spec.env['AZURE_OPENAI_API_KEY'] ? 'AZURE_OPENAI_API_KEY' : 'AZURE_API_KEY');
  const apiKey = spec.env[keyEnv];
  const who = spec.label === spec.id ? spec.id : `${spec.label}, ${spec.id}`;
  if (!apiKey) {
    const names = config.apiKeyEnv ?? 'AZURE_OPENAI_API_KEY (or AZURE_API_KEY)';
    throw new LlmlabError('CONFIG_INVALID', `${names} is not set (needed by provider ${who})`, {
      hint: 'set the Azure OpenAI resource key in the environment or .env (or name another variable with config.apiKeyEnv)',
    });
  }
  const endpoint = azureEndpointOf(config, spec.env);
  if (!endpoint) {
    throw new LlmlabError('CONFIG_INVALID', `provider ${who} does not say which Azure OpenAI resource to call`, {
      hint: 'set config.apiHost (e.g. my-resource.openai.azure.com) or config.endpoint, or AZURE_OPENAI_ENDPOINT in the environment',
    });
  }
  const apiVersion = config.apiVersion ?? AZURE_API_VERSION;
  const { AzureOpenAI } = await import('openai');
  // baseURL (not endpoint), and nulls: the client would otherwise read OPENAI_BASE_URL and friends from process.env.
  const client = new AzureOpenAI({
    apiKey,
    apiVersion,
    baseURL: `${endpoint}/openai`,
    deployment: spec.model,
    organization: null,
    project: null,
    maxRetries: 0,
    fetch: cappedFetch(maxResponseBytesOf(spec.config), nodeFetch),
    defaultHeaders: config.headers,
    logLevel: 'off',
  });
  return { client, api: 'Azure OpenAI', baseUrl: endpoint, secrets: [apiKey], identity: { apiVersion } };
}

/** `https://<resource>.openai.azure.com`, from config (endpoint, baseUrl, apiHost) or the environment. */
function azureEndpointOf(config: ConnectionConfig, env: ProviderSpec['env']): string | undefined {
  const url = config.endpoint ?? config.baseUrl ?? env['AZURE_OPENAI_ENDPOINT'];
  if (url) return stripSlash(url).replace(/\/openai$/, '');
  const host = config.apiHost ?? env['AZURE_OPENAI_API_HOST'];
  if (!host) return undefined;
  return stripSlash(/^https?:\/\//.test(host) ? host : `https://${host}`);
}

function stripSlash(url: string): string {
  return url.replace(/\/+$/, '');
}
