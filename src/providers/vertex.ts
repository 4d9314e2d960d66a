/**
 * `vertex:<model>`: Gemini on Vertex AI through Google's official SDK, `@google/genai` (why the SDK: see
 * ./google.ts). Credentials are Application Default Credentials, resolved by the SDK's google-auth-library:
 * `config.keyFile` or GOOGLE_APPLICATION_CREDENTIALS (a service-account or ADC JSON file), else gcloud's
 * application-default login or the metadata server. With VERTEX_API_KEY set it uses Vertex express mode (an API
 * key, no project); a value starting `ya29.` is an OAuth access token instead (promptfoo documented VERTEX_API_KEY
 * as `gcloud auth print-access-token`) and is sent as a Bearer token. Project and region come from the config or
 * GOOGLE_CLOUD_PROJECT / VERTEX_PROJECT_ID and GOOGLE_CLOUD_LOCATION / VERTEX_REGION; every value is passed to the
 * SDK explicitly, so it never reads process.env behind spec.env's back.
 */
import { resolve } from 'node:path';
import type { GoogleGenAIOptions } from '@google/genai';
import { LlmlabError, ProviderError, messageOf } from '../errors.js';
import { defineProvider } from '../types.js';
import type { JsonSchema, ParsedModel, Provider, ProviderSpec } from '../types.js';
import { maxResponseBytesOf } from './capped-fetch.js';
import { GEMINI_OPTION_SCHEMAS } from './gemini-request.js';
import type { GeminiConfig } from './gemini-request.js';
import { geminiFetch, geminiProvider, hostUrl, parseGeminiModel, providerName, stripSlash } from './gemini-shared.js';
import type { ErrorContext } from './sdk-errors.js';

const DEFAULT_LOCATION = 'us-central1';
/** Google OAuth access tokens start so; express-mode API keys never do. */
const ACCESS_TOKEN_PREFIX = 'ya29.';
const DEFAULT_API_VERSION = 'v1';
const API = 'Vertex AI';
const LOGIN_HINT =
  'run `gcloud auth application-default login`, or set GOOGLE_APPLICATION_CREDENTIALS (or config.keyFile) to a service-account key with the Vertex AI User role, or VERTEX_API_KEY for express mode';

interface VertexConfig extends GeminiConfig {
  projectId?: string;
  project?: string;
  region?: string;
  location?: string;
  baseUrl?: string;
  apiHost?: string;
  apiKeyEnv?: string;
  keyFile?: string;
  keyFilename?: string;
}

const optionsSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    projectId: { type: 'string', description: 'Google Cloud project id (default GOOGLE_CLOUD_PROJECT, then VERTEX_PROJECT_ID)' },
    project: { type: 'string', description: 'the same as projectId' },
    region: { type: 'string', description: `Vertex AI region (default GOOGLE_CLOUD_LOCATION, then VERTEX_REGION, then ${DEFAULT_LOCATION})` },
    location: { type: 'string', description: 'the same as region' },
    baseUrl: { type: 'string', description: 'API base URL without the version; default the region\'s endpoint' },
    apiHost: { type: 'string', description: 'API host name, e.g. a proxy (default VERTEX_API_HOST, else the region\'s endpoint)' },
    apiKeyEnv: {
      type: 'string',
      description: 'name of the environment variable holding a Vertex express-mode API key (default VERTEX_API_KEY); when set, no project is needed',
    },
    keyFile: {
      type: 'string',
      description: 'service-account or ADC JSON file, relative to the suite (default GOOGLE_APPLICATION_CREDENTIALS, then gcloud\'s ADC)',
    },
    keyFilename: { type: 'string', description: 'the same as keyFile (promptfoo\'s name)' },
    ...GEMINI_OPTION_SCHEMAS,
  },
};

