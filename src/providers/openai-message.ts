/**
 * Reading an OpenAI chat answer's message text and usage, the same way for a JSON completion (./openai.ts) and a
 * streamed one (./openai-stream.ts).
 */
import type { TokenUsage } from '../types.js';
import { asRecord } from './sdk-errors.js';
import { numberOr } from './wire-values.js';

/** The message text; when the model only called tools, their JSON, so assertions have something to read. */
export function outputOf(content: unknown, toolCalls: unknown, refusal: unknown): string {
  if (typeof content === 'string' && content !== '') return content;
  if (Array.isArray(toolCalls) && toolCalls.length > 0) return JSON.stringify(toolCalls);
  if (typeof refusal === 'string') return refusal;
  return typeof content === 'string' ? content : '';
}

/** `usage` of a completion or of a stream's last chunk (`stream_options.include_usage`). */
export function usageOf(usage: Record<string, unknown>): TokenUsage {
  const input = numberOr(usage['prompt_tokens']);
  const output = numberOr(usage['completion_tokens']);
  const total = typeof usage['total_tokens'] === 'number' ? usage['total_tokens'] : input + output;
  const cached = asRecord(usage['prompt_tokens_details'])?.['cached_tokens'];
  return typeof cached === 'number' ? { input, output, total, cachedInput: cached } : { input, output, total };
}

export function stringOr(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
