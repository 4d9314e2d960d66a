/**
 * OpenAI's HTTP wire format for the gateway's routes: requests read into llmlab's types
 * (./openai-wire-request.ts, re-exported here) and llmlab's results written as the bodies an OpenAI client
 * expects — `chat.completion`, `chat.completion.chunk` events over SSE, embeddings, the model list and errors.
 * Pure functions: the routes own the HTTP.
 */
import type { EmbedResult, GenerateResult, TokenUsage } from '../types.js';
import type { WireError } from './openai-wire-request.js';

export { parseChatRequest, parseEmbeddingsRequest } from './openai-wire-request.js';
export type { ChatCall, EmbeddingsCall, Parsed, WireError } from './openai-wire-request.js';

/** What every body of one answer repeats. */
export interface CompletionMeta {
  /** `chatcmpl-…`, the same in every chunk of a stream. */
  id: string;
  /** The model the client asked for (the virtual model). */
  model: string;
  /** Unix seconds. */
  created: number;
}

/** OpenAI's finish reasons; a provider's own word becomes `stop`, so typed clients never meet an unknown value. */
const FINISH_REASONS = new Set(['stop', 'length', 'tool_calls', 'content_filter', 'function_call']);

function finishReasonOf(result: GenerateResult): string {
  if (result.finishReason !== undefined && FINISH_REASONS.has(result.finishReason)) return result.finishReason;
  return result.toolCalls?.length ? 'tool_calls' : 'stop';
}

/** OpenAI's `tool_calls`; a call the provider gave no id gets one, since clients answer calls by id. */
function toolCallsOf(result: GenerateResult, meta: CompletionMeta): Array<Record<string, unknown>> | undefined {
  if (!result.toolCalls?.length) return undefined;
  return result.toolCalls.map((call, index) => ({
    id: call.id ?? `call_${meta.id}_${index}`,
    type: 'function',
    function: { name: call.name, arguments: call.arguments },
  }));
}

/** OpenAI's `usage`; an answer without counts reports zeros (the field is not optional for clients). */
export function usageBody(usage: TokenUsage | undefined): Record<string, unknown> {
  const prompt = usage?.input ?? 0;
  const completion = usage?.output ?? 0;
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: usage?.total ?? prompt + completion,
    ...(usage?.cachedInput !== undefined ? { prompt_tokens_details: { cached_tokens: usage.cachedInput } } : {}),
  };
}

/** A whole answer as a `chat.completion` object. Text is null when the model only called tools, as OpenAI sends. */
export function chatCompletionBody(result: GenerateResult, meta: CompletionMeta): Record<string, unknown> {
  const toolCalls = toolCallsOf(result, meta);
  const content = toolCalls && result.output === '' ? null : result.output;
  return {
    id: meta.id,
    object: 'chat.completion',
    created: meta.created,
    model: meta.model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content, refusal: null, ...(toolCalls ? { tool_calls: toolCalls } : {}) },
        logprobs: null,
        finish_reason: finishReasonOf(result),
      },
    ],
    usage: usageBody(result.usage),
  };
}

/** The `chat.completion.chunk` objects of one streamed answer, in the order OpenAI sends them. */
export interface ChunkEvents {
  /** The first chunk: `delta: { role: 'assistant', content: '' }`. */
  start(): Record<string, unknown>;
  /** A piece of the answer's text. */
  delta(text: string): Record<string, unknown>;
  /**
   * The chunks after the last text: the tool calls (when the model made any), the one with `finish_reason`, and
   * with `includeUsage` the usage chunk (`choices: []`). Write `sseFrame(DONE)` after them.
   */
  end(result: GenerateResult): Array<Record<string, unknown>>;
}

/**
 * Chunk builders for one streamed answer. With `includeUsage`, every chunk but the usage chunk carries
 * `usage: null`, as OpenAI's do.
 */
