/**
 * A fake Gemini API on 127.0.0.1, faithful enough for `@google/genai`, in both of its URL shapes: the Gemini API
 * (`/v1beta/models/{model}:generateContent`) and Vertex AI (`/v1/projects/{p}/locations/{l}/publishers/google/
 * models/{model}:generateContent`, or `/v1/publishers/google/models/…` in express mode). Also
 * `:streamGenerateContent` (SSE), `:batchEmbedContents` (Gemini) and `:predict` (Vertex embeddings). The key goes in
 * `x-goog-api-key` or a `key` query parameter; Vertex's OAuth token as a Bearer header.
 *
 * The behaviour's `answer` gets the request body with `messages` added in OpenAI's shape (so `echoAnswer` works).
 * With declared functions, an answer of the form `{"functionCalls": [{ "name", "args" }]}` comes back as those
 * calls; a request that forces one function (`toolConfig.functionCallingConfig` mode ANY with one allowed name)
 * gets a `functionCall` part whose args are the answer parsed as JSON (an answer that is not an object: text).
 */
import {
  countTokens,
  embedText,
  sendBrokenJson,
  sendJson,
  sendStream,
  splitForStream,
  startFakeServer,
  startStream,
  truncateWords,
} from './harness.js';
import type { FakeApi, FakeBehaviour, FakeContext, FakeRoute, FakeServer } from './harness.js';

export type { FakeBehaviour, FakeFailure, FakeServer, RecordedRequest } from './harness.js';

let sequence = 0;

/** Starts a fake Gemini / Vertex AI server. */
export function startFakeGoogle(options: Partial<FakeBehaviour> = {}): Promise<FakeServer> {
  return startFakeServer(googleApi, options);
}

/** `/{version}/…models/{model}:{method}`, for both APIs' path shapes. */
const MODEL_PATH = /^\/v1[a-z0-9]*\/(?:projects\/[^/]+\/locations\/[^/]+\/)?(?:publishers\/google\/)?models\/([^/:]+):(\w+)$/;

const METHODS: Record<string, (context: FakeContext, model: string) => void> = {
  generateContent: (context, model) => generate(context, model, false),
  streamGenerateContent: (context, model) => generate(context, model, true),
  batchEmbedContents,
  predict,
};

const STATUS_NAMES: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
};

const googleApi: FakeApi = {
  routes: {},
  matchRoute(method, path): FakeRoute | undefined {
    const match = method === 'POST' ? MODEL_PATH.exec(path) : null;
    const handler = match ? METHODS[match[2]!] : undefined;
    return handler ? (context) => handler(context, decodeURIComponent(match![1]!)) : undefined;
  },
  sendError(res, status, message, headers) {
    sendJson(res, status, { error: { code: status, message, status: STATUS_NAMES[status] ?? 'UNKNOWN' } }, headers);
  },
  sendMalformed({ req, res }) {
    if (req.url?.includes(':streamGenerateContent')) {
      startStream(res, 'text/event-stream');
      res.end('data: {"candidates": not json\r\n\r\n');
    } else sendBrokenJson(res);
  },
};

