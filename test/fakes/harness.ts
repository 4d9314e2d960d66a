/**
 * The shared part of the fake API servers: a plain node:http server on 127.0.0.1 with scripted failures,
 * latency, optional request recording and clean shutdown. Each API file supplies only its routes and error shape.
 * It is also the benchmark's server at 100,000 requests, so the hot path does no logging and, with
 * `record: false`, keeps nothing per request.
 */
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FineTuneFake } from './openai-finetune.js';

/** One injected failure, consumed by the next request. */
export type FakeFailure =
  /** An HTTP error with the API's error body; `retryAfter` / `retryAfterMs` set those headers. */
  | { status: number; retryAfter?: string; retryAfterMs?: string; message?: string }
  /** Destroy the socket without answering. */
  | { reset: true }
  /** 200 with a body that is not JSON (a broken event in a stream). */
  | { malformed: true }
  /** Never answer; the socket is freed when the client gives up or the server closes. */
  | { hang: true };

/** How a fake server behaves; every field can be changed while it runs with `setBehaviour`. */
export interface FakeBehaviour {
  /** Delay before each answer, ms. Default 0. */
  latencyMs: number;
  /** Delay between the frames of a streamed answer, ms. Default 0 (the whole stream in one write). */
  chunkDelayMs: number;
  /**
   * Called before frame `index` (of `count`) of a streamed answer is written; a promise it returns holds that
   * frame and the rest back until it settles. Lets a test prove a client reads a stream while it is still being
   * written (hold the last frame until the first delta arrived) without timing anything.
   */
  streamGate?: (index: number, count: number) => Promise<unknown> | undefined;
  /** The assistant's text for a chat request body. Default: `echo: <last user message>`. */
  answer: (body: any) => string;
  /** Failures for the next requests, first in first out. */
  failures: FakeFailure[];
  /** Keep every request in `requests`. Default true; turn off for benchmarks so memory stays flat. */
  record: boolean;
  /** When set, requests without this key (Bearer, x-api-key or api-key header) get a 401. */
  apiKey?: string;
  /** Completions with `echo` + `logprobs`, and chat with `logprobs: true`: each token's log-probability (default −1). */
  tokenLogprob?: (token: string, offset: number, text: string) => number;
  /** The fake OpenAI server's files and fine-tuning jobs (./openai-finetune.ts); created on first use when unset. */
  fineTuning?: FineTuneFake;
}

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** Parsed JSON, or the raw text when the body is not JSON, or undefined when empty. */
  body: any;
}

export interface FakeServer {
  /** `http://127.0.0.1:PORT`, no trailing slash. */
  url: string;
  requests: RecordedRequest[];
  /** Merges into the current behaviour; `failures` replaces the queue; a field set to undefined resets it. */
  setBehaviour(behaviour: Partial<FakeBehaviour>): void;
  close(): Promise<void>;
}

/** What a route handler gets: the parsed request and helpers that speak the API's conventions. */
export interface FakeContext {
  req: IncomingMessage;
  res: ServerResponse;
  body: any;
  /** The body's bytes as sent (binary uploads: Ollama's blobs). */
  raw: Buffer;
  behaviour: FakeBehaviour;
}

export type FakeRoute = (context: FakeContext) => void;

/** The per-API part of a fake server. */
export interface FakeApi {
  /** `METHOD /path` → handler. */
  routes: Record<string, FakeRoute>;
  /** Routes whose path carries a parameter (`/model/{id}/converse`), tried when `routes` has no exact match. */
  matchRoute?(method: string, path: string): FakeRoute | undefined;
  /** Writes an HTTP error in the API's own error format. */
  sendError(res: ServerResponse, status: number, message: string, headers?: Record<string, string>): void;
  /** Writes the malformed answer for this request (streaming requests get a broken stream). */
  sendMalformed(context: FakeContext): void;
}

