/**
 * A size cap on response bodies, shared by every HTTP-backed provider: the SDKs (openai, anthropic, ollama) take
 * it as their `fetch`, the http provider calls it directly. The body is counted as it streams in and the stream
 * fails past the cap, so a runaway answer costs at most the cap per call in flight — never a whole buffered body
 * times the run's concurrency.
 */
import { ProviderError } from '../errors.js';
import type { JsonSchema } from '../types.js';

/** Default cap: far above any real chat answer (a 128k-token reply is about 0.5 MB of JSON). */
export const DEFAULT_MAX_RESPONSE_BYTES = 20 * 1024 * 1024;

/** The option as providers declare it in their optionsSchema. */
export const MAX_RESPONSE_BYTES_OPTION: JsonSchema = {
  type: 'integer',
  minimum: 1024,
  description: `largest response body accepted, in bytes; a larger answer is an error cell (default ${DEFAULT_MAX_RESPONSE_BYTES}, 20 MB)`,
};

/** The cap a provider's config asks for, else the default. */
export function maxResponseBytesOf(config: Record<string, unknown>): number {
  const value = config['maxResponseBytes'];
  return typeof value === 'number' && value > 0 ? value : DEFAULT_MAX_RESPONSE_BYTES;
}

/** A body over the cap. Final: the same request would most likely bring the same answer again. */
export class ResponseTooLargeError extends ProviderError {
  constructor(readonly maxBytes: number) {
    super(`response larger than ${formatSize(maxBytes)} (maxResponseBytes)`, { retryable: false });
  }
}

/** The first ResponseTooLargeError in `error`'s cause chain: SDKs wrap what their fetch throws. */
export function responseTooLargeIn(error: unknown): ResponseTooLargeError | undefined {
  for (let current = error, depth = 0; current && depth < 8; depth++) {
    if (current instanceof ResponseTooLargeError) return current;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** `fetch`, with responses whose body passes `maxBytes` failing with {@link ResponseTooLargeError}. */
export function cappedFetch(maxBytes: number, base: typeof fetch = fetch): typeof fetch {
  return async (input, init) => {
    const response = await base(input, init);
    // An honest Content-Length over the cap fails before a byte of the body is read.
    const declared = response.headers.get('content-length');
    if (declared !== null && Number(declared) > maxBytes) {
      await response.body?.cancel().catch(() => undefined);
      throw new ResponseTooLargeError(maxBytes);
    }
    // A body delimited by a Content-Length within the cap cannot grow past it (HTTP/1.1 reads exactly that many
    // bytes), so only chunked and streamed bodies are counted: the stream wrapper costs every plain answer.
    if (!response.body || (declared !== null && declared.trim() !== '' && Number.isFinite(Number(declared)))) return response;
    let seen = 0;
    const counted = response.body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          seen += chunk.byteLength;
          // Erroring the stream also cancels the source, which closes the connection: nothing more is read.
          if (seen > maxBytes) controller.error(new ResponseTooLargeError(maxBytes));
          else controller.enqueue(chunk);
        },
      }),
    );
    return new Response(counted, { status: response.status, statusText: response.statusText, headers: response.headers });
  };
}

function formatSize(bytes: number): string {
  const mb = bytes / (1024 * 1024);
  return Number.isInteger(mb) ? `${mb} MB` : mb >= 1 ? `${mb.toFixed(1)} MB` : `${Math.round(bytes / 1024)} KB`;
}