export function chunkEvents(meta: CompletionMeta, includeUsage = false): ChunkEvents {
  const base = { id: meta.id, object: 'chat.completion.chunk', created: meta.created, model: meta.model };
  const chunk = (delta: Record<string, unknown>, finish: string | null): Record<string, unknown> => ({
    ...base,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
    ...(includeUsage ? { usage: null } : {}),
  });
  return {
    start: () => chunk({ role: 'assistant', content: '' }, null),
    delta: (text) => chunk({ content: text }, null),
    end(result) {
      const chunks: Array<Record<string, unknown>> = [];
      const calls = toolCallsOf(result, meta);
      if (calls) chunks.push(chunk({ tool_calls: calls.map((call, index) => ({ index, ...call })) }, null));
      chunks.push(chunk({}, finishReasonOf(result)));
      if (includeUsage) chunks.push({ ...base, choices: [], usage: usageBody(result.usage) });
      return chunks;
    },
  };
}

/** The stream's terminator: `sseFrame(DONE)` is `data: [DONE]`. */
export const DONE = '[DONE]';

/**
 * One server-sent event carrying `data` as JSON (or the `[DONE]` terminator). An error after the stream has
 * begun goes as `sseFrame(errorBody(error))`: OpenAI's SDKs raise an event with an `error` field as an APIError.
 */
export function sseFrame(data: unknown): string {
  return `data: ${data === DONE ? DONE : JSON.stringify(data)}\n\n`;
}

/** An error answer: OpenAI's error body as JSON, with the error's status and any extra headers. */
export function errorResponse(error: WireError, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(errorBody(error)), { status: error.status, headers: { ...headers, 'content-type': 'application/json' } });
}

/** The body of an error response, in OpenAI's shape (every field present, null when unset). */
export function errorBody(error: WireError): { error: { message: string; type: string; param: string | null; code: string | null } } {
  return { error: { message: error.message, type: error.type, param: error.param ?? null, code: error.code ?? null } };
}

/** The errors every route sends, so their status, type and code agree with what OpenAI's clients expect. */
export const wireErrors = {
  badRequest: (message: string, param?: string): WireError => ({ status: 400, message, type: 'invalid_request_error', ...(param ? { param } : {}) }),
  /** No key, or one that matches none (401: the SDKs raise AuthenticationError). */
  invalidKey: (message: string): WireError => ({ status: 401, message, type: 'authentication_error', code: 'invalid_api_key' }),
  /** A key over its requests-per-minute. */
  rateLimited: (message: string): WireError => ({ status: 429, message, type: 'requests', code: 'rate_limit_exceeded' }),
  /** A key over its budget. */
  overBudget: (message: string): WireError => ({ status: 429, message, type: 'insufficient_quota', code: 'insufficient_quota' }),
  modelNotFound: (message: string): WireError => ({ status: 404, message, type: 'invalid_request_error', param: 'model', code: 'model_not_found' }),
  /** Every candidate failed (HTTP errors, refused connections, malformed answers). */
  upstream: (message: string): WireError => ({ status: 502, message, type: 'server_error', code: 'upstream_error' }),
  /** The request's deadline passed before any candidate answered. */
  upstreamTimeout: (message: string): WireError => ({ status: 504, message, type: 'server_error', code: 'upstream_timeout' }),
};

/**
 * An embeddings answer. `base64` is what the openai SDK asks for by default: each vector's float32 values,
 * little-endian, base64-encoded (the SDK decodes them back into numbers).
 */
export function embeddingsBody(result: EmbedResult, model: string, encodingFormat: 'float' | 'base64' = 'float'): Record<string, unknown> {
  const data = result.embeddings.map((vector, index) => ({
    object: 'embedding',
    index,
    embedding: encodingFormat === 'base64' ? base64Floats(vector) : vector,
  }));
  const tokens = result.usage?.input ?? 0;
  return { object: 'list', data, model, usage: { prompt_tokens: tokens, total_tokens: tokens } };
}

function base64Floats(vector: number[]): string {
  const bytes = Buffer.alloc(vector.length * 4);
  vector.forEach((value, index) => bytes.writeFloatLE(value, index * 4));
  return bytes.toString('base64');
}

/** One entry of `GET /v1/models` (also `GET /v1/models/{id}`). */
export function modelBody(name: string, created: number): Record<string, unknown> {
  return { id: name, object: 'model', created, owned_by: 'llmlab' };
}

/** `GET /v1/models`: the virtual models a client may ask for. */
export function modelsBody(names: string[], created: number): Record<string, unknown> {
  return { object: 'list', data: names.map((name) => modelBody(name, created)) };
}