/** Starts a fake server for `api` on 127.0.0.1 with an OS-chosen port. */
export async function startFakeServer(api: FakeApi, options: Partial<FakeBehaviour> = {}): Promise<FakeServer> {
  const behaviour: FakeBehaviour = { ...DEFAULT_BEHAVIOUR, failures: [] };
  applyBehaviour(behaviour, options);
  const requests: RecordedRequest[] = [];

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = parseBody(chunks);
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      if (behaviour.record) requests.push({ method: req.method ?? 'GET', path, headers: req.headers, body });
      const context: FakeContext = { req, res, body, raw: Buffer.concat(chunks), behaviour };
      const failure = behaviour.failures.shift();
      if (behaviour.latencyMs <= 0) {
        respond(api, context, path, failure);
        return;
      }
      const timer = setTimeout(() => respond(api, context, path, failure), behaviour.latencyMs);
      // A client that gave up must not leave a timer keeping the process (or a test worker) alive.
      res.once('close', () => clearTimeout(timer));
    });
  });
  server.keepAliveTimeout = 10_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    setBehaviour: (next) => applyBehaviour(behaviour, next),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Hanging and keep-alive sockets would hold close() open forever.
        server.closeAllConnections();
      }),
  };
}

const DEFAULT_BEHAVIOUR: FakeBehaviour = { latencyMs: 0, chunkDelayMs: 0, answer: echoAnswer, failures: [], record: true };

/** A field given as undefined goes back to its default (for `apiKey`: no key required). */
function applyBehaviour(behaviour: FakeBehaviour, next: Partial<FakeBehaviour>): void {
  for (const [key, value] of Object.entries(next) as [keyof FakeBehaviour, unknown][]) {
    (behaviour as unknown as Record<string, unknown>)[key] = value === undefined ? DEFAULT_BEHAVIOUR[key] : value;
  }
  behaviour.failures = [...behaviour.failures];
}

function respond(api: FakeApi, context: FakeContext, path: string, failure: FakeFailure | undefined): void {
  const { req, res, behaviour } = context;
  if (failure && 'hang' in failure) return;
  if (failure && 'reset' in failure) {
    req.socket.destroy();
    return;
  }
  // Only when a key is required: the benchmark's keyless hot path parses no URL.
  const given = behaviour.apiKey === undefined ? undefined : (keyOf(req.headers) ?? queryKeyOf(req.url));
  if (behaviour.apiKey !== undefined && given !== behaviour.apiKey) {
    // Echoes the key it got, as some real servers do (partly), so tests can prove clients redact it.
    api.sendError(res, 401, `Incorrect API key provided: ${given ?? '(none)'}`);
    return;
  }
  if (failure && 'malformed' in failure) {
    api.sendMalformed(context);
    return;
  }
  if (failure) {
    const headers: Record<string, string> = {};
    if (failure.retryAfter !== undefined) headers['retry-after'] = failure.retryAfter;
    if (failure.retryAfterMs !== undefined) headers['retry-after-ms'] = failure.retryAfterMs;
    api.sendError(res, failure.status, failure.message ?? defaultMessage(failure.status), headers);
    return;
  }
  const route = api.routes[`${req.method ?? 'GET'} ${path}`] ?? api.matchRoute?.(req.method ?? 'GET', path);
  if (!route) {
    api.sendError(res, 404, `no route for ${req.method} ${path}`);
    return;
  }
  route(context);
}

