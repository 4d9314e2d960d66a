/**
 * What an OpenAI client sends to the gateway, read into llmlab's types: a chat completion request and an
 * embeddings request. Pure functions; a request llmlab cannot honour is refused with a 400 naming the field
 * rather than answered differently from what was asked. Fields that do not change the answer (metadata, store,
 * parallel_tool_calls, service_tier, …) are ignored, because OpenAI clients send many of them.
 */
import type { ChatMessage, ToolChoice, ToolDefinition } from '../types.js';

/** An error in OpenAI's shape, with the HTTP status to send it with (see errorBody in ./openai-wire.ts). */
export interface WireError {
  status: number;
  message: string;
  /** OpenAI's `type`: `invalid_request_error`, `authentication_error`, `insufficient_quota`, … */
  type: string;
  /** The request field at fault, e.g. `messages[2].content[0]`. */
  param?: string;
  /** A machine-readable reason, e.g. `invalid_api_key`, `rate_limit_exceeded`, `unsupported_parameter`. */
  code?: string;
}

/** A chat completion request, read. */
export interface ChatCall {
  /** The model asked for: a virtual model's name. */
  model: string;
  messages: ChatMessage[];
  stream: boolean;
  /** `stream_options.include_usage` of a streamed request: end the stream with a usage chunk. */
  includeUsage: boolean;
  /** The end user, as the client names them (an experiment's sticky unit). */
  user?: string;
  /**
   * The request's sampling fields as llmlab's provider config keys (temperature, maxTokens, topP, stop, seed,
   * presencePenalty, frequencyPenalty, responseFormat), only those the request sets.
   */
  overrides: Record<string, unknown>;
  tools?: ToolDefinition[];
  toolChoice?: ToolChoice;
  /** `max_completion_tokens` or `max_tokens` (also in `overrides`), for the budget's worst case. */
  maxTokens?: number;
}

/** An embeddings request, read. */
export interface EmbeddingsCall {
  model: string;
  /** The texts, in order (a single string becomes a list of one). */
  input: string[];
  /** How vectors go back: the openai SDK asks for `base64` unless told otherwise. */
  encodingFormat: 'float' | 'base64';
  user?: string;
}

export type Parsed<T> = { ok: true; call: T } | { ok: false; error: WireError };

type Json = Record<string, unknown>;

/** Thrown inside the parsers only, and turned into the `{ ok: false }` answer at their edge. */
class Refusal extends Error {
  constructor(readonly wire: WireError) {
    super(wire.message);
  }
}

function invalid(message: string, param?: string, code = 'invalid_value'): Refusal {
  return new Refusal({ status: 400, message, type: 'invalid_request_error', ...(param ? { param } : {}), code });
}

function unsupported(message: string, param: string, code = 'unsupported_parameter'): Refusal {
  return invalid(`${message} (the llmlab gateway does not support this yet)`, param, code);
}

function parsing<T>(body: unknown, read: (body: Json) => T): Parsed<T> {
  try {
    if (body === null || typeof body !== 'object' || Array.isArray(body)) throw invalid('the request body must be a JSON object');
    return { ok: true, call: read(body as Json) };
  } catch (error) {
    if (error instanceof Refusal) return { ok: false, error: error.wire };
    throw error;
  }
}

/** Reads a `POST /v1/chat/completions` body. */
export function parseChatRequest(body: unknown): Parsed<ChatCall> {
  return parsing(body, (b) => {
    refuseUnsupported(b);
    const model = b['model'];
    if (typeof model !== 'string' || model === '') throw invalid('you must provide a model parameter', 'model', 'missing_required_parameter');
    const stream = optional(b, 'stream', 'boolean') ?? false;
    const options = optional(b, 'stream_options', 'object');
    const includeUsage = stream && options?.['include_usage'] === true;
    const user = optional(b, 'user', 'string');
    const { overrides, maxTokens } = overridesOf(b);
    const tools = toolsOf(b['tools']);
    const toolChoice = tools ? toolChoiceOf(b['tool_choice']) : undefined;
    return {
      model,
      messages: messagesOf(b['messages']),
      stream,
      includeUsage,
      ...(user !== undefined ? { user } : {}),
      overrides,
      ...(tools ? { tools } : {}),
      ...(toolChoice !== undefined ? { toolChoice } : {}),
      ...(maxTokens !== undefined ? { maxTokens } : {}),
    };
  });
}