export default defineProvider({
  id: 'vertex',
  optionsSchema,
  parseModel(model, config): ParsedModel {
    // Model Garden partners answer on their own publishers' APIs, not generateContent: an error now, not a 404 per cell.
    if (/^(claude|llama|meta\/|mistral|codestral|jamba|ai21)/i.test(model)) {
      return {
        error: `\`vertex:${model}\` is a partner model on Vertex AI, which llmlab does not call (vertex: calls Gemini's generateContent)`,
        hint: /^claude/i.test(model) ? 'call Claude through `anthropic:<model>` or `bedrock:<model>`' : 'call the model through its own API or an OpenAI-compatible endpoint (`openai:` with config.baseUrl)',
      };
    }
    return parseGeminiModel('vertex', model, config);
  },
  async create(spec: ProviderSpec) {
    const config = spec.config as VertexConfig;
    const env = spec.env;
    const keyEnv = config.apiKeyEnv ?? 'VERTEX_API_KEY';
    const key = env[keyEnv] || undefined;
    // promptfoo documented VERTEX_API_KEY as `gcloud auth print-access-token` output: an OAuth token, not a key.
    const accessToken = key?.startsWith(ACCESS_TOKEN_PREFIX) ? key : undefined;
    const apiKey = accessToken ? undefined : key;
    const project = config.projectId ?? config.project ?? env['GOOGLE_CLOUD_PROJECT'] ?? env['VERTEX_PROJECT_ID'];
    const location = config.region ?? config.location ?? env['GOOGLE_CLOUD_LOCATION'] ?? env['VERTEX_REGION'] ?? DEFAULT_LOCATION;
    if (!apiKey && !project) {
      throw new LlmlabError('CONFIG_INVALID', `no Google Cloud project for provider ${providerName(spec)}`, {
        hint: accessToken
          ? `${keyEnv} holds an access token, which needs a project: set config.projectId (or GOOGLE_CLOUD_PROJECT)`
          : `set config.projectId (or GOOGLE_CLOUD_PROJECT), or ${keyEnv} for Vertex express mode`,
      });
    }
    const custom = config.baseUrl ?? hostUrl(config.apiHost ?? env['VERTEX_API_HOST']);
    const baseUrl = stripSlash(custom ?? defaultBaseUrl(apiKey ? 'global' : location));
    const apiVersion = config.apiVersion ?? DEFAULT_API_VERSION;
    const keyFileOption = config.keyFile ?? config.keyFilename;
    const keyFile = keyFileOption ? resolve(spec.baseDir, keyFileOption) : env['GOOGLE_APPLICATION_CREDENTIALS'];
    const errors: ErrorContext = { api: API, secrets: [key] };
    const authHint = apiKey
      ? `check ${keyEnv} (a Vertex express-mode key)`
      : accessToken
        ? `${keyEnv} holds an access token: they expire after an hour (\`gcloud auth print-access-token\` makes a new one); ${LOGIN_HINT}`
        : LOGIN_HINT;
    const { GoogleGenAI } = await import('@google/genai');
    const client = new GoogleGenAI({
      vertexai: true,
      // Express mode: the key alone. Otherwise project and location, which keep the SDK off any key in process.env.
      ...(apiKey ? { apiKey } : { project, location, googleAuthOptions: authOptions(keyFile, accessToken) }),
      apiVersion,
      httpOptions: { baseUrl, apiVersion, headers: config.headers, fetch: geminiFetch(maxResponseBytesOf(spec.config), errors, authHint) },
    });
    const endpoint = apiKey ? { baseUrl, apiVersion } : { baseUrl, apiVersion, project, location };
    return explainAuthFailures(geminiProvider({ spec, client, config, errors, endpoint }));
  },
});

/**
 * google-auth-library's options: a given access token as the whole auth client (duck-typed: the SDK only asks it
 * for request headers, and google-auth-library is the SDK's dependency, not llmlab's), else a key file, else ADC.
 */
function authOptions(keyFile: string | undefined, accessToken: string | undefined): GoogleGenAIOptions['googleAuthOptions'] {
  if (accessToken) {
    const authClient = { getRequestHeaders: async () => new Headers({ authorization: `Bearer ${accessToken}` }) };
    return { authClient: authClient as never };
  }
  return keyFile ? { keyFilename: keyFile } : {};
}

/** The regional endpoint, as the SDK would choose it (`global` and the multi-regions have their own hosts). */
function defaultBaseUrl(location: string): string {
  if (location === 'global') return 'https://aiplatform.googleapis.com';
  if (location === 'us' || location === 'eu') return `https://aiplatform.${location}.rep.googleapis.com`;
  return `https://${location}-aiplatform.googleapis.com`;
}

/** google-auth-library's own failures (no credentials found, a token refused) get a hint on how to log in. */
const AUTH_FAILURE = /default credentials|could not load|invalid_grant|unable to (?:refresh|impersonate)|private key|client_email/i;

function explainAuthFailures(provider: Provider): Provider {
  const explain = (error: unknown): unknown => {
    if (!(error instanceof ProviderError) || error.status !== undefined || !AUTH_FAILURE.test(error.message)) return error;
    return new ProviderError(`${API} authentication failed: ${messageOf(error).replace(/^Vertex AI call failed: /, '')}`, {
      retryable: false,
      hint: LOGIN_HINT,
    });
  };
  const { generate, embed } = provider;
  return {
    ...provider,
    generate: (request, context) => generate(request, context).catch((error: unknown) => Promise.reject(explain(error))),
    ...(embed ? { embed: (texts, context) => embed(texts, context).catch((error: unknown) => Promise.reject(explain(error))) } : {}),
  };
}
