/**
 * A prompt's `tools` (OpenAI's function-tool format) in each chat API's own spelling, and the calls a model made
 * back into llmlab's ToolCall (arguments as JSON text). One place for the translation, so openai, anthropic and
 * ollama agree on what a call is.
 *
 * Ollama's /api/chat has no `tool_choice`: `none` sends no tools, `{ name }` sends only that tool, and
 * `required` cannot be enforced (the model may still answer in text).
 */
import type { GenerateRequest, ToolCall, ToolChoice, ToolDefinition } from '../types.js';

type Json = Record<string, unknown>;

/** The request's tools as OpenAI's chat `tools` and `tool_choice` (both left out when it declares none). */
export function openaiToolFields(request: Pick<GenerateRequest, 'tools' | 'toolChoice'>): Json {
  if (!request.tools?.length) return {};
  const choice = request.toolChoice;
  if (choice === undefined) return { tools: request.tools };
  return { tools: request.tools, tool_choice: typeof choice === 'string' ? choice : { type: 'function', function: { name: choice.name } } };
}

/** The request's tools as Anthropic's `tools` (input_schema) and `tool_choice`. */
export function anthropicToolFields(request: Pick<GenerateRequest, 'tools' | 'toolChoice'>): Json {
  if (!request.tools?.length) return {};
  const tools = request.tools.map(({ function: fn }) =>
    compact({
      name: fn.name,
      description: fn.description,
      // Anthropic requires a schema; a function without parameters takes an empty object.
      input_schema: fn.parameters ?? { type: 'object', properties: {} },
    }),
  );
  const choice = anthropicChoice(request.toolChoice);
  return choice ? { tools, tool_choice: choice } : { tools };
}

function anthropicChoice(choice: ToolChoice | undefined): Json | undefined {
  if (choice === undefined) return undefined;
  if (choice === 'auto') return { type: 'auto' };
  if (choice === 'none') return { type: 'none' };
  if (choice === 'required') return { type: 'any' };
  return { type: 'tool', name: choice.name };
}

/** The request's tools for Ollama's /api/chat (OpenAI's format), narrowed by `toolChoice` as the header says. */
export function ollamaTools(request: Pick<GenerateRequest, 'tools' | 'toolChoice'>): ToolDefinition[] | undefined {
  const choice = request.toolChoice;
  if (!request.tools?.length || choice === 'none') return undefined;
  if (typeof choice === 'object') return request.tools.filter((tool) => tool.function.name === choice.name);
  return request.tools;
}

/** OpenAI's (and Ollama's) `tool_calls`: `[{ id, function: { name, arguments } }]`; arguments text or object. */
export function toolCallsOf(raw: unknown): ToolCall[] | undefined {
  if (!Array.isArray(raw)) return undefined;
  const calls: ToolCall[] = [];
  for (const item of raw) {
    const call = asJson(item);
    const fn = asJson(call?.['function']);
    if (typeof fn?.['name'] !== 'string') continue;
    calls.push({ ...(typeof call?.['id'] === 'string' ? { id: call['id'] } : {}), name: fn['name'], arguments: argumentsText(fn['arguments']) });
  }
  return calls.length > 0 ? calls : undefined;
}

/** One call of an OpenAI stream as its deltas build it up. */
export interface ToolCallParts {
  id?: string;
  type?: string;
  function: { name: string; arguments: string };
}

/** Adds one chunk's `delta.tool_calls` to the calls so far: names and arguments arrive in pieces, by index. */
export function mergeToolCalls(calls: ToolCallParts[], deltas: unknown[]): void {
  for (const item of deltas) {
    const delta = asJson(item);
    const index = typeof delta?.['index'] === 'number' ? delta['index'] : calls.length;
    const call = (calls[index] ??= { function: { name: '', arguments: '' } });
    if (typeof delta?.['id'] === 'string') call.id = delta['id'];
    if (typeof delta?.['type'] === 'string') call.type = delta['type'];
    const fn = asJson(delta?.['function']);
    if (typeof fn?.['name'] === 'string') call.function.name += fn['name'];
    if (typeof fn?.['arguments'] === 'string') call.function.arguments += fn['arguments'];
  }
}

/** Anthropic's `tool_use` content blocks (a streamed block carries `partial_json` instead of `input`). */
export function toolUseCallsOf(content: unknown[]): ToolCall[] | undefined {
  const calls: ToolCall[] = [];
  for (const item of content) {
    const block = asJson(item);
    if (block?.['type'] !== 'tool_use' || typeof block['name'] !== 'string') continue;
    const partial = block['partial_json'];
    const args = typeof partial === 'string' ? partial || '{}' : argumentsText(block['input']);
    calls.push({ ...(typeof block['id'] === 'string' ? { id: block['id'] } : {}), name: block['name'], arguments: args });
  }
  return calls.length > 0 ? calls : undefined;
}

/** Arguments as the model wrote them: text stays text (it may be invalid JSON), an object becomes its JSON. */
function argumentsText(value: unknown): string {
  if (typeof value === 'string') return value;
  return value === undefined ? '{}' : JSON.stringify(value);
}

function asJson(value: unknown): Json | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : undefined;
}

function compact<T extends Json>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