function generate(context: FakeContext, model: string, stream: boolean): void {
  const { res, body, behaviour } = context;
  if (!body || !Array.isArray(body.contents) || body.contents.length === 0) {
    googleApi.sendError(res, 400, '* GenerateContentRequest.contents: contents is not specified');
    return;
  }
  if (body.contents.some((c: { role?: string }) => c.role !== 'user' && c.role !== 'model')) {
    googleApi.sendError(res, 400, 'Please use a valid role: user, model.');
    return;
  }
  const system = textOf(body.systemInstruction);
  const messages = body.contents.map((c: { role: string }) => ({ role: c.role === 'model' ? 'assistant' : 'user', content: textOf(c) }));
  const { text, truncated } = truncateWords(behaviour.answer({ ...body, messages }), body.generationConfig?.maxOutputTokens);
  const inputTokens = countTokens(system) + messages.reduce((n: number, m: { content: string }) => n + countTokens(m.content), 0);
  const usageMetadata = { promptTokenCount: inputTokens, candidatesTokenCount: countTokens(text), totalTokenCount: inputTokens + countTokens(text) };
  const calls = functionCallsOf(body, text);
  const responseId = `fake-${++sequence}`;
  if (calls) {
    const candidate = { content: { role: 'model', parts: calls.map((call) => ({ functionCall: call })) }, finishReason: 'STOP', index: 0 };
    const answer = { candidates: [candidate], usageMetadata, modelVersion: model, responseId };
    if (stream) sendStream(context, 'text/event-stream', [`data: ${JSON.stringify(answer)}\r\n\r\n`]);
    else sendJson(res, 200, answer);
    return;
  }
  const finishReason = truncated ? 'MAX_TOKENS' : 'STOP';
  if (!stream) {
    const candidate = { content: { role: 'model', parts: [{ text }] }, finishReason, index: 0 };
    sendJson(res, 200, { candidates: [candidate], usageMetadata, modelVersion: model, responseId });
    return;
  }
  const pieces = splitForStream(text);
  const frames = pieces.map((piece, i) => {
    const last = i === pieces.length - 1;
    const candidate = { content: { role: 'model', parts: [{ text: piece }] }, index: 0, ...(last ? { finishReason } : {}) };
    const chunk = { candidates: [candidate], modelVersion: model, responseId, ...(last ? { usageMetadata } : {}) };
    return `data: ${JSON.stringify(chunk)}\r\n\r\n`;
  });
  sendStream(context, 'text/event-stream', frames);
}

/** The calls to answer with: the forced function's, or those the answer names, when the request declared them. */
function functionCallsOf(body: any, text: string): Array<{ name: string; args: unknown }> | undefined {
  const declared = new Set<string>(
    (Array.isArray(body.tools) ? body.tools : []).flatMap((tool: any) =>
      (tool?.functionDeclarations ?? []).map((fn: { name?: unknown }) => fn?.name),
    ),
  );
  if (declared.size === 0) return undefined;
  const parsed = jsonObjectOr(text);
  const named = parsed?.['functionCalls'];
  if (Array.isArray(named)) {
    return named.filter((call) => declared.has(call?.name)).map((call) => ({ name: call.name, args: call.args ?? {} }));
  }
  const calling = body.toolConfig?.functionCallingConfig;
  const allowed: unknown = calling?.allowedFunctionNames;
  if (calling?.mode === 'ANY' && Array.isArray(allowed) && allowed.length === 1 && declared.has(allowed[0]) && parsed) {
    return [{ name: allowed[0] as string, args: parsed }];
  }
  return undefined;
}

function batchEmbedContents({ res, body }: FakeContext): void {
  if (!Array.isArray(body?.requests)) {
    googleApi.sendError(res, 400, '* BatchEmbedContentsRequest.requests: requests is not specified');
    return;
  }
  const embeddings = body.requests.map((request: { content?: unknown }) => ({ values: embedText(textOf(request.content)) }));
  sendJson(res, 200, { embeddings });
}

/** Vertex's text-embedding models: `instances[].content` in, `predictions[].embeddings.values` out. */
function predict({ res, body }: FakeContext): void {
  if (!Array.isArray(body?.instances)) {
    googleApi.sendError(res, 400, 'instances is required');
    return;
  }
  const predictions = body.instances.map((instance: { content?: unknown }) => {
    const text = typeof instance.content === 'string' ? instance.content : '';
    return { embeddings: { values: embedText(text), statistics: { token_count: countTokens(text), truncated: false } } };
  });
  sendJson(res, 200, { predictions });
}

/** The text of a Content (`{ parts: [{ text }] }`), a list of parts, or a string. */
function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  const parts = Array.isArray(content) ? content : (content as { parts?: unknown } | undefined)?.parts;
  if (!Array.isArray(parts)) return '';
  return parts.map((part: { text?: unknown }) => (typeof part?.text === 'string' ? part.text : '')).join('');
}

function jsonObjectOr(text: string): Record<string, any> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, any>) : undefined;
  } catch {
    return undefined;
  }
}