/** Fields that would change the answer in a way llmlab cannot honour: refused, never silently dropped. */
function refuseUnsupported(b: Json): void {
  const n = b['n'];
  if (n !== undefined && n !== null && n !== 1) throw unsupported('`n` other than 1: ask once per answer you need', 'n');
  if (isSet(b['logit_bias'])) throw unsupported('`logit_bias`', 'logit_bias');
  if (b['logprobs'] === true) throw unsupported('`logprobs`', 'logprobs');
  if (isSet(b['top_logprobs'])) throw unsupported('`top_logprobs`', 'top_logprobs');
  if (isSet(b['functions']) || isSet(b['function_call'])) throw unsupported('the legacy `functions`/`function_call`: send `tools`', 'functions');
  if (isSet(b['audio']) || (Array.isArray(b['modalities']) && b['modalities'].some((m) => m !== 'text'))) {
    throw unsupported('audio output (`modalities`, `audio`)', 'modalities');
  }
  if (isSet(b['prediction'])) throw unsupported('`prediction`', 'prediction');
}

/** Null, an empty object and an empty list say nothing: clients often send them for "unset". */
function isSet(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (Array.isArray(value)) return value.length > 0;
  return typeof value !== 'object' || Object.keys(value).length > 0;
}

/** `developer` is OpenAI's newer name for system instructions (its reasoning models' clients send it). */
const ROLES: Record<string, ChatMessage['role']> = { system: 'system', developer: 'system', user: 'user', assistant: 'assistant' };

function messagesOf(raw: unknown): ChatMessage[] {
  if (raw === undefined) throw invalid('you must provide `messages`', 'messages', 'missing_required_parameter');
  if (!Array.isArray(raw) || raw.length === 0) throw invalid('`messages` must be a non-empty list', 'messages');
  return raw.map((item: unknown, index) => {
    const at = `messages[${index}]`;
    if (item === null || typeof item !== 'object' || Array.isArray(item)) throw invalid(`${at} must be an object`, at, 'invalid_type');
    const message = item as Json;
    const role = message['role'];
    if (role === 'tool' || role === 'function') {
      throw unsupported(`${at} has role \`${role}\`: tool results cannot be sent on to a model, only system, user and assistant text`, `${at}.role`, 'unsupported_value');
    }
    if (typeof role !== 'string' || !Object.hasOwn(ROLES, role)) {
      throw invalid(`${at}.role must be one of system, developer, user, assistant`, `${at}.role`);
    }
    if (isSet(message['tool_calls']) || isSet(message['function_call'])) {
      throw unsupported(`${at} is an assistant message with tool calls: a conversation that continues after a tool call`, `${at}.tool_calls`, 'unsupported_value');
    }
    if (isSet(message['audio'])) throw unsupported(`${at} carries audio`, `${at}.audio`, 'unsupported_value');
    return { role: ROLES[role]!, content: contentOf(message['content'], `${at}.content`, role === 'assistant') };
  });
}

/** A string, or text parts joined as they are (as OpenAI reads them: one text, no separator). */
function contentOf(raw: unknown, at: string, assistant: boolean): string {
  if (typeof raw === 'string') return raw;
  // An assistant turn may have no content (it only called tools, or refused).
  if ((raw === null || raw === undefined) && assistant) return '';
  if (!Array.isArray(raw)) throw invalid(`${at} must be a string or a list of content parts`, at, 'invalid_type');
  return raw
    .map((part: unknown, index) => {
      const where = `${at}[${index}]`;
      const record = part !== null && typeof part === 'object' ? (part as Json) : undefined;
      const type = record?.['type'];
      if ((type === 'text' || type === 'refusal') && typeof record?.[type] === 'string') return record[type] as string;
      if (typeof type === 'string' && type !== 'text') {
        throw unsupported(`${where} is a \`${type}\` part: only text content is supported`, where, 'unsupported_value');
      }
      throw invalid(`${where} must be a content part like { type: "text", text: "…" }`, where);
    })
    .join('');
}

/** The sampling fields, as the providers' config keys; also checks each one's type and range. */
function overridesOf(b: Json): { overrides: Record<string, unknown>; maxTokens?: number } {
  const overrides: Record<string, unknown> = {};
  const set = (key: string, value: unknown) => value !== undefined && (overrides[key] = value);
  set('temperature', number(b, 'temperature', 0, 2));
  set('topP', number(b, 'top_p', 0, 1));
  set('presencePenalty', number(b, 'presence_penalty', -2, 2));
  set('frequencyPenalty', number(b, 'frequency_penalty', -2, 2));
  const seed = number(b, 'seed', -Infinity, Infinity);
  if (seed !== undefined && !Number.isInteger(seed)) throw invalid('`seed` must be an integer', 'seed', 'invalid_type');
  set('seed', seed);
  const maxTokens = tokens(b, 'max_completion_tokens') ?? tokens(b, 'max_tokens');
  set('maxTokens', maxTokens);
  set('stop', stopOf(b['stop']));
  set('responseFormat', responseFormatOf(b['response_format']));
  return maxTokens === undefined ? { overrides } : { overrides, maxTokens };
}

