/**
 * A fake Ollama server on 127.0.0.1: POST /api/chat (JSON, or NDJSON when `stream` is not false — Ollama's own
 * default), POST /api/embed and GET /api/tags, faithful enough for the `ollama` client. Use `server.url` as host.
 * A `format` (JSON Schema) request is answered with the behaviour's answer text as the message content, as is.
 * A request with `tools` answers `call <name> <json>` lines of its answer with `tool_calls` (tool-script.ts).
 * Creating a model from an adapter works as `ollama create` needs it: HEAD/POST /api/blobs/sha256:<hex> (the
 * bytes' digest is checked) and POST /api/create, whose adapters must name pushed blobs; the created model is
 * listed by /api/tags and answers /api/chat (as every model does).
 */
import { createHash } from 'node:crypto';
import {
  countTokens,
  embedText,
  sendBrokenJson,
  sendJson,
  sendStream,
  splitForStream,
  startFakeServer,
  startStream,
  textOf,
  truncateWords,
} from './harness.js';
import type { FakeApi, FakeBehaviour, FakeContext, FakeServer } from './harness.js';
import { declaredNames, scriptedCalls } from './tool-script.js';

export type { FakeBehaviour, FakeFailure, FakeServer, RecordedRequest } from './harness.js';

/** Models listed by GET /api/tags. */
const MODELS = ['llama3.2:latest', 'nomic-embed-text:latest'];

/** A fake Ollama server, with what was pushed to it and created on it. */
export interface FakeOllama extends FakeServer {
  /** Pushed blobs by digest (`sha256:<hex>`). */
  blobs: Map<string, Buffer>;
  /** POST /api/create bodies by model name. */
  created: Map<string, any>;
}

/** Starts a fake Ollama server. */
export async function startFakeOllama(options: Partial<FakeBehaviour> = {}): Promise<FakeOllama> {
  const blobs = new Map<string, Buffer>();
  const created = new Map<string, any>();
  const server = await startFakeServer(ollamaApiOf(blobs, created), options);
  return Object.assign(server, { blobs, created });
}

function ollamaApiOf(blobs: Map<string, Buffer>, created: Map<string, any>): FakeApi {
  return {
    ...ollamaApi,
    routes: {
      ...ollamaApi.routes,
      'POST /api/create': (context) => create(context, blobs, created),
      'GET /api/tags': ({ res }) => sendJson(res, 200, { models: [...MODELS, ...created.keys()].map(tagOf) }),
    },
    matchRoute(method, path) {
      const digest = /^\/api\/blobs\/(sha256:[0-9a-f]{64})$/.exec(path)?.[1];
      if (digest === undefined) return undefined;
      if (method === 'HEAD') return ({ res }) => res.writeHead(blobs.has(digest) ? 200 : 404).end();
      if (method === 'POST') return (context) => pushBlob(context, digest, blobs);
      return undefined;
    },
  };
}

/** Ollama answers 201 for a stored blob and 400 when the bytes are not the digest's. */
function pushBlob({ res, raw }: FakeContext, digest: string, blobs: Map<string, Buffer>): void {
  const actual = `sha256:${createHash('sha256').update(raw).digest('hex')}`;
  if (actual !== digest) {
    ollamaApi.sendError(res, 400, `digest mismatch, expected "${digest}", got "${actual}"`);
    return;
  }
  blobs.set(digest, raw);
  res.writeHead(201).end();
}

function create({ res, body }: FakeContext, blobs: Map<string, Buffer>, created: Map<string, any>): void {
  if (typeof body?.model !== 'string' || typeof body?.from !== 'string') {
    ollamaApi.sendError(res, 400, 'model and from are required');
    return;
  }
  const missing = Object.values((body.adapters ?? {}) as Record<string, string>).find((digest) => !blobs.has(digest));
  if (missing !== undefined) {
    ollamaApi.sendError(res, 400, `blob ${missing} not found`);
    return;
  }
  created.set(body.model, body);
  sendJson(res, 200, { status: 'success' });
}

