/**
 * Streaming passthrough. A candidate's stream counts as an answer once its first part arrives: until then a failure
 * falls back to the next candidate like any other; after it, the client is reading and a failure can only end the
 * stream with an error event. Each part is written as it comes (no buffering), so the client sees tokens as the
 * upstream produces them. A candidate without a streaming capability answers whole, sent as one delta.
 *
 * A stream that does not finish (an upstream failure mid-way, a client that hangs up) has an unknown cost: its
 * reservation is charged whole, so a budget errs on the side of the limit.
 */
import { ProviderError } from '../errors.js';
import type { GenerateRequest, GenerateResult, Provider, StreamPart } from '../types.js';
import { chunkEvents, DONE, errorBody, sseFrame, type ChatCall } from './openai-wire.js';
import { redactResult } from './redact-result.js';
import { endRequest, llmlabHeaders, type RequestLog } from './request-log.js';
import type { GatewayRuntime } from './runtime.js';

/** A candidate's stream after its first part: what the fallback loop hands back. */
export interface OpenedStream {
  first: StreamPart;
  /** The parts after `first`; undefined when `first` is already `done`. */
  rest: AsyncIterator<StreamPart> | undefined;
  /** Cancels the upstream request (the client hung up). */
  cancel(): void;
}

/** Starts `provider`'s stream and waits for its first part (a failure before it throws, for the fallback loop). */
export async function openStream(provider: Provider, request: GenerateRequest, signal: AbortSignal): Promise<OpenedStream> {
  const own = new AbortController();
  const follow = () => own.abort(signal.reason);
  if (signal.aborted) follow();
  else signal.addEventListener('abort', follow, { once: true });
  if (!provider.stream) {
    const result = await provider.generate(request, { signal: own.signal });
    return { first: { type: 'done', result }, rest: undefined, cancel: () => own.abort() };
  }
  const parts = provider.stream(request, { signal: own.signal })[Symbol.asyncIterator]();
  const next = await parts.next();
  if (next.done) throw new ProviderError('the stream ended before its first part', { retryable: true });
  return { first: next.value, rest: next.value.type === 'done' ? undefined : parts, cancel: () => own.abort() };
}

/** How a stream's end is accounted: `settle` the real cost of a finished answer, or `abandon` an unfinished one. */
export interface StreamAccounts {
  settle(result: GenerateResult): number;
  abandon(): void;
}

/** The SSE response relaying `opened` to the client. */
export function answerStream(rt: GatewayRuntime, log: RequestLog, call: ChatCall, opened: OpenedStream, accounts: StreamAccounts): Response {
  const events = chunkEvents({ id: `chatcmpl-${log.id}`, model: call.model, created: Math.floor(log.at / 1000) }, call.includeUsage);
  const encoder = new TextEncoder();
  let pending: StreamPart | undefined = opened.first;
  let ended = false;
  const end = (outcome: { status: number; result?: GenerateResult; costUsd?: number; error?: string }) => {
    if (ended) return;
    ended = true;
    endRequest(rt, log, outcome);
  };
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(sseFrame(events.start())));
    },
    async pull(controller) {
      try {
        const part = pending ?? (await nextPart(opened, log));
        pending = undefined;
        if (part.type === 'delta') {
          // Per piece: a secret split across two pieces is caught only in the logged whole (a known limit).
          if (part.text !== '') controller.enqueue(encoder.encode(sseFrame(events.delta(rt.redact(part.text)))));
          return;
        }
        const result = redactResult(part.result, rt.redact);
        // An answer that arrived whole (no streaming capability, or a cache hit) is its one delta.
        if (opened.first.type === 'done' && result.output !== '') controller.enqueue(encoder.encode(sseFrame(events.delta(result.output))));
        let frames = '';
        for (const chunk of events.end(result)) frames += sseFrame(chunk);
        controller.enqueue(encoder.encode(frames + sseFrame(DONE)));
        controller.close();
        end({ status: 200, result, costUsd: accounts.settle(result) });
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        controller.enqueue(encoder.encode(sseFrame(errorBody({ status: 502, type: 'upstream_error', message: `${log.candidate ?? 'upstream'}: ${message}` }))));
        controller.close();
        accounts.abandon();
        end({ status: 502, error: `stream broke after it began: ${message}` });
      }
    },
    cancel() {
      opened.cancel();
      void opened.rest?.return?.();
      accounts.abandon();
      end({ status: 499, error: 'the client closed the stream' });
    },
  });
  return new Response(body, {
    status: 200,
    headers: { ...llmlabHeaders(log), 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive' },
  });
}

/** The next part, its wait counted as upstream time (the gateway's overhead is what it adds, not what it relays). */
async function nextPart(opened: OpenedStream, log: RequestLog): Promise<StreamPart> {
  if (!opened.rest) throw new Error('the stream has no more parts');
  const waited = performance.now();
  const next = await opened.rest.next();
  log.upstreamMs += performance.now() - waited;
  if (next.done) throw new ProviderError('the stream ended without its final part', { retryable: false });
  return next.value;
}