function number(b: Json, field: string, min: number, max: number): number | undefined {
  const value = b[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw invalid(`\`${field}\` must be a number`, field, 'invalid_type');
  if (value < min || value > max) throw invalid(`\`${field}\` must be between ${min} and ${max}, got ${value}`, field);
  return value;
}

function tokens(b: Json, field: string): number | undefined {
  const value = number(b, field, 1, Number.MAX_SAFE_INTEGER);
  if (value !== undefined && !Number.isInteger(value)) throw invalid(`\`${field}\` must be a positive integer`, field, 'invalid_type');
  return value;
}

function stopOf(raw: unknown): string | string[] | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw === 'string') return raw;
  if (Array.isArray(raw) && raw.length <= 4 && raw.every((s) => typeof s === 'string')) return raw.length > 0 ? (raw as string[]) : undefined;
  throw invalid('`stop` must be a string or a list of up to 4 strings', 'stop');
}

function responseFormatOf(raw: unknown): Json | undefined {
  if (raw === undefined || raw === null) return undefined;
  const type = (raw as Json | undefined)?.['type'];
  if (typeof raw !== 'object' || Array.isArray(raw) || typeof type !== 'string') {
    throw invalid('`response_format` must be an object like { type: "json_object" }', 'response_format');
  }
  // `text` is every model's default: sent on, it would only make each request's provider differ from the others'.
  return type === 'text' ? undefined : (raw as Json);
}

const TOOL_NAME = /^[A-Za-z0-9_-]{1,64}$/;

function toolsOf(raw: unknown): ToolDefinition[] | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!Array.isArray(raw)) throw invalid('`tools` must be a list', 'tools', 'invalid_type');
  if (raw.length === 0) return undefined;
  return raw.map((item: unknown, index) => {
    const at = `tools[${index}]`;
    const tool = item !== null && typeof item === 'object' ? (item as Json) : {};
    if (tool['type'] !== 'function') throw unsupported(`${at} is not a function tool`, `${at}.type`, 'unsupported_value');
    const fn = tool['function'] !== null && typeof tool['function'] === 'object' ? (tool['function'] as Json) : {};
    const name = fn['name'];
    if (typeof name !== 'string' || !TOOL_NAME.test(name)) {
      throw invalid(`${at}.function.name must be 1-64 letters, digits, _ or -`, `${at}.function.name`);
    }
    const description = typeof fn['description'] === 'string' ? fn['description'] : undefined;
    const parameters = fn['parameters'] !== null && typeof fn['parameters'] === 'object' ? (fn['parameters'] as Json) : undefined;
    const strict = typeof fn['strict'] === 'boolean' ? fn['strict'] : undefined;
    return { type: 'function', function: { name, ...(description !== undefined ? { description } : {}), ...(parameters ? { parameters } : {}), ...(strict !== undefined ? { strict } : {}) } };
  });
}

function toolChoiceOf(raw: unknown): ToolChoice | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (raw === 'auto' || raw === 'none' || raw === 'required') return raw;
  const name = ((raw as Json | undefined)?.['function'] as Json | undefined)?.['name'];
  if ((raw as Json | undefined)?.['type'] === 'function' && typeof name === 'string') return { name };
  throw invalid('`tool_choice` must be auto, none, required or { type: "function", function: { name } }', 'tool_choice');
}

function optional<K extends 'boolean' | 'string' | 'object'>(
  b: Json,
  field: string,
  kind: K,
): (K extends 'boolean' ? boolean : K extends 'string' ? string : Json) | undefined {
  const value = b[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== kind || Array.isArray(value)) throw invalid(`\`${field}\` must be a ${kind === 'object' ? 'JSON object' : kind}`, field, 'invalid_type');
  return value as never;
}

/** Reads a `POST /v1/embeddings` body. Token-id input (lists of numbers) is refused: llmlab embeds text. */
export function parseEmbeddingsRequest(body: unknown): Parsed<EmbeddingsCall> {
  return parsing(body, (b) => {
    const model = b['model'];
    if (typeof model !== 'string' || model === '') throw invalid('you must provide a model parameter', 'model', 'missing_required_parameter');
    const raw = b['input'];
    const input = typeof raw === 'string' ? [raw] : raw;
    if (!Array.isArray(input) || input.length === 0) throw invalid('`input` must be a string or a non-empty list of strings', 'input');
    if (input.some((item) => typeof item === 'number' || Array.isArray(item))) throw unsupported('token-id `input`: send text', 'input', 'unsupported_value');
    if (!input.every((item) => typeof item === 'string' && item !== '')) throw invalid('every `input` must be a non-empty string', 'input');
    if (isSet(b['dimensions'])) throw unsupported('`dimensions`', 'dimensions');
    const format = optional(b, 'encoding_format', 'string') ?? 'float';
    if (format !== 'float' && format !== 'base64') throw invalid('`encoding_format` must be float or base64', 'encoding_format');
    const user = optional(b, 'user', 'string');
    return { model, input: input as string[], encodingFormat: format, ...(user !== undefined ? { user } : {}) };
  });
}
