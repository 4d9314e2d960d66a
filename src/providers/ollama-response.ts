/**
 * Reading an Ollama /api/chat answer (its message, counts and done reason), the same way for a JSON answer
 * (./ollama.ts) and the final message of a stream (./ollama-stream.ts).
 */
import type { GenerateResult, TokenUsage } from '../types.js';
import { toolCallsOf } from './tool-calls.js';
import { tokenLogprobsOf } from './token-logprobs.js';
import { compact } from './wire-values.js';

/** With declared tools the calls are the cell's `toolCalls` and `output` stays the text; else calls show as JSON. */
export function resultOf(record: Record<string, unknown>, content: unknown, toolCalls: unknown, declared: boolean): GenerateResult {
  const text = typeof content === 'string' ? content : '';
  const tools = Array.isArray(toolCalls) && toolCalls.length > 0 ? toolCalls : undefined;
  const calls = declared ? toolCallsOf(tools) : undefined;
  return {
    output: text === '' && tools && !declared ? JSON.stringify(tools) : text,
    ...(calls ? { toolCalls: calls } : {}),
    ...logprobsOf(record['logprobs']),
    usage: usageOf(record),
    finishReason: typeof record['done_reason'] === 'string' ? record['done_reason'] : undefined,
    model: typeof record['model'] === 'string' ? record['model'] : undefined,
    raw: compact({
      model: record['model'],
      done_reason: record['done_reason'],
      prompt_eval_count: record['prompt_eval_count'],
      eval_count: record['eval_count'],
      total_duration: record['total_duration'],
    }),
  };
}

function usageOf(record: Record<string, unknown>): TokenUsage | undefined {
  const input = record['prompt_eval_count'];
  const output = record['eval_count'];
  if (typeof input !== 'number' && typeof output !== 'number') return undefined;
  // Ollama omits prompt_eval_count when the whole prompt came from its cache.
  const inputTokens = typeof input === 'number' ? input : 0;
  const outputTokens = typeof output === 'number' ? output : 0;
  return { input: inputTokens, output: outputTokens, total: inputTokens + outputTokens };
}

/** The answer's token log-probabilities, present only when Ollama sent them (the request asked). */
function logprobsOf(list: unknown): Pick<GenerateResult, 'logprobs'> {
  const logprobs = tokenLogprobsOf(list);
  return logprobs ? { logprobs } : {};
}
