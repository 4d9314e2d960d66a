/**
 * The request side shared by `google:` and `vertex:`: the config keys both accept, and a GenerateRequest as the
 * `generateContent` parameters of `@google/genai`. Chat roles become Gemini's (`assistant` → `model`, system
 * messages → `systemInstruction`); OpenAI-format tools become function declarations with their schemas cut down
 * to what Gemini accepts (./gemini-schema.ts).
 */
import type { FunctionCallingConfigMode, GenerateContentConfig, GenerateContentParameters } from '@google/genai';
import type { ChatMessage, GenerateRequest, JsonSchema, StructuredOutput, ToolChoice, ToolDefinition } from '../types.js';
import { MAX_RESPONSE_BYTES_OPTION } from './capped-fetch.js';
import { geminiPartsOf } from './gemini-content.js';
import { toGeminiSchema } from './gemini-schema.js';
import { LIMIT_KEY_SCHEMAS } from './limit-keys.js';
import { compact } from './wire-values.js';

/** The config keys of both Gemini providers (each adds its own endpoint and credential keys). */
export interface GeminiConfig {
  temperature?: number;
  /** llmlab's name (budgets and `tpm` read it); `maxOutputTokens` is Gemini's spelling of the same. */
  maxTokens?: number;
  maxOutputTokens?: number;
  topP?: number;
  topK?: number;
  stop?: string | string[];
  stopSequences?: string[];
  seed?: number;
  presencePenalty?: number;
  frequencyPenalty?: number;
  responseMimeType?: string;
  responseSchema?: JsonSchema;
  systemInstruction?: string;
  generationConfig?: Record<string, unknown>;
  safetySettings?: Record<string, unknown>[];
  toolConfig?: Record<string, unknown>;
  /** Gemini-native tools (function declarations, googleSearch, codeExecution, …), sent beside the prompt's tools. */
  tools?: Record<string, unknown>[];
  stream?: boolean;
  headers?: Record<string, string>;
  apiVersion?: string;
  taskType?: string;
  outputDimensionality?: number;
  extraBody?: Record<string, unknown>;
}

/** The native tool kinds, in the snake_case promptfoo configs often use → the SDK's camelCase. */
const NATIVE_TOOL_KEYS: Record<string, string> = {
  function_declarations: 'functionDeclarations',
  google_search: 'googleSearch',
  google_search_retrieval: 'googleSearchRetrieval',
  code_execution: 'codeExecution',
  url_context: 'urlContext',
};

/** Request fields llmlab always sets itself; `extraBody` cannot replace them. */
const RESERVED_BODY_KEYS = ['contents'];

/** JSON Schema of {@link GeminiConfig}, spread into each provider's optionsSchema. */
export const GEMINI_OPTION_SCHEMAS: Record<string, JsonSchema> = {
  temperature: { type: 'number', minimum: 0, maximum: 2, description: 'sampling temperature' },
  maxTokens: { type: 'integer', minimum: 1, description: 'maximum tokens to generate (generationConfig.maxOutputTokens)' },
  maxOutputTokens: { type: 'integer', minimum: 1, description: 'the same as maxTokens, in Gemini\'s spelling' },
  topP: { type: 'number', minimum: 0, maximum: 1, description: 'nucleus sampling probability mass' },
  topK: { type: 'integer', minimum: 1, description: 'sample only from the top K tokens' },
  stop: {
    description: 'stop sequence or sequences (generationConfig.stopSequences)',
    oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
  },
  stopSequences: { type: 'array', items: { type: 'string' }, description: 'the same as stop, in Gemini\'s spelling' },
  seed: { type: 'integer', description: 'sampling seed, for best-effort determinism' },
  presencePenalty: { type: 'number', description: 'presence penalty' },
  frequencyPenalty: { type: 'number', description: 'frequency penalty' },
  responseMimeType: { type: 'string', description: 'e.g. application/json for JSON mode' },
  responseSchema: { type: 'object', description: 'JSON schema the answer must follow (sets responseMimeType application/json)' },
  systemInstruction: { type: 'string', description: 'system instruction sent before the prompt\'s own system messages' },
  generationConfig: {
    type: 'object',
    description: 'merged into the request\'s generationConfig as written (e.g. thinkingConfig); wins over the keys above',
  },
  safetySettings: {
    type: 'array',
    items: { type: 'object' },
    description: 'safety settings as the API takes them: [{ category, threshold }]',
  },
  toolConfig: { type: 'object', description: 'toolConfig as the API takes it; wins over the prompt\'s tool_choice' },
  tools: {
    type: 'array',
    items: {
      type: 'object',
      minProperties: 1,
      // Only the kinds the SDK sends on: any other key it would drop without a word.
      additionalProperties: false,
      properties: Object.fromEntries(Object.entries(NATIVE_TOOL_KEYS).flatMap(([snake, camel]) => [[snake, {}], [camel, {}]])),
    },
    description: 'Gemini-native tools as the API takes them ({ functionDeclarations }, { googleSearch: {} }, { codeExecution: {} }, { urlContext: {} }), sent beside the prompt\'s tools',
  },
  stream: { type: 'boolean', description: 'stream the answer (streamGenerateContent) and accumulate it' },
  headers: {
    type: 'object',
    additionalProperties: { type: 'string' },
    description: 'extra HTTP headers sent with each request (not for secrets: use apiKeyEnv)',
  },
  apiVersion: { type: 'string', description: 'API version in the URL path' },
  taskType: { type: 'string', description: 'embeddings: task type, e.g. SEMANTIC_SIMILARITY' },
  outputDimensionality: { type: 'integer', minimum: 1, description: 'embeddings: truncate vectors to this many dimensions' },
  extraBody: {
    type: 'object',
    propertyNames: { not: { enum: RESERVED_BODY_KEYS } },
    description: 'more request body fields in the API\'s JSON spelling, merged in as written (any API parameter llmlab has no key for); part of the cache key',
  },
  ...LIMIT_KEY_SCHEMAS,
  maxResponseBytes: MAX_RESPONSE_BYTES_OPTION,
};

