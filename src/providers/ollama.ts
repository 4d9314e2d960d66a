/**
 * `ollama:<model>`: a local model through the `ollama` client's /api/chat. No key. The client has no per-request
 * signal and turns HTTP errors into bare messages, so each call gets a client whose `fetch` adds the call's signal
 * and raises HTTP errors itself, keeping the status and Retry-After the executor needs. A `structured` request
 * (a judge's verdict) sends its schema as `format`; a prompt's `tools` go out as `tools` and the calls come back
 * as `toolCalls`; `embed` calls /api/embed with the provider's model. `stream` yields the answer as it arrives
 * (ollama-stream.ts, also what `stream: true` drains).
 */
import type { ChatRequest, Ollama } from 'ollama';
import type { LlmlabError } from '../errors.js';
import { defineProvider } from '../types.js';
import type { EmbedResult, GenerateRequest, GenerateResult, JsonSchema, ProviderSpec } from '../types.js';
import { cappedFetch, MAX_RESPONSE_BYTES_OPTION, maxResponseBytesOf } from './capped-fetch.js';
import { nodeFetch } from './node-fetch.js';
import { LIMIT_KEY_SCHEMAS } from './limit-keys.js';
import { parseModelPart } from './provider-infixes.js';
import { OLLAMA_MEDIA, ollamaMessagesOf } from './ollama-content.js';
import { resultOf } from './ollama-response.js';
import { chatStream } from './ollama-stream.js';
import { asRecord, httpError, malformedError, toProviderError } from './sdk-errors.js';
import type { ErrorContext } from './sdk-errors.js';
import { finalResult, wholeAnswer } from './stream-parts.js';
import { ollamaTools } from './tool-calls.js';
import { compact } from './wire-values.js';

const DEFAULT_HOST = 'http://127.0.0.1:11434';
const API = 'Ollama';

interface OllamaConfig {
  host?: string;
  temperature?: number;
  maxTokens?: number;
  topP?: number;
  topK?: number;
  seed?: number;
  stop?: string | string[];
  numCtx?: number;
  keepAlive?: string | number;
  format?: string | Record<string, unknown>;
  stream?: boolean;
  headers?: Record<string, string>;
}

const optionsSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    host: { type: 'string', description: `Ollama server URL; default OLLAMA_HOST or ${DEFAULT_HOST}` },
    temperature: { type: 'number', minimum: 0, description: 'sampling temperature' },
    maxTokens: { type: 'integer', minimum: 1, description: 'maximum tokens to generate (options.num_predict)' },
    topP: { type: 'number', minimum: 0, maximum: 1, description: 'nucleus sampling probability mass (options.top_p)' },
    topK: { type: 'integer', minimum: 1, description: 'sample only from the top K tokens (options.top_k)' },
    seed: { type: 'integer', description: 'sampling seed (options.seed)' },
    stop: {
      description: 'stop sequence or sequences (options.stop)',
      oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
    },
    numCtx: { type: 'integer', minimum: 1, description: 'context window in tokens (options.num_ctx)' },
    keepAlive: {
      description: 'how long the model stays loaded after the call, e.g. "5m" or seconds (keep_alive)',
      oneOf: [{ type: 'string' }, { type: 'number' }],
    },
    format: {
      description: '"json" or a JSON Schema the answer must follow (format)',
      oneOf: [{ type: 'string' }, { type: 'object' }],
    },
    stream: { type: 'boolean', description: 'stream the answer as NDJSON and accumulate it' },
    headers: { type: 'object', additionalProperties: { type: 'string' }, description: 'extra HTTP headers sent with each request' },
    ...LIMIT_KEY_SCHEMAS,
    maxResponseBytes: MAX_RESPONSE_BYTES_OPTION,
  },
};

