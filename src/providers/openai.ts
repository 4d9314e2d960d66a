/**
 * `openai:<model>`: chat completions through the official SDK. `baseUrl` (or OPENAI_BASE_URL) turns it into a
 * client for any OpenAI-compatible server (vLLM, LM Studio, llama.cpp, a gateway). The SDK never retries: the
 * executor does, honouring Retry-After, so one failed attempt surfaces at once as a ProviderError.
 * A prompt's `tools` go out as `tools`/`tool_choice` and the calls come back as `toolCalls` (tool-calls.ts).
 * A `structured` request (a judge's verdict) forces one function call and answers with its arguments; `embed`
 * calls /v1/embeddings with the provider's model (`openai:text-embedding-3-small`). `api: responses` (or
 * `openai:responses:<model>`) calls the Responses API instead (openai-responses.ts). `stream` yields a chat answer
 * as it arrives (openai-stream.ts, also what `stream: true` drains); other APIs and verdicts stream whole.
 */
import type OpenAI from 'openai';
import { defineProvider } from '../types.js';
import type { EmbedResult, GenerateRequest, GenerateResult, JsonSchema, Provider, ProviderSpec, StructuredOutput } from '../types.js';
import { MAX_RESPONSE_BYTES_OPTION } from './capped-fetch.js';
import { LIMIT_KEY_SCHEMAS } from './limit-keys.js';
import { complete, scoreContinuations } from './openai-completions.js';
import { respond, responsesParams } from './openai-responses.js';
import { connectOpenAI } from './openai-connect.js';
import { chatMessagesOf, openaiMediaLimits } from './openai-content.js';
import { outputOf, stringOr, usageOf } from './openai-message.js';
import { extraBodyOf, parseOpenAIModel } from './openai-model.js';
import { chatStream } from './openai-stream.js';
import { isFineTune } from './provider-infixes.js';
import { asRecord, malformedError, toProviderError } from './sdk-errors.js';
import type { ErrorContext } from './sdk-errors.js';
import { finalResult, wholeAnswer } from './stream-parts.js';
import { openaiToolFields, toolCallsOf } from './tool-calls.js';
import { openaiChatLogprobs } from './token-logprobs.js';
import { compact, numberOr } from './wire-values.js';

const API = 'OpenAI';

export interface OpenAIConfig {
  baseUrl?: string;
  apiKeyEnv?: string;
  organization?: string;
  temperature?: number;
  maxTokens?: number;
  topP?: number;
  stop?: string | string[];
  seed?: number;
  presencePenalty?: number;
  frequencyPenalty?: number;
  responseFormat?: Record<string, unknown>;
  stream?: boolean;
  headers?: Record<string, string>;
  api?: 'chat' | 'completions' | 'responses';
  extraBody?: Record<string, unknown>;
}

/** The options of openai; the vendors and Azure derive theirs from it. */
export const optionsSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    baseUrl: { type: 'string', description: 'API base URL including /v1; default OPENAI_BASE_URL or https://api.openai.com/v1' },
    apiKeyEnv: { type: 'string', description: 'name of the environment variable holding the API key (default OPENAI_API_KEY)' },
    organization: { type: 'string', description: 'OpenAI organization id sent with each request' },
    temperature: { type: 'number', minimum: 0, maximum: 2, description: 'sampling temperature' },
    maxTokens: { type: 'integer', minimum: 1, description: 'maximum tokens to generate (max_tokens)' },
    topP: { type: 'number', minimum: 0, maximum: 1, description: 'nucleus sampling probability mass (top_p)' },
    stop: {
      description: 'stop sequence or sequences',
      oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' }, maxItems: 4 }],
    },
    seed: { type: 'integer', description: 'sampling seed, for best-effort determinism' },
    presencePenalty: { type: 'number', minimum: -2, maximum: 2, description: 'presence_penalty' },
    frequencyPenalty: { type: 'number', minimum: -2, maximum: 2, description: 'frequency_penalty' },
    responseFormat: { type: 'object', description: 'response_format, passed through (e.g. { type: json_object })' },
    stream: { type: 'boolean', description: 'stream the answer over SSE and accumulate it (same result, exercises streaming)' },
    api: {
      enum: ['chat', 'completions', 'responses'],
      description:
        'chat (default), the Responses API (what `openai:responses:<model>` sets), or the legacy completions API; completions can score multiple-choice answers by loglikelihood',
    },
    headers: {
      type: 'object',
      additionalProperties: { type: 'string' },
      description: 'extra HTTP headers sent with each request (not for secrets: use apiKeyEnv)',
    },
    extraBody: {
      type: 'object',
      description:
        'more request body fields, sent as written after llmlab\'s own (so they can set any API parameter, e.g. { reasoning_effort: low }); model and messages are refused (llmlab sets them); part of the cache key',
    },
    ...LIMIT_KEY_SCHEMAS,
    maxResponseBytes: MAX_RESPONSE_BYTES_OPTION,
  },
};

