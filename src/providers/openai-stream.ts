/**
 * A streamed OpenAI chat completion (SSE) as llmlab's StreamPart: each content piece as a delta while it arrives,
 * then the whole answer. `generate` with `stream: true` drains the same generator (./stream-parts.ts), so both
 * read a stream one way. Usage comes from the last chunk, which `stream_options.include_usage` asks for.
 */
import type OpenAI from 'openai';
import type { StreamPart } from '../types.js';
import { outputOf, stringOr, usageOf } from './openai-message.js';
import { abortError, asRecord, malformedError } from './sdk-errors.js';
import { mergeToolCalls, toolCallsOf } from './tool-calls.js';
import type { ToolCallParts } from './tool-calls.js';
import { tokenLogprobsOf } from './token-logprobs.js';
import { compact } from './wire-values.js';

const API = 'OpenAI';

type ChatParams = OpenAI.Chat.Completions.ChatCompletionCreateParamsNonStreaming;

/** Yields the answer's text deltas, then `done`. Errors are the SDK's own: the caller maps them (toProviderError). */
export async function* chatStream(client: OpenAI, body: ChatParams, signal: AbortSignal): AsyncGenerator<StreamPart> {
  const stream = await client.chat.completions.create(
    { ...body, stream: true, stream_options: { include_usage: true } },
    { signal },
  );
  let text = '';
  let chunks = 0;
  let id: unknown;
  let model: unknown;
  let finishReason: unknown;
  let usage: Record<string, unknown> | undefined;
  const toolCalls: ToolCallParts[] = [];
  const tokenParts: unknown[] = [];
  for await (const chunk of stream as AsyncIterable<unknown>) {
    const record = asRecord(chunk);
    if (!record) throw malformedError(API, 'stream chunk is not an object');
    chunks++;
    id ??= record['id'];
    model ??= record['model'];
    usage = asRecord(record['usage']) ?? usage;
    const choice = asRecord(Array.isArray(record['choices']) ? record['choices'][0] : undefined);
    if (!choice) continue;
    finishReason = choice['finish_reason'] ?? finishReason;
    const delta = asRecord(choice['delta']);
    const content = delta?.['content'];
    if (Array.isArray(delta?.['tool_calls'])) mergeToolCalls(toolCalls, delta['tool_calls']);
    const parts = asRecord(choice['logprobs'])?.['content'];
    if (Array.isArray(parts)) tokenParts.push(...parts);
    if (typeof content === 'string' && content !== '') {
      text += content;
      yield { type: 'delta', text: content };
    }
  }
  // The SDK ends a stream quietly when it is aborted; a partial answer must not pass as a whole one.
  if (signal.aborted) throw abortError(signal);
  if (chunks === 0) throw malformedError(API, 'the stream carried no chunks');
  const calls = body.tools ? toolCallsOf(toolCalls) : undefined;
  const logprobs = body.logprobs ? tokenLogprobsOf(tokenParts) : undefined;
  const result = {
    output: outputOf(text || null, toolCalls.length > 0 && !body.tools ? toolCalls : undefined, undefined),
    ...(calls ? { toolCalls: calls } : {}),
    ...(logprobs ? { logprobs } : {}),
    usage: usage ? usageOf(usage) : undefined,
    finishReason: stringOr(finishReason),
    model: stringOr(model),
    raw: compact({ id, model, finish_reason: finishReason, usage }),
  };
  yield { type: 'done', result };
}
