/**
 * promptfoo passes a provider's `tools` to its API as written, so configs hold every vendor's spelling of a
 * function: OpenAI Chat (`{ type: function, function }`), OpenAI Responses/Realtime (`{ type: function, name }`),
 * Anthropic (`{ name, input_schema }`), Gemini (`{ functionDeclarations: [...] }`) and Bedrock Converse
 * (`{ toolSpec: { inputSchema: { json } } }`). llmlab declares tools once, in OpenAI's format, and each provider
 * translates them; so each spelling becomes that format here, and the same tools written for two vendors are the
 * same tools. A vendor's built-in tool (web search, code execution, MCP) is no function: Gemini's stay in the
 * google/vertex provider's own `tools`, any other is an error naming it.
 */
import { child, isRecord } from './context.js';
import type { Here, Translator } from './context.js';

/** One function in OpenAI's format. */
export interface FunctionTool {
  type: 'function';
  function: { name: string; description?: string; parameters?: unknown; strict?: boolean };
}

/** Gemini's built-in tools, which the google and vertex providers take in their config as written. */
const GEMINI_NATIVE = /^(googleSearch|google_search|googleSearchRetrieval|google_search_retrieval|codeExecution|code_execution|urlContext|url_context)$/;

/** A provider's tools, split into functions (declared on the prompts) and Gemini built-ins (kept on the provider). */
export function normalizeTools(t: Translator, value: unknown, here: Here, providerId: string): { functions: FunctionTool[]; native: unknown[] } | undefined {
  const list = Array.isArray(value) ? value : [value];
  const functions: FunctionTool[] = [];
  const native: unknown[] = [];
  const gemini = /^(google|vertex):/.test(providerId);
  for (const [i, tool] of list.entries()) {
    const at = Array.isArray(value) ? child(here, i) : here;
    if (!isRecord(tool)) {
      t.problem(at, 'a tool must be an object', 'write tools in OpenAI\'s format: `{ type: function, function: { name, parameters } }`');
      return undefined;
    }
    const declarations = tool.functionDeclarations ?? tool.function_declarations;
    if (Array.isArray(declarations)) {
      for (const d of declarations) if (isRecord(d)) functions.push(fn(d.name, d.description, jsonSchemaTypes(d.parameters ?? d.parametersJsonSchema)));
      continue;
    }
    const spec = isRecord(tool.toolSpec) ? tool.toolSpec : undefined;
    if (spec) {
      functions.push(fn(spec.name, spec.description, isRecord(spec.inputSchema) ? spec.inputSchema.json : undefined));
      continue;
    }
    if (tool.type === 'function' && isRecord(tool.function)) {
      functions.push({ type: 'function', function: tool.function as FunctionTool['function'] });
      continue;
    }
    if ((tool.type === 'function' || tool.type === undefined) && typeof tool.name === 'string' && !('input_schema' in tool)) {
      functions.push(fn(tool.name, tool.description, tool.parameters, tool.strict));
      continue;
    }
    if (typeof tool.name === 'string' && 'input_schema' in tool) {
      functions.push(fn(tool.name, tool.description, tool.input_schema));
      continue;
    }
    const kind = typeof tool.type === 'string' ? tool.type : Object.keys(tool)[0] ?? '?';
    if (gemini && Object.keys(tool).every((key) => GEMINI_NATIVE.test(key))) {
      native.push(tool);
      continue;
    }
    t.problem(at, `the built-in tool \`${kind}\` does not translate to llmlab`, 'llmlab declares functions the model may call (OpenAI format); a vendor\'s built-in tools (web search, MCP, file search) are not run by llmlab');
    return undefined;
  }
  return { functions, native };
}

/** Gemini's schema spells types in capitals (`STRING`, `OBJECT`); JSON Schema, which llmlab declares, in lower case. */
function jsonSchemaTypes(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(jsonSchemaTypes);
  if (!isRecord(schema)) return schema;
  return Object.fromEntries(
    Object.entries(schema).map(([key, value]) => [key, key === 'type' && typeof value === 'string' ? value.toLowerCase() : jsonSchemaTypes(value)]),
  );
}

function fn(name: unknown, description: unknown, parameters: unknown, strict?: unknown): FunctionTool {
  return {
    type: 'function',
    function: {
      name: String(name),
      ...(typeof description === 'string' ? { description } : {}),
      ...(isRecord(parameters) ? { parameters } : {}),
      ...(typeof strict === 'boolean' ? { strict } : {}),
    },
  };
}

/**
 * A tool choice in any vendor's spelling → llmlab's (`auto`, `none`, `required` or `{ name }`): OpenAI's
 * `{ type: function, function: { name } }`, Anthropic's `{ type: any | auto | tool, name }`, Bedrock's
 * `{ any: {} } | { auto: {} } | { tool: { name } }`, Gemini's `functionCallingConfig.mode`.
 */
export function normalizeToolChoice(t: Translator, value: unknown, here: Here): unknown {
  if (value === 'auto' || value === 'none' || value === 'required') return value;
  if (value === 'any') return 'required';
  if (isRecord(value)) {
    const named = isRecord(value.function) ? value.function.name : isRecord(value.tool) ? value.tool.name : value.name;
    if (typeof named === 'string') return { name: named };
    if (value.type === 'any' || 'any' in value) return 'required';
    if (value.type === 'auto' || 'auto' in value) return 'auto';
    if (value.type === 'none') return 'none';
    const mode = isRecord(value.functionCallingConfig) ? value.functionCallingConfig.mode : undefined;
    if (mode === 'ANY') return 'required';
    if (mode === 'AUTO') return 'auto';
    if (mode === 'NONE') return 'none';
  }
  t.problem(here, 'this tool choice does not translate to llmlab', 'write `auto`, `none`, `required` or `{ name: <function> }`');
  return undefined;
}