/** The sampling settings, under the SDK's names: what both the request and the cache key carry. */
function sampling(config: GeminiConfig) {
  return {
    temperature: config.temperature,
    maxOutputTokens: config.maxTokens ?? config.maxOutputTokens,
    topP: config.topP,
    topK: config.topK,
    stopSequences: stopOf(config),
    seed: config.seed,
    presencePenalty: config.presencePenalty,
    frequencyPenalty: config.frequencyPenalty,
  };
}

/** The config keys that shape an answer, as they go into the cache key (no endpoint, no credentials). */
export function samplingIdentity(config: GeminiConfig): Record<string, unknown> {
  return compact({
    ...sampling(config),
    responseMimeType: config.responseMimeType,
    responseSchema: config.responseSchema,
    systemInstruction: config.systemInstruction,
    generationConfig: config.generationConfig,
    safetySettings: config.safetySettings,
    toolConfig: config.toolConfig,
    tools: config.tools,
  });
}

/**
 * The SDK parameters of one call (`vertex`: Vertex AI, which takes media URLs). Passthrough keys (`generationConfig`, `safetySettings`, `toolConfig`,
 * `extraBody`) go in the SDK's `extraBody`, which it deep-merges into the JSON it sends: its own typed fields
 * would drop what it does not know.
 */
export function buildParams(
  model: string,
  request: GenerateRequest,
  config: GeminiConfig,
  signal: AbortSignal,
  vertex = false,
): GenerateContentParameters {
  const { contents, system } = splitMessages(request.messages, config.systemInstruction, vertex);
  // Gemini refuses function calling together with JSON mode: a verdict's forced call replaces the JSON settings.
  const structured = request.structured !== undefined;
  const schema = structured ? undefined : config.responseSchema;
  const sdkConfig: GenerateContentConfig = compact({
    abortSignal: signal,
    // One request per call: the executor owns retries and timeouts, and llmlab's tools are never run for the model.
    automaticFunctionCalling: { disable: true },
    automaticContinuation: false,
    systemInstruction: system,
    ...sampling(config),
    responseMimeType: structured ? undefined : (config.responseMimeType ?? (schema ? 'application/json' : undefined)),
    responseSchema: schema ? toGeminiSchema(schema) : undefined,
    ...toolsOf(request, config.tools),
  });
  const extraBody = compact({
    ...withoutReserved(config.extraBody),
    generationConfig: structured ? withoutJsonMode(config.generationConfig) : config.generationConfig,
    safetySettings: config.safetySettings,
    toolConfig: structured ? undefined : config.toolConfig,
  });
  if (Object.keys(extraBody).length > 0) sdkConfig.httpOptions = { extraBody };
  return { model, contents, config: sdkConfig };
}

