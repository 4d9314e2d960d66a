/**
 * `anthropic:<model>`: the Messages API through the official SDK. System messages move to the top-level
 * `system` field; `max_tokens` is required by the API, so it defaults to 1024. The SDK never retries: the executor
 * does, honouring Retry-After. A prompt's `tools` are translated to Anthropic's (tool-calls.ts) and the tool_use
 * blocks come back as `toolCalls`. A `structured` request (a judge's verdict) forces one tool call and answers with
 * the tool input as JSON. `stream` yields the text as it arrives (anthropic-stream.ts, also what `stream: true`
 * drains).
 */
import type Anthropic from '@anthropic-ai/sdk';
import { LlmlabError } from '../errors.js';
import { defineProvider } from '../types.js';
import type { ChatMessage, GenerateRequest, GenerateResult, JsonSchema, Provider, ProviderSpec, StructuredOutput } from '../types.js';
import { cappedFetch, MAX_RESPONSE_BYTES_OPTION, maxResponseBytesOf } from './capped-fetch.js';
import { nodeFetch } from './node-fetch.js';
import { ANTHROPIC_MEDIA, anthropicMessageOf } from './anthropic-content.js';
import { normaliseStopReason, outputOf, usageOf } from './anthropic-response.js';
import { messageStream } from './anthropic-stream.js';
import { LIMIT_KEY_SCHEMAS } from './limit-keys.js';
import { extraBodyOf, parseOpenAIModel } from './openai-model.js';
import { asRecord, malformedError, toProviderError } from './sdk-errors.js';
import { finalResult, wholeAnswer } from './stream-parts.js';
import type { ErrorContext } from './sdk-errors.js';
import { anthropicToolFields, toolUseCallsOf } from './tool-calls.js';
import { compact } from './wire-values.js';

const DEFAULT_BASE_URL = 'https://api.anthropic.com';
const DEFAULT_MAX_TOKENS = 1024;
/** Local servers and gateways may ignore the key, but the SDK wants some credential. */
const PLACEHOLDER_KEY = 'llmlab-no-key';
/** The executor owns timeouts (via the signal); a long SDK timeout also stops it refusing large max_tokens. */
const SDK_TIMEOUT_MS = 60 * 60 * 1000;
const API = 'Anthropic';

interface AnthropicConfig {
  baseUrl?: string;
  apiKeyEnv?: string;
  temperature?: number;
  maxTokens?: number;
  topP?: number;
  topK?: number;
  stop?: string | string[];
  stream?: boolean;
  headers?: Record<string, string>;
  extraBody?: Record<string, unknown>;
}

const optionsSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    baseUrl: { type: 'string', description: 'API base URL without /v1; default ANTHROPIC_BASE_URL or https://api.anthropic.com' },
    apiKeyEnv: { type: 'string', description: 'name of the environment variable holding the API key (default ANTHROPIC_API_KEY)' },
    temperature: { type: 'number', minimum: 0, maximum: 1, description: 'sampling temperature' },
    maxTokens: { type: 'integer', minimum: 1, description: `maximum tokens to generate (max_tokens, default ${DEFAULT_MAX_TOKENS})` },
    topP: { type: 'number', minimum: 0, maximum: 1, description: 'nucleus sampling probability mass (top_p)' },
    topK: { type: 'integer', minimum: 1, description: 'sample only from the top K tokens (top_k)' },
    stop: {
      description: 'stop sequence or sequences (stop_sequences)',
      oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
    },
    stream: { type: 'boolean', description: 'stream the answer as server-sent events and accumulate it' },
    headers: {
      type: 'object',
      additionalProperties: { type: 'string' },
      description: 'extra HTTP headers sent with each request, e.g. anthropic-beta (not for secrets: use apiKeyEnv)',
    },
    extraBody: {
      type: 'object',
      description:
        'more Messages API fields sent as written, e.g. `thinking: { type: enabled, budget_tokens: 2048 }`; part of the cache key; never `model` or `messages`',
    },
    ...LIMIT_KEY_SCHEMAS,
    maxResponseBytes: MAX_RESPONSE_BYTES_OPTION,
  },
};

type MessageParams = Anthropic.MessageCreateParamsNonStreaming;

