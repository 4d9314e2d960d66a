/**
 * A streamed Ollama chat answer (NDJSON) as llmlab's StreamPart: each message piece as a delta while it arrives,
 * then the whole answer built from the final `done` line. `generate` with `stream: true` drains the same
 * generator (./stream-parts.ts).
 */
import type { ChatRequest, ChatResponse, Ollama } from 'ollama';
import type { StreamPart } from '../types.js';
import { resultOf } from './ollama-response.js';
import { abortError, asRecord, malformedError } from './sdk-errors.js';

const API = 'Ollama';

/** Yields the answer's text deltas, then `done`. Errors are the client's own: the caller maps them. */
export async function* chatStream(client: Ollama, body: ChatRequest, signal: AbortSignal): AsyncGenerator<StreamPart> {
  const stream = await client.chat({ ...body, stream: true });
  let text = '';
  let final: ChatResponse | undefined;
  const toolCalls: unknown[] = [];
  const logprobs: unknown[] = [];
  for await (const chunk of stream) {
    if (Array.isArray(chunk.logprobs)) logprobs.push(...chunk.logprobs);
    const message = asRecord(chunk.message);
    if (Array.isArray(message?.['tool_calls'])) toolCalls.push(...message['tool_calls']);
    if (chunk.done) final = chunk;
    const content = message?.['content'];
    if (typeof content === 'string' && content !== '') {
      text += content;
      yield { type: 'delta', text: content };
    }
  }
  if (signal.aborted) throw abortError(signal);
  if (!final) throw malformedError(API, 'the stream ended without a final "done" message');
  // Each chunk carries its own tokens' log-probabilities; the answer's are all of them, in order.
  const record = { ...(final as unknown as Record<string, unknown>), logprobs };
  yield { type: 'done', result: resultOf(record, text, toolCalls, body.tools !== undefined) };
}
