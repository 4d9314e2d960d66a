/**
 * Reading an Anthropic message's content, usage and stop reason, the same way for a JSON answer (./anthropic.ts)
 * and a streamed one (./anthropic-stream.ts).
 */
import type { TokenUsage } from '../types.js';
import { asRecord } from './sdk-errors.js';
import { numberOr } from './wire-values.js';

/** Text blocks joined; when the model only used tools it was not given by the prompt, the tool_use blocks as JSON. */
export function outputOf(content: unknown[], declaredTools = false): string {
  const blocks = content.map((block) => asRecord(block) ?? {});
  const text = blocks
    .filter((b) => b['type'] === 'text' && typeof b['text'] === 'string')
    .map((b) => b['text'] as string)
    .join('');
  if (text !== '' || declaredTools) return text;
  const tools = blocks.filter((b) => b['type'] === 'tool_use').map(toolUseOf);
  return tools.length > 0 ? JSON.stringify(tools) : '';
}

function toolUseOf(block: Record<string, unknown>): Record<string, unknown> {
  const partial = block['partial_json'];
  if (typeof partial !== 'string') return { id: block['id'], name: block['name'], input: block['input'] };
  try {
    return { id: block['id'], name: block['name'], input: JSON.parse(partial || '{}') };
  } catch {
    return { id: block['id'], name: block['name'], input: partial };
  }
}

/**
 * Anthropic reports uncached, cache-written and cache-read input separately; `input` is their sum, so it means the
 * same as OpenAI's prompt_tokens, and `cachedInput` is the part read from the cache.
 */
export function usageOf(usage: Record<string, unknown>): TokenUsage {
  const cached = numberOr(usage['cache_read_input_tokens']);
  const input = numberOr(usage['input_tokens']) + numberOr(usage['cache_creation_input_tokens']) + cached;
  const output = numberOr(usage['output_tokens']);
  return cached > 0 ? { input, output, total: input + output, cachedInput: cached } : { input, output, total: input + output };
}

const STOP_REASONS: Record<string, string> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  max_tokens: 'length',
  tool_use: 'tool_calls',
};

export function normaliseStopReason(reason: unknown): string | undefined {
  if (typeof reason !== 'string') return undefined;
  return STOP_REASONS[reason] ?? reason;
}