export default defineProvider({
  id: 'anthropic',
  optionsSchema,
  parseModel: (model, config) =>
    parseOpenAIModel('anthropic', model, config, { colonsOk: () => false, looksLike: '`anthropic:claude-3-5-haiku-latest`' }),
  async create(spec: ProviderSpec) {
    const config = spec.config as AnthropicConfig;
    const keyEnv = config.apiKeyEnv ?? 'ANTHROPIC_API_KEY';
    const customBase = config.baseUrl ?? spec.env['ANTHROPIC_BASE_URL'];
    const baseUrl = (customBase || DEFAULT_BASE_URL).replace(/\/+$/, '');
    const apiKey = spec.env[keyEnv];
    if (!apiKey && !customBase) {
      throw new LlmlabError('CONFIG_INVALID', `${keyEnv} is not set (needed by provider ${spec.label === spec.id ? spec.id : `${spec.label}, ${spec.id}`})`, {
        hint: `set ${keyEnv} in the environment or .env, or set config.baseUrl to an Anthropic-compatible server`,
      });
    }
    const { default: AnthropicClient } = await import('@anthropic-ai/sdk');
    const client = new AnthropicClient({
      apiKey: apiKey || PLACEHOLDER_KEY,
      baseURL: baseUrl,
      maxRetries: 0,
      fetch: cappedFetch(maxResponseBytesOf(spec.config), nodeFetch),
      timeout: SDK_TIMEOUT_MS,
      defaultHeaders: config.headers,
      logLevel: 'off',
    });
    const params = { ...samplingParams(config), ...extraBodyOf(config) } as Omit<MessageParams, 'model' | 'messages'>;
    const errors: ErrorContext = { api: API, secrets: [apiKey] };
    const bodyOf = (request: GenerateRequest): MessageParams => ({
      model: spec.model,
      ...splitSystem(request.messages),
      ...params,
      ...anthropicToolFields(request),
    });
    const provider: Provider = {
      id: spec.id,
      type: 'anthropic',
      model: spec.model,
      identity: compact({ baseUrl, model: spec.model, ...params }),
      media: ANTHROPIC_MEDIA,
      async generate(request, { signal }) {
        try {
          // Inside the try: reading a message's media can fail.
          const body = bodyOf(request);
          if (request.structured) return await structuredMessage(client, body, request.structured, signal);
          return config.stream ? await finalResult(messageStream(client, body, signal)) : await message(client, body, signal);
        } catch (error) {
          throw toProviderError(error, { ...errors, signal });
        }
      },
      async *stream(request, context) {
        try {
          // A verdict is only useful whole: it comes as one stream of the whole answer.
          yield* request.structured ? wholeAnswer(await provider.generate(request, context)) : messageStream(client, bodyOf(request), context.signal);
        } catch (error) {
          throw toProviderError(error, { ...errors, signal: context.signal });
        }
      },
    };
    return provider;
  },
});

function samplingParams(config: AnthropicConfig): Omit<MessageParams, 'model' | 'messages'> {
  const stop = typeof config.stop === 'string' ? [config.stop] : config.stop;
  return compact({
    max_tokens: config.maxTokens ?? DEFAULT_MAX_TOKENS,
    temperature: config.temperature,
    top_p: config.topP,
    top_k: config.topK,
    stop_sequences: stop,
  });
}

/** The Messages API takes system text as a separate field, not as a message. */
function splitSystem(messages: ChatMessage[]): Pick<MessageParams, 'system' | 'messages'> {
  const system = messages.filter((m) => m.role === 'system').map((m) => m.content);
  const rest = messages
    .filter((m) => m.role !== 'system')
    .map((m) => anthropicMessageOf({ ...m, role: m.role as 'user' | 'assistant' }));
  return system.length > 0 ? { system: system.join('\n\n'), messages: rest } : { messages: rest };
}

/**
 * One forced tool call whose input is the answer. Never streamed: a verdict is only useful whole. A model that
 * answers in text instead leaves its text as the output, which the caller then fails to parse.
 */
function structuredMessage(
  client: Anthropic,
  body: MessageParams,
  structured: StructuredOutput,
  signal: AbortSignal,
): Promise<GenerateResult> {
  const tool = compact({
    name: structured.name,
    description: structured.description,
    input_schema: structured.schema as Anthropic.Tool.InputSchema,
  });
  return message(client, { ...body, tools: [tool], tool_choice: { type: 'tool', name: structured.name } }, signal, structured.name);
}

async function message(
  client: Anthropic,
  body: MessageParams,
  signal: AbortSignal,
  toolName?: string,
): Promise<GenerateResult> {
  const response: unknown = await client.messages.create(body, { signal });
  const record = asRecord(response);
  if (!record || !Array.isArray(record['content'])) throw malformedError(API, 'expected a message with a content array');
  const usage = asRecord(record['usage']);
  const forced = toolName === undefined ? undefined : toolInputOf(record['content'], toolName);
  // Declared tools: the tool_use blocks are the cell's toolCalls and `output` stays the text.
  const calls = toolName === undefined && body.tools ? toolUseCallsOf(record['content']) : undefined;
  return {
    output: forced ?? outputOf(record['content'], body.tools !== undefined),
    ...(calls ? { toolCalls: calls } : {}),
    usage: usage ? usageOf(usage) : undefined,
    finishReason: normaliseStopReason(record['stop_reason']),
    model: typeof record['model'] === 'string' ? record['model'] : undefined,
    raw: compact({ id: record['id'], model: record['model'], stop_reason: record['stop_reason'], usage }),
  };
}

/** The input of the tool_use block calling `name`, as JSON text. */
function toolInputOf(content: unknown[], name: string): string | undefined {
  const block = content.map((b) => asRecord(b)).find((b) => b?.['type'] === 'tool_use' && b['name'] === name);
  if (!block || block['input'] === undefined) return undefined;
  return typeof block['input'] === 'string' ? block['input'] : JSON.stringify(block['input']);
}