export default defineProvider({
  id: 'ollama',
  optionsSchema,
  logprobs: true,
  parseModel: (model, config) =>
    parseModelPart('ollama', model, config, {
      // One `:` separates a tag (`llama3:8b`); a second one is a misread id.
      colonsOk: (name) => name.indexOf(':') === name.lastIndexOf(':'),
      looksLike: '`ollama:llama3.2` or `ollama:llama3:8b` (name:tag)',
    }),
  async create(spec: ProviderSpec) {
    const config = spec.config as OllamaConfig;
    const host = (config.host || spec.env['OLLAMA_HOST'] || DEFAULT_HOST).replace(/\/+$/, '');
    const { Ollama: OllamaClient } = await import('ollama');
    const options = compact({
      temperature: config.temperature,
      num_predict: config.maxTokens,
      top_p: config.topP,
      top_k: config.topK,
      seed: config.seed,
      stop: typeof config.stop === 'string' ? [config.stop] : config.stop,
      num_ctx: config.numCtx,
    });
    const errors: ErrorContext = { api: API };
    const capped = cappedFetch(maxResponseBytesOf(spec.config), nodeFetch);
    const clientFor = (signal: AbortSignal): Ollama => new OllamaClient({ host, headers: config.headers, fetch: fetchFor(signal, errors, capped) });
    const bodyOf = (request: GenerateRequest): ChatRequest =>
      compact({
        model: spec.model,
        messages: ollamaMessagesOf(request.messages),
        options: Object.keys(options).length > 0 ? options : undefined,
        format: request.structured ? request.structured.schema : config.format,
        keep_alive: config.keepAlive,
        tools: request.structured ? undefined : ollamaTools(request),
        logprobs: request.logprobs && !request.structured ? true : undefined,
      });
    return {
      id: spec.id,
      type: 'ollama',
      model: spec.model,
      identity: compact({ host, model: spec.model, ...options, format: config.format }),
      media: OLLAMA_MEDIA,
      async generate(request, { signal }) {
        const client = clientFor(signal);
        try {
          // Inside the try: reading a message's media can fail.
          const body = bodyOf(request);
          // A verdict is only useful whole: structured requests are never streamed.
          return config.stream && !request.structured ? await finalResult(chatStream(client, body, signal)) : await chat(client, body);
        } catch (error) {
          throw ollamaError(error, signal, errors);
        }
      },
      async *stream(request, { signal }) {
        const client = clientFor(signal);
        try {
          const body = bodyOf(request);
          yield* request.structured ? wholeAnswer(await chat(client, body)) : chatStream(client, body, signal);
        } catch (error) {
          throw ollamaError(error, signal, errors);
        }
      },
      async embed(texts, { signal }) {
        const client = clientFor(signal);
        try {
          return await embed(client, spec.model, texts, config.keepAlive);
        } catch (error) {
          throw toProviderError(error, { ...errors, signal });
        }
      },
    };
  },
});

async function embed(client: Ollama, model: string, texts: string[], keepAlive: string | number | undefined): Promise<EmbedResult> {
  const response: unknown = await client.embed(compact({ model, input: texts, keep_alive: keepAlive }));
  const record = asRecord(response);
  const vectors = record?.['embeddings'];
  if (!Array.isArray(vectors) || vectors.length !== texts.length || !vectors.every(isNumberList)) {
    throw malformedError(API, `expected ${texts.length} embeddings`);
  }
  const input = record?.['prompt_eval_count'];
  const embeddings = vectors as number[][];
  return typeof input === 'number' ? { embeddings, usage: { input, output: 0, total: input } } : { embeddings };
}

function isNumberList(value: unknown): boolean {
  return Array.isArray(value) && value.every((v) => typeof v === 'number');
}

/** The client's "no done message" (a stream cut short) is a malformed answer; the rest maps as every SDK's errors. */
function ollamaError(error: unknown, signal: AbortSignal, errors: ErrorContext): LlmlabError {
  if (error instanceof Error && /Did not receive done/.test(error.message) && !signal.aborted) {
    return malformedError(API, 'the stream ended without a final "done" message');
  }
  return toProviderError(error, { ...errors, signal });
}

/** A fetch bound to one call: it carries the call's signal and raises HTTP errors with status and headers. */
function fetchFor(signal: AbortSignal, errors: ErrorContext, base: typeof fetch): typeof fetch {
  return async (input, init) => {
    const response = await base(input, { ...init, signal: init?.signal ? AbortSignal.any([init.signal, signal]) : signal });
    if (!response.ok) {
      const text = await response.text().catch(() => '');
      throw httpError(errors, response.status, parseOr(text), response.headers);
    }
    if (!response.body || !response.headers.get('content-type')?.includes('ndjson')) return response;
    const { status, statusText, headers } = response;
    return new Response(response.body.pipeThrough(ndjsonGuard()), { status, statusText, headers });
  };
}

/**
 * Fails the stream on a line that is not JSON. The client would log it to the console and skip it, which
 * corrupts the terminal UI and turns a broken answer into a vague "no done message".
 */
function ndjsonGuard(): TransformStream<Uint8Array, Uint8Array> {
  const decoder = new TextDecoder();
  let pending = '';
  const badLine = (line: string) => line.trim() !== '' && !isJson(line);
  return new TransformStream({
    transform(chunk, controller) {
      pending += decoder.decode(chunk, { stream: true });
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      if (lines.some(badLine)) controller.error(malformedError(API, 'a stream line is not JSON'));
      else controller.enqueue(chunk);
    },
    flush(controller) {
      if (badLine(pending + decoder.decode())) controller.error(malformedError(API, 'a stream line is not JSON'));
    },
  });
}

async function chat(client: Ollama, body: ChatRequest): Promise<GenerateResult> {
  const response: unknown = await client.chat({ ...body, stream: false });
  const record = asRecord(response);
  const message = asRecord(record?.['message']);
  if (!record || !message) throw malformedError(API, 'expected a chat response with a message');
  return resultOf(record, message['content'], message['tool_calls'], body.tools !== undefined);
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function parseOr(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
