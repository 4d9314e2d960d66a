/**
 * `fetch` on node:http/https with keep-alive agents, for the SDKs' requests. Node's global fetch (undici) spends
 * more CPU per call than the model call it carries when the model is a local or cached server: web streams for
 * every body, header guards, abort plumbing. Measured on this machine through the openai SDK against a 0 ms
 * server, it costs about twice the CPU of this one (`npm run bench`, docs/performance.md). A JSON answer is read
 * whole into a Buffer before its Response is made; an event stream is handed over as it arrives.
 *
 * Only what the SDKs send is handled: string, URL or Request-free input, a string or byte body. Anything else
 * (a Request object, a streamed or form body) goes to the global fetch unchanged.
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { Readable } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { expandBody, writeExpanded } from './media-body.js';

// Keep-alive, as undici does; no socket cap beyond the callers' own concurrency limits. A socket idle for 4 s is
// closed by us (the agent destroys only idle sockets on `timeout`), before a server's own keep-alive timeout (often
// 5 s) can close it under a request that is just reusing it.
const AGENT_OPTIONS = { keepAlive: true, keepAliveMsecs: 1000, timeout: 4000 };
const httpAgent = new HttpAgent(AGENT_OPTIONS);
const httpsAgent = new HttpsAgent(AGENT_OPTIONS);

const NO_BODY = new Set([101, 204, 205, 304]);

export const nodeFetch: typeof fetch = (input, init) => {
  const body = init?.body;
  const plainBody = body === undefined || body === null || typeof body === 'string' || body instanceof Uint8Array;
  if ((typeof input !== 'string' && !(input instanceof URL)) || !plainBody) return fetch(input, init);
  const url = typeof input === 'string' ? new URL(input) : input;
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return fetch(input, init);
  return send(url, init, body as string | Uint8Array | null | undefined);
};

/**
 * One request. A reset is never resent here: whether the server had already acted on the request (a billed model
 * call) cannot be told apart from a kept-alive socket it closed first; the callers' own retries and fallbacks decide.
 */
function send(url: URL, init: RequestInit | undefined, body: string | Uint8Array | null | undefined): Promise<Response> {
  return new Promise<Response>((resolve, reject) => {
    const signal = init?.signal ?? undefined;
    if (signal?.aborted) {
      reject(abortReason(signal));
      return;
    }
    const https = url.protocol === 'https:';
    // Media tokens in the body (media-body.ts) are written as the files' base64, a chunk at a time.
    const expanded = typeof body === 'string' ? expandBody(body) : undefined;
    const headers = headersOf(init?.headers);
    if (expanded) {
      for (const name of Object.keys(headers)) if (name.toLowerCase() === 'content-length') delete headers[name];
      headers['content-length'] = String(expanded.length);
    }
    const req = (https ? httpsRequest : httpRequest)(
      url,
      { method: init?.method ?? 'GET', headers, agent: https ? httpsAgent : httpAgent },
      (res) => {
        const status = res.statusCode ?? 0;
        const headers = responseHeaders(res);
        const decoded = decode(res);
        if (NO_BODY.has(status) || init?.method === 'HEAD') {
          res.resume();
          resolve(new Response(null, { status, statusText: res.statusMessage ?? '', headers }));
          return;
        }
        // A streamed answer is handed over as it arrives; any other is small and read whole first.
        if ((headers.get('content-type') ?? '').includes('text/event-stream') || headers.get('content-length') === null) {
          resolve(new Response(Readable.toWeb(decoded) as ReadableStream<Uint8Array>, { status, statusText: res.statusMessage ?? '', headers }));
          return;
        }
        const chunks: Buffer[] = [];
        decoded.on('data', (chunk: Buffer) => chunks.push(chunk));
        decoded.once('end', () => resolve(new Response(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks), { status, statusText: res.statusMessage ?? '', headers })));
        decoded.once('error', reject);
      },
    );
    const onAbort = () => req.destroy(abortReason(signal!) as Error);
    signal?.addEventListener('abort', onAbort, { once: true });
    req.once('close', () => signal?.removeEventListener('abort', onAbort));
    req.once('error', reject);
    if (expanded) writeExpanded(req, expanded).catch((error: unknown) => req.destroy(error as Error));
    else req.end(body ?? undefined);
  });
}

function headersOf(headers: RequestInit['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  if (!headers) return out;
  if (headers instanceof Headers || Array.isArray(headers)) {
    for (const [name, value] of headers as Iterable<[string, string]>) out[name] = value;
  } else {
    for (const [name, value] of Object.entries(headers as Record<string, unknown>)) if (value !== undefined) out[name] = String(value);
  }
  return out;
}

function responseHeaders(res: IncomingMessage): Headers {
  const headers = new Headers();
  const raw = res.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) headers.append(raw[i]!, raw[i + 1]!);
  return headers;
}

/** The body as sent, decompressed when the server compressed it (as fetch does). */
function decode(res: IncomingMessage): Readable {
  const encoding = res.headers['content-encoding']?.toLowerCase();
  if (encoding === 'gzip' || encoding === 'x-gzip') return res.pipe(createGunzip());
  if (encoding === 'deflate') return res.pipe(createInflate());
  if (encoding === 'br') return res.pipe(createBrotliDecompress());
  return res;
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
}
