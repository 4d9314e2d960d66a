/**
 * `bedrock:<modelId>`: Amazon Bedrock's Converse API through the official AWS SDK client. Model ids contain `:`
 * (`anthropic.claude-3-5-sonnet-20241022-v2:0`, `us.amazon.nova-lite-v1:0`, ARNs); promptfoo's
 * `bedrock:converse:<modelId>` means the same call and is accepted, its other infixes are rejected
 * (./provider-infixes.ts).
 *
 * Credentials, first match wins: `accessKeyId`/`secretAccessKey` in config (promptfoo's keys; better kept in the
 * environment), a `profile` in config, AWS_BEARER_TOKEN_BEDROCK (a Bedrock API key), AWS_ACCESS_KEY_ID/
 * AWS_SECRET_ACCESS_KEY (+ AWS_SESSION_TOKEN), then the SDK's default chain (AWS_PROFILE, shared files, SSO,
 * instance roles). Everything but that last chain is read from the spec's env, never from process.env. None of
 * them reaches the identity, and every secret is redacted from error messages.
 *
 * The SDK never retries (one attempt; the executor retries, honouring Retry-After) and sends over fetch
 * (./bedrock-http.ts). A `structured` request (a judge's verdict) forces one tool and answers with its input.
 */
import type { BedrockRuntimeClientConfig } from '@aws-sdk/client-bedrock-runtime';
import { LlmlabError } from '../errors.js';
import { defineProvider } from '../types.js';
import type { JsonSchema, ParsedModel, ProviderSpec } from '../types.js';
import { cappedFetch, MAX_RESPONSE_BYTES_OPTION, maxResponseBytesOf } from './capped-fetch.js';
import { BEDROCK_MEDIA, converseInput, resultOf } from './bedrock-converse.js';
import type { ConverseParams } from './bedrock-converse.js';
import { bedrockError } from './bedrock-errors.js';
import { fetchRequestHandler } from './bedrock-http.js';
import { LIMIT_KEY_SCHEMAS } from './limit-keys.js';
import { parseModelPart } from './provider-infixes.js';
import type { ErrorContext } from './sdk-errors.js';
import { compact } from './wire-values.js';

const API = 'Bedrock';

interface BedrockConfig {
  region?: string;
  endpoint?: string;
  profile?: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  sessionToken?: string;
  maxTokens?: number;
  max_tokens?: number;
  temperature?: number;
  topP?: number;
  stopSequences?: string[];
  additionalModelRequestFields?: Record<string, unknown>;
}

const optionsSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    region: { type: 'string', description: 'AWS region, e.g. us-east-1 (default AWS_BEDROCK_REGION, AWS_REGION, then AWS_DEFAULT_REGION)' },
    endpoint: { type: 'string', description: 'endpoint URL instead of https://bedrock-runtime.<region>.amazonaws.com (a VPC endpoint or gateway)' },
    profile: { type: 'string', description: 'named profile from ~/.aws/config and ~/.aws/credentials (default AWS_PROFILE)' },
    accessKeyId: { type: 'string', description: 'AWS access key id (prefer AWS_ACCESS_KEY_ID in the environment: a suite file is no place for keys)' },
    secretAccessKey: { type: 'string', description: 'AWS secret access key, with accessKeyId (prefer AWS_SECRET_ACCESS_KEY in the environment)' },
    sessionToken: { type: 'string', description: 'AWS session token for temporary credentials, with accessKeyId' },
    maxTokens: { type: 'integer', minimum: 1, description: 'maximum tokens to generate (inferenceConfig.maxTokens)' },
    max_tokens: { type: 'integer', minimum: 1, description: 'the same as maxTokens, as promptfoo spells it' },
    temperature: { type: 'number', minimum: 0, maximum: 1, description: 'sampling temperature (inferenceConfig.temperature)' },
    topP: { type: 'number', minimum: 0, maximum: 1, description: 'nucleus sampling probability mass (inferenceConfig.topP)' },
    stopSequences: { type: 'array', items: { type: 'string' }, description: 'stop sequences (inferenceConfig.stopSequences)' },
    additionalModelRequestFields: {
      type: 'object',
      description: 'model-specific request fields Converse does not name, passed through (e.g. { top_k: 50 } for Claude)',
    },
    ...LIMIT_KEY_SCHEMAS,
    maxResponseBytes: MAX_RESPONSE_BYTES_OPTION,
  },
};