/** Gemini's contents and system instruction. A conversation of only system text is sent as the user's turn. */
export function splitMessages(
  messages: ChatMessage[],
  configured?: string,
  vertex = false,
): { contents: GenerateContentParameters['contents']; system?: string } {
  const systemTexts = [configured, ...messages.filter((m) => m.role === 'system').map((m) => m.content)].filter(
    (text): text is string => typeof text === 'string' && text !== '',
  );
  const rest = messages.filter((m) => m.role !== 'system');
  if (rest.length === 0) return { contents: [{ role: 'user', parts: [{ text: systemTexts.join('\n\n') }] }] };
  const contents = rest.map((m) => ({ role: m.role === 'assistant' ? 'model' : 'user', parts: geminiPartsOf(m, vertex) }));
  return systemTexts.length > 0 ? { contents, system: systemTexts.join('\n\n') } : { contents };
}

/**
 * Function declarations and the calling mode: a `structured` request forces one call of its verdict function;
 * otherwise the prompt's tools and tool_choice.
 */
function toolsOf(request: GenerateRequest, native: Record<string, unknown>[] = []): Pick<GenerateContentConfig, 'tools' | 'toolConfig'> {
  if (request.structured) return forcedTool(request.structured);
  const tools = [
    ...(request.tools?.length ? [{ functionDeclarations: request.tools.map(declarationOf) }] : []),
    ...native.map(camelTool),
  ];
  if (tools.length === 0) return {};
  const mode = request.toolChoice === undefined || !request.tools?.length ? undefined : callingConfigOf(request.toolChoice);
  return mode ? { tools, toolConfig: { functionCallingConfig: mode } } : { tools };
}

/** A native tool with its kind in the SDK's spelling; the function declarations' schemas cut down like the prompt's. */
function camelTool(tool: Record<string, unknown>): Record<string, unknown> {
  const entries = Object.entries(tool).map(([key, value]): [string, unknown] => [NATIVE_TOOL_KEYS[key] ?? key, value]);
  const camel = Object.fromEntries(entries);
  const declarations = camel['functionDeclarations'];
  if (Array.isArray(declarations)) {
    camel['functionDeclarations'] = declarations.map((fn: Record<string, unknown>) =>
      compact({ ...fn, parameters: fn['parameters'] ? parametersOf(fn['parameters'] as JsonSchema) : undefined }),
    );
  }
  return camel;
}

function forcedTool(structured: StructuredOutput): Pick<GenerateContentConfig, 'tools' | 'toolConfig'> {
  const declaration = compact({ name: structured.name, description: structured.description, parameters: parametersOf(structured.schema) });
  return {
    tools: [{ functionDeclarations: [declaration] }],
    toolConfig: { functionCallingConfig: callingConfigOf({ name: structured.name }) },
  };
}

function declarationOf(tool: ToolDefinition): { name: string; description?: string; parameters?: JsonSchema } {
  const fn = tool.function;
  return compact({ name: fn.name, description: fn.description, parameters: fn.parameters ? parametersOf(fn.parameters) : undefined });
}

/** Gemini refuses an OBJECT parameters schema without properties: a function without arguments declares none. */
function parametersOf(schema: JsonSchema): JsonSchema | undefined {
  const converted = toGeminiSchema(schema);
  const properties = converted['properties'];
  const empty = !properties || (typeof properties === 'object' && Object.keys(properties).length === 0);
  const type = typeof converted['type'] === 'string' ? converted['type'].toLowerCase() : 'object';
  return empty && type === 'object' ? undefined : converted;
}

/** OpenAI's tool_choice words as Gemini's functionCallingConfig. */
export function callingConfigOf(choice: ToolChoice): { mode: FunctionCallingConfigMode; allowedFunctionNames?: string[] } {
  // Type-only import of the SDK's enum: its values are these strings, and importing it would load the SDK.
  if (typeof choice === 'object') return { mode: 'ANY' as FunctionCallingConfigMode, allowedFunctionNames: [choice.name] };
  const modes = { auto: 'AUTO', none: 'NONE', required: 'ANY' } as const;
  return { mode: modes[choice] as FunctionCallingConfigMode };
}

/** JSON-mode keys of a generationConfig, in either spelling the API accepts. */
const JSON_MODE_KEYS = ['responseMimeType', 'response_mime_type', 'responseSchema', 'response_schema', 'responseJsonSchema', 'response_json_schema'];

function withoutJsonMode(generationConfig: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (!generationConfig) return undefined;
  return Object.fromEntries(Object.entries(generationConfig).filter(([key]) => !JSON_MODE_KEYS.includes(key)));
}

function withoutReserved(extra: Record<string, unknown> | undefined): Record<string, unknown> {
  const copy = { ...extra };
  for (const key of RESERVED_BODY_KEYS) delete copy[key];
  return copy;
}

function stopOf(config: GeminiConfig): string[] | undefined {
  if (config.stopSequences) return config.stopSequences;
  return typeof config.stop === 'string' ? [config.stop] : config.stop;
}
