/**
 * The tool calls a cell's answer made, for `is-valid-openai-tools-call` and `tool-call-f1`: the provider's
 * `toolCalls`, else (promptfoo's legacy case, and providers that put calls in the text) an output that is itself
 * JSON tool calls: OpenAI's `[{ function: { name, arguments } }]` or `{ tool_calls: [...] }`, Anthropic
 * `tool_use` blocks, Gemini `functionCall` parts, or plain `{ name, arguments }`. Not a metric itself.
 */
import type { GenerateResult, ToolCall } from '../types.js';

/** The calls of an answer, in order; [] when it made none. */
export function callsOf(output: string, result: GenerateResult): ToolCall[] {
  if (result.toolCalls?.length) return result.toolCalls;
  const text = output.trim();
  if (!text.startsWith('[') && !text.startsWith('{')) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return [];
  }
  const record = asRecord(parsed);
  const list = Array.isArray(parsed) ? parsed : Array.isArray(record?.['tool_calls']) ? (record['tool_calls'] as unknown[]) : [parsed];
  const calls: ToolCall[] = [];
  for (const item of list) {
    const call = callOf(asRecord(item));
    if (call) calls.push(call);
  }
  return calls;
}

function callOf(item: Record<string, unknown> | undefined): ToolCall | undefined {
  if (!item) return undefined;
  const fn = asRecord(item['function']) ?? asRecord(item['functionCall']) ?? item;
  if (typeof fn['name'] !== 'string') return undefined;
  const args = fn['arguments'] ?? fn['input'] ?? fn['args'];
  return { name: fn['name'], arguments: typeof args === 'string' ? args : JSON.stringify(args ?? {}) };
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** `name(args)` with long arguments cut, for reasons. */
export function showCall(call: ToolCall, max = 80): string {
  const args = call.arguments.length > max ? `${call.arguments.slice(0, max)}…` : call.arguments;
  return `${call.name}(${args})`;
}