type ChatParams = OpenAI.Chat.Completions.ChatCompletionCreateParamsNonStreaming;

/**
 * The openai plugin. The OpenAI-compatible vendors (./openai-vendor.ts) and Azure (./azure.ts) reuse its `create`:
 * only their connection differs (./openai-connect.ts, by `spec.type`).
 */
export default defineProvider({
  id: 'openai',
  optionsSchema,
  logprobs: true,
  parseModel: (model, config) =>
    parseOpenAIModel('openai', model, config, {
      // A local server behind baseUrl serves whatever names it likes (`llama3:8b` through Ollama's /v1).
      colonsOk: (name, options) => isFineTune(name) || typeof options['baseUrl'] === 'string',
      looksLike: '`openai:gpt-4o-mini` (fine-tunes `openai:ft:gpt-4o-mini-2024-07-18:my-org::abc123`; any name with config.baseUrl)',
    }),
  async create(spec: ProviderSpec) {
    const config = spec.config as OpenAIConfig;
    const { client, api, baseUrl, secrets, identity: endpoint } = await connectOpenAI(spec);
    // extraBody after llmlab's own fields, so it can set any API parameter; model and messages always win (below).
    const responses = config.api === 'responses';
    const params = { ...(responses ? responsesParams(config) : samplingParams(config)), ...extraBodyOf(config) };
    const errors: ErrorContext = { api, secrets };
    const completions = config.api === 'completions';
    const chatBody = (request: GenerateRequest): ChatParams => ({
      model: spec.model,
      // Never request.messages as they are: a message's `parts` hold media refs, not OpenAI's content parts.
      messages: chatMessagesOf(request.messages, api),
      ...params,
      ...openaiToolFields(request),
      ...(request.logprobs && !request.structured ? { logprobs: true } : {}),
    });
    const provider: Provider = {
      id: spec.id,
      type: spec.type,
      model: spec.model,
      identity: compact({ baseUrl, ...endpoint, model: spec.model, ...params, api: config.api === 'chat' ? undefined : config.api }),
      scoresContinuations: completions,
      media: openaiMediaLimits(spec.type, config.api),
      async generate(request, { signal }) {
        try {
          if (responses) return await respond(client, { model: spec.model, ...params }, request, signal, api);
          // Built inside the try: reading media can fail, and after the Responses branch, which reads its own.
          const body = chatBody(request);
          if (completions) {
            if (request.continuations) return await scoreContinuations(client, spec.model, request.prompt, request.continuations, signal);
            const { messages: _messages, response_format: _format, logprobs: _logprobs, ...rest } = body;
            return await complete(client, rest, request.prompt, signal);
          }
          if (request.structured) return await structuredChat(client, body, request.structured, signal);
          return config.stream ? await finalResult(chatStream(client, body, signal)) : await chat(client, body, signal);
        } catch (error) {
          throw toProviderError(error, { ...errors, signal });
        }
      },
      async *stream(request, context) {
        // Only chat answers stream; the other APIs and a verdict arrive whole, as one stream of the whole answer.
        const streams = !responses && !completions && !request.structured && !request.continuations;
        try {
          yield* streams ? chatStream(client, chatBody(request), context.signal) : wholeAnswer(await provider.generate(request, context));
        } catch (error) {
          throw toProviderError(error, { ...errors, signal: context.signal });
        }
      },
      async embed(texts, { signal }) {
        try {
          return await embed(client, spec.model, texts, signal);
        } catch (error) {
          throw toProviderError(error, { ...errors, signal });
        }
      },
    };
    return provider;
  },
});

