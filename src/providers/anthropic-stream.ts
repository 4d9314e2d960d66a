/**
 * A streamed Anthropic message (SSE events) as llmlab's StreamPart: each text_delta as a delta while it arrives,
 * then the whole answer. `generate` with `stream: true` drains the same generator (./stream-parts.ts). Tool input
 * arrives as input_json_delta pieces, which are gathered for `toolCalls` but are not text.
 */
import type Anthropic from '@anthropic-ai/sdk';
import type { StreamPart } from '../types.js';
import { normaliseStopReason, outputOf, usageOf } from './anthropic-response.js';
import { abortError, asRecord, malformedError } from './sdk-errors.js';
import { toolUseCallsOf } from './tool-calls.js';
import { compact } from './wire-values.js';

const API = 'Anthropic';

type MessageParams = Anthropic.MessageCreateParamsNonStreaming;

/** Yields the answer's text deltas, then `done`. Errors are the SDK's own: the caller maps them (toProviderError). */
export async function* messageStream(client: Anthropic, body: MessageParams, signal: AbortSignal): AsyncGenerator<StreamPart> {
  const stream = await client.messages.create({ ...body, stream: true }, { signal });
  let started: Record<string, unknown> | undefined;
  let usage: Record<string, unknown> = {};
  let stopReason: unknown;
  const blocks: Record<string, unknown>[] = [];
  for await (const item of stream as AsyncIterable<unknown>) {
    const event = asRecord(item);
    if (!event) throw malformedError(API, 'stream event is not an object');
    const index = typeof event['index'] === 'number' ? event['index'] : 0;
    switch (event['type']) {
      case 'message_start':
        started = asRecord(event['message']);
        usage = { ...asRecord(started?.['usage']) };
        break;
      case 'content_block_start':
        blocks[index] = { ...asRecord(event['content_block']) };
        break;
      case 'content_block_delta': {
        const block = (blocks[index] ??= { type: 'text', text: '' });
        const text = applyDelta(block, asRecord(event['delta']));
        if (text && block['type'] === 'text') yield { type: 'delta', text };
        break;
      }
      case 'message_delta':
        stopReason = asRecord(event['delta'])?.['stop_reason'] ?? stopReason;
        // message_delta usage is cumulative: it replaces what message_start said.
        usage = { ...usage, ...asRecord(event['usage']) };
        break;
    }
  }
  // The SDK ends a stream quietly when it is aborted; a partial answer must not pass as a whole one.
  if (signal.aborted) throw abortError(signal);
  if (!started) throw malformedError(API, 'the stream had no message_start event');
  const calls = body.tools ? toolUseCallsOf(blocks.filter(Boolean)) : undefined;
  const result = {
    output: outputOf(blocks.filter(Boolean), body.tools !== undefined),
    ...(calls ? { toolCalls: calls } : {}),
    usage: usageOf(usage),
    finishReason: normaliseStopReason(stopReason),
    model: typeof started['model'] === 'string' ? started['model'] : undefined,
    raw: compact({ id: started['id'], model: started['model'], stop_reason: stopReason, usage }),
  };
  yield { type: 'done', result };
}

/** Adds a delta to its block; returns the text it added, if it was text. */
function applyDelta(block: Record<string, unknown>, delta: Record<string, unknown> | undefined): string | undefined {
  if (delta?.['type'] === 'text_delta' && typeof delta['text'] === 'string') {
    block['text'] = `${typeof block['text'] === 'string' ? block['text'] : ''}${delta['text']}`;
    return delta['text'];
  }
  if (delta?.['type'] === 'input_json_delta' && typeof delta['partial_json'] === 'string') {
    block['partial_json'] = `${typeof block['partial_json'] === 'string' ? block['partial_json'] : ''}${delta['partial_json']}`;
  }
  return undefined;
}