export default defineProvider({
  id: 'bedrock',
  optionsSchema,
  parseModel,
  async create(spec: ProviderSpec) {
    const config = spec.config as BedrockConfig;
    const modelId = modelIdOf(spec);
    // AWS_BEDROCK_REGION is promptfoo's; promptfoo's silent fallback to us-east-1 is not copied: a region decides
    // where data goes and which models exist, so it is asked for.
    const region = config.region ?? (spec.env['AWS_BEDROCK_REGION'] || spec.env['AWS_REGION'] || spec.env['AWS_DEFAULT_REGION']);
    if (!region) {
      throw new LlmlabError('CONFIG_INVALID', `no AWS region for provider ${labelOf(spec)}`, {
        hint: 'set config.region (e.g. us-east-1), or AWS_REGION in the environment or .env',
      });
    }
    const auth = authOf(spec, config);
    const { BedrockRuntimeClient, ConverseCommand } = await import('@aws-sdk/client-bedrock-runtime');
    const client = new BedrockRuntimeClient({
      region,
      endpoint: config.endpoint,
      maxAttempts: 1,
      requestHandler: fetchRequestHandler(cappedFetch(maxResponseBytesOf(spec.config))),
      ...auth.clientConfig,
    });
    const params = converseParams(config);
    const errors: ErrorContext = { api: API, secrets: auth.secrets };
    return {
      id: spec.id,
      type: 'bedrock',
      model: modelId,
      identity: compact({ region, endpoint: config.endpoint, model: modelId, ...params }),
      media: BEDROCK_MEDIA,
      async generate(request, { signal }) {
        // The SDK signs before it sends; a call already cancelled must not wait for credentials first.
        if (signal.aborted) throw bedrockError(signal.reason, { ...errors, signal });
        try {
          const response: unknown = await client.send(new ConverseCommand(converseInput(modelId, request, params)), { abortSignal: signal });
          return resultOf(response, modelId, request.structured?.name);
        } catch (error) {
          throw bedrockError(error, { ...errors, signal });
        }
      },
    };
  },
});

/** A Bedrock model id is an ARN or `vendor.model[:version…]`: a `:` after a first part without a dot is a misread id. */
function parseModel(model: string, config: Record<string, unknown>): ParsedModel {
  return parseModelPart('bedrock', model, config, {
    colonsOk: (name) => name.startsWith('arn:') || (name.split(':')[0] ?? '').includes('.'),
    looksLike: '`bedrock:anthropic.claude-3-5-sonnet-20241022-v2:0`, `bedrock:us.amazon.nova-lite-v1:0` or an ARN',
  });
}

/** The model a spec names; the resolver has already checked it, but a spec built by hand has not. */
function modelIdOf(spec: ProviderSpec): string {
  const parsed = parseModel(spec.model, spec.config);
  if ('error' in parsed) throw new LlmlabError('CONFIG_INVALID', `provider ${labelOf(spec)}: ${parsed.error}`, { hint: parsed.hint });
  return parsed.model;
}

interface Auth {
  clientConfig: Pick<BedrockRuntimeClientConfig, 'credentials' | 'profile' | 'token' | 'authSchemePreference'>;
  /** Values to redact from every message. */
  secrets: string[];
}

/**
 * The client's credentials, from config or the spec's env. The auth scheme is always set, so a stray
 * AWS_BEARER_TOKEN_BEDROCK in process.env cannot switch a SigV4 provider to bearer behind the spec's back.
 */
function authOf(spec: ProviderSpec, config: BedrockConfig): Auth {
  const sigv4 = { authSchemePreference: ['sigv4'] };
  if (config.accessKeyId !== undefined || config.secretAccessKey !== undefined) {
    if (!config.accessKeyId || !config.secretAccessKey) {
      throw new LlmlabError('CONFIG_INVALID', `provider ${labelOf(spec)}: accessKeyId and secretAccessKey go together`, {
        hint: 'set both, or neither and use AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or a profile',
      });
    }
    return staticAuth(config.accessKeyId, config.secretAccessKey, config.sessionToken);
  }
  if (config.profile) return { clientConfig: { ...sigv4, profile: config.profile }, secrets: [] };
  const bearer = spec.env['AWS_BEARER_TOKEN_BEDROCK'];
  if (bearer) return { clientConfig: { authSchemePreference: ['httpBearerAuth'], token: { token: bearer } }, secrets: [bearer] };
  const keyId = spec.env['AWS_ACCESS_KEY_ID'];
  const secret = spec.env['AWS_SECRET_ACCESS_KEY'];
  if (keyId && secret) return staticAuth(keyId, secret, spec.env['AWS_SESSION_TOKEN'] || undefined);
  return { clientConfig: { ...sigv4, profile: spec.env['AWS_PROFILE'] || undefined }, secrets: [] };
}

function staticAuth(accessKeyId: string, secretAccessKey: string, sessionToken: string | undefined): Auth {
  return {
    clientConfig: { authSchemePreference: ['sigv4'], credentials: compact({ accessKeyId, secretAccessKey, sessionToken }) },
    secrets: [accessKeyId, secretAccessKey, ...(sessionToken ? [sessionToken] : [])],
  };
}

function converseParams(config: BedrockConfig): ConverseParams {
  const inferenceConfig = compact({
    maxTokens: config.maxTokens ?? config.max_tokens,
    temperature: config.temperature,
    topP: config.topP,
    stopSequences: config.stopSequences,
  });
  return compact({
    inferenceConfig: Object.keys(inferenceConfig).length > 0 ? inferenceConfig : undefined,
    additionalModelRequestFields: config.additionalModelRequestFields,
  });
}

function labelOf(spec: ProviderSpec): string {
  return spec.label === spec.id ? spec.id : `${spec.label}, ${spec.id}`;
}