/** The request fields that shape the answer, in API spelling. */
function samplingParams(config: OpenAIConfig): Partial<ChatParams> {
  return compact({
    temperature: config.temperature,
    max_tokens: config.maxTokens,
    top_p: config.topP,
    stop: config.stop,
    seed: config.seed,
    presence_penalty: config.presencePenalty,
    frequency_penalty: config.frequencyPenalty,
    response_format: config.responseFormat as ChatParams['response_format'],
  });
}

async function chat(client: OpenAI, body: ChatParams, signal: AbortSignal, toolName?: string): Promise<GenerateResult> {
  const completion: unknown = await client.chat.completions.create(body, { signal });
  const record = asRecord(completion);
  const choice = asRecord(Array.isArray(record?.['choices']) ? record['choices'][0] : undefined);
  const message = asRecord(choice?.['message']);
  if (!record || !choice || !message) throw malformedError(API, 'expected a chat completion with choices[0].message');
  const usage = asRecord(record['usage']);
  const forced = toolName === undefined ? undefined : argumentsOf(message['tool_calls'], toolName);
  // Declared tools: the calls are the cell's toolCalls and `output` stays the text.
  const calls = toolName === undefined && body.tools ? toolCallsOf(message['tool_calls']) : undefined;
  const logprobs = body.logprobs ? openaiChatLogprobs(choice['logprobs']) : undefined;
  return {
    output: forced ?? outputOf(message['content'], body.tools ? undefined : message['tool_calls'], message['refusal']),
    ...(calls ? { toolCalls: calls } : {}),
    ...(logprobs ? { logprobs } : {}),
    usage: usage ? usageOf(usage) : undefined,
    finishReason: stringOr(choice['finish_reason']),
    model: stringOr(record['model']),
    raw: compact({ id: record['id'], model: record['model'], finish_reason: choice['finish_reason'], usage }),
  };
}

/**
 * One forced function call whose arguments are the answer. Never streamed: a verdict is only useful whole. A model
 * that answers in text instead leaves its text as the output, which the caller then fails to parse.
 */
async function structuredChat(
  client: OpenAI,
  body: ChatParams,
  structured: StructuredOutput,
  signal: AbortSignal,
): Promise<GenerateResult> {
  const { response_format: _ignored, ...rest } = body;
  const fn = compact({ name: structured.name, description: structured.description, parameters: structured.schema });
  const tools: ChatParams['tools'] = [{ type: 'function', function: fn }];
  const choice: ChatParams['tool_choice'] = { type: 'function', function: { name: structured.name } };
  return chat(client, { ...rest, tools, tool_choice: choice }, signal, structured.name);
}

async function embed(client: OpenAI, model: string, texts: string[], signal: AbortSignal): Promise<EmbedResult> {
  const response: unknown = await client.embeddings.create({ model, input: texts }, { signal });
  const data = asRecord(response)?.['data'];
  if (!Array.isArray(data) || data.length !== texts.length) {
    throw malformedError(API, `expected ${texts.length} embeddings in data[]`);
  }
  const embeddings: number[][] = new Array(texts.length);
  for (const [position, item] of data.entries()) {
    const record = asRecord(item);
    const index = typeof record?.['index'] === 'number' ? record['index'] : position;
    const vector = record?.['embedding'];
    // The SDK decodes its default base64 encoding into a Float32Array-backed list.
    if (!vector || typeof (vector as ArrayLike<number>).length !== 'number') throw malformedError(API, 'an embedding is not a list of numbers');
    embeddings[index] = Array.from(vector as ArrayLike<number>, Number);
  }
  const usage = asRecord(asRecord(response)?.['usage']);
  const input = numberOr(usage?.['prompt_tokens']);
  return usage ? { embeddings, usage: { input, output: 0, total: input } } : { embeddings };
}

/** The arguments text of the call to `name` (or of the only call), as the model wrote it. */
function argumentsOf(toolCalls: unknown, name: string): string | undefined {
  if (!Array.isArray(toolCalls)) return undefined;
  const calls = toolCalls.map((call) => asRecord(asRecord(call)?.['function']));
  const call = calls.find((fn) => fn?.['name'] === name) ?? (calls.length === 1 ? calls[0] : undefined);
  return typeof call?.['arguments'] === 'string' ? call['arguments'] : undefined;
}