function tagOf(name: string): object {
  return {
    name,
    model: name,
    modified_at: '2025-01-01T00:00:00Z',
    size: 1_000_000,
    digest: 'sha256:fake',
    details: { format: 'gguf', family: 'llama', parameter_size: '3B', quantization_level: 'Q4_K_M' },
  };
}

const ollamaApi: FakeApi = {
  routes: {
    'POST /api/chat': chat,
    'POST /api/embed': embed,
    'GET /api/tags': ({ res }) => sendJson(res, 200, { models: MODELS.map(tagOf) }),
  },
  sendError(res, status, message, headers) {
    sendJson(res, status, { error: message }, headers);
  },
  sendMalformed({ res, body }) {
    if (body?.stream !== false) {
      startStream(res, 'application/x-ndjson');
      res.end('{"model": not json\n');
    } else sendBrokenJson(res);
  },
};

function chat(context: FakeContext): void {
  const { res, body, behaviour } = context;
  if (!body || typeof body.model !== 'string' || !Array.isArray(body.messages)) {
    ollamaApi.sendError(res, 400, 'model and messages are required');
    return;
  }
  const { text, truncated } = truncateWords(behaviour.answer(body), body.options?.num_predict);
  const promptTokens = body.messages.reduce((n: number, m: { content?: unknown }) => n + countTokens(textOf(m.content)), 0);
  const createdAt = new Date().toISOString();
  const final = {
    model: body.model,
    created_at: createdAt,
    message: { role: 'assistant', content: '' },
    done: true,
    done_reason: truncated ? 'length' : 'stop',
    total_duration: 1_000_000,
    load_duration: 1000,
    prompt_eval_count: promptTokens,
    prompt_eval_duration: 1000,
    eval_count: countTokens(text),
    eval_duration: 1000,
  };
  // Ollama sends arguments as an object: a scripted call whose arguments are not JSON stays text.
  const calls = scriptedCalls(text, declaredNames(body.tools)).flatMap((call) => {
    try {
      return [{ function: { name: call.name, arguments: JSON.parse(call.arguments) as unknown } }];
    } catch {
      return [];
    }
  });
  if (calls.length > 0) {
    const message = { role: 'assistant', content: '', tool_calls: calls };
    if (body.stream === false) sendJson(res, 200, { ...final, message });
    else sendStream(context, 'application/x-ndjson', [`${JSON.stringify({ model: body.model, created_at: createdAt, message, done: false })}\n`, `${JSON.stringify(final)}\n`]);
    return;
  }
  if (body.stream === false) {
    sendJson(res, 200, { ...final, message: { role: 'assistant', content: text }, ...logprobsOf(body, text, behaviour) });
    return;
  }
  sendStream(context, 'application/x-ndjson', streamFrames(body.model, createdAt, text, final));
}

/** `logprobs: true`: one `{ token, logprob }` per whitespace-separated token, `tokenLogprob` each (default −1). */
function logprobsOf(body: any, text: string, behaviour: FakeContext['behaviour']): object {
  if (body.logprobs !== true) return {};
  const logprobs = [...text.matchAll(/\S+\s*/g)].map((m) => ({ token: m[0], logprob: behaviour.tokenLogprob?.(m[0], m.index, text) ?? -1 }));
  return { logprobs };
}

function streamFrames(model: string, createdAt: string, text: string, final: object): string[] {
  const frames = splitForStream(text).map(
    (piece) => `${JSON.stringify({ model, created_at: createdAt, message: { role: 'assistant', content: piece }, done: false })}\n`,
  );
  frames.push(`${JSON.stringify(final)}\n`);
  return frames;
}

function embed({ res, body }: FakeContext): void {
  const inputs: unknown[] = Array.isArray(body?.input) ? body.input : [body?.input];
  if (typeof body?.model !== 'string' || inputs.some((input) => typeof input !== 'string')) {
    ollamaApi.sendError(res, 400, 'model and a string or string[] input are required');
    return;
  }
  const tokens = (inputs as string[]).reduce((n, input) => n + countTokens(input), 0);
  sendJson(res, 200, {
    model: body.model,
    embeddings: (inputs as string[]).map((input) => embedText(input)),
    total_duration: 1000,
    load_duration: 100,
    prompt_eval_count: tokens,
  });
}