/** Writes a JSON answer with a correct content-length (the SDKs read it). */
export function sendJson(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(value);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/** Writes a 200 whose body claims to be JSON but is not. */
export function sendBrokenJson(res: ServerResponse): void {
  const text = '{"choices": [ this is not json';
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** Starts a streamed answer; the caller writes frames and ends it. */
export function startStream(res: ServerResponse, contentType: string): void {
  res.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-cache', connection: 'keep-alive' });
}

/** Streams `frames` (SSE events or NDJSON lines), `chunkDelayMs` apart, and ends the answer. */
export function sendStream(context: FakeContext, contentType: string, frames: string[]): void {
  const { res, behaviour } = context;
  startStream(res, contentType);
  const delay = behaviour.chunkDelayMs;
  const gate = behaviour.streamGate;
  if (delay <= 0 && !gate) {
    res.end(frames.join(''));
    return;
  }
  let next = 0;
  const write = (): void => {
    if (res.destroyed) return;
    if (next === frames.length - 1) res.end(frames[next]);
    else {
      res.write(frames[next++]);
      if (delay > 0) setTimeout(writeNext, delay);
      else writeNext();
    }
  };
  const writeNext = (): void => {
    const held = gate?.(next, frames.length);
    if (held) void held.then(write, write);
    else write();
  };
  writeNext();
}

/** Crude token count: whitespace-separated words. */
export function countTokens(text: string): number {
  const trimmed = text.trim();
  return trimmed === '' ? 0 : trimmed.split(/\s+/).length;
}

/** The first `max` words of `text` (the answer cut off at a token limit), and whether it was cut. */
export function truncateWords(text: string, max: number | undefined): { text: string; truncated: boolean } {
  if (max === undefined || countTokens(text) <= max) return { text, truncated: false };
  return { text: text.trim().split(/\s+/).slice(0, max).join(' '), truncated: true };
}

/** Splits an answer into stream pieces that concatenate back to it exactly. */
export function splitForStream(text: string): string[] {
  const pieces = text.match(/\S+\s*|\s+/g);
  return pieces ?? [''];
}

/** The default answer: `echo: ` + the last user message's text. */
export function echoAnswer(body: any): string {
  const messages: unknown[] = Array.isArray(body?.messages) ? body.messages : [];
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i] as { role?: string; content?: unknown };
    if (message?.role === 'user') return `echo: ${textOf(message.content)}`;
  }
  return 'echo: ';
}

/**
 * An `answer` by the request's model: `answers[model]` when the model is listed, else `fallback` (default: the echo).
 * A fine-tuned model (`ft:…`) can so answer differently from its base.
 */
export function answerByModel(answers: Record<string, string>, fallback: (body: any) => string = echoAnswer): (body: any) => string {
  return (body) => (typeof body?.model === 'string' && Object.hasOwn(answers, body.model) ? answers[body.model]! : fallback(body));
}

/** Text of message content given as a string or as content parts. */
export function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((part: { text?: unknown }) => (typeof part?.text === 'string' ? part.text : '')).join('');
}

/** Deterministic 64-dimension unit vector: a hashed bag of lower-cased words. Similar texts get similar vectors. */
export function embedText(text: string, dims = 64): number[] {
  const vector = new Array<number>(dims).fill(0);
  for (const word of text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []) {
    const hash = fnv1a(word);
    vector[hash % dims]! += hash & 0x80000000 ? -1 : 1;
  }
  const norm = Math.hypot(...vector);
  return norm === 0 ? vector : vector.map((v) => v / norm);
}

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

function parseBody(chunks: Buffer[]): any {
  if (chunks.length === 0) return undefined;
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function keyOf(headers: IncomingHttpHeaders): string | undefined {
  const auth = headers.authorization;
  if (typeof auth === 'string' && auth.startsWith('Bearer ')) return auth.slice(7);
  // AWS SigV4 never sends the secret: the access key id in the credential scope stands for the key.
  const sigv4 = typeof auth === 'string' ? /^AWS4-HMAC-SHA256 Credential=([^/,\s]+)\//.exec(auth) : null;
  if (sigv4) return sigv4[1];
  const key = headers['x-api-key'] ?? headers['api-key'] ?? headers['x-goog-api-key'];
  return typeof key === 'string' ? key : undefined;
}

/** Google's APIs also take the key as a `key` query parameter. */
function queryKeyOf(url: string | undefined): string | undefined {
  return new URL(url ?? '/', 'http://127.0.0.1').searchParams.get('key') ?? undefined;
}

function defaultMessage(status: number): string {
  if (status === 429) return 'rate limit exceeded, slow down';
  if (status >= 500) return 'the server had an error while processing your request';
  return `request failed with status ${status}`;
}
