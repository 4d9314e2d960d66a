/**
 * The Bedrock Converse API's request and response shapes, as pure functions: llmlab's chat request becomes a
 * Converse input (system blocks, content-block messages, inferenceConfig, toolConfig) and a Converse output
 * becomes a GenerateResult. Kept apart from the client so the mapping is tested without a server.
 */
import type { ConverseCommandInput } from '@aws-sdk/client-bedrock-runtime';
import type { ChatMessage, ContentPart, GenerateRequest, GenerateResult, MediaLimits, TokenUsage, ToolCall, ToolChoice, ToolDefinition } from '../types.js';
import { mediaBytes, unsupportedMedia } from './media-bytes.js';
import { asRecord, malformedError } from './sdk-errors.js';
import { compact, numberOr } from './wire-values.js';

const API = 'Bedrock';

/** Converse's ImageBlock `format` by the store's sniffed type. */
const IMAGE_FORMATS: Record<string, 'png' | 'jpeg' | 'gif' | 'webp'> = {
  'image/png': 'png',
  'image/jpeg': 'jpeg',
  'image/gif': 'gif',
  'image/webp': 'webp',
};

/**
 * docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ImageBlock.html and the Converse user guide: PNG,
 * JPEG, GIF and WebP, at most 3.75 MB per image, as bytes (S3 locations only, no URLs); no audio.
 */
export const BEDROCK_MEDIA: MediaLimits = {
  image: { mimeTypes: Object.keys(IMAGE_FORMATS), maxBytes: 3.75 * 1024 * 1024, urls: false },
};

/** The request fields that come from the provider's config rather than the prompt. */
export interface ConverseParams {
  /** `inferenceConfig`: maxTokens, temperature, topP, stopSequences (only the ones set). */
  inferenceConfig?: NonNullable<ConverseCommandInput['inferenceConfig']>;
  /** Model-specific fields the Converse API does not name (e.g. Claude's `top_k`), passed through. */
  additionalModelRequestFields?: Record<string, unknown>;
}

type ConverseInput = ConverseCommandInput;
type ToolConfiguration = NonNullable<ConverseInput['toolConfig']>;
type Tool = NonNullable<ToolConfiguration['tools']>[number];

/**
 * The Converse input for one request. A `structured` request (a judge's verdict) declares one tool and forces
 * it, whatever tools the prompt declared: the verdict is the only answer wanted.
 */
export function converseInput(modelId: string, request: GenerateRequest, params: ConverseParams): ConverseInput {
  const toolConfig = request.structured
    ? {
        tools: [toolSpecOf(request.structured.name, request.structured.description, request.structured.schema)],
        toolChoice: { tool: { name: request.structured.name } },
      }
    : toolConfigOf(request.tools, request.toolChoice);
  return compact({
    modelId,
    ...splitSystem(request.messages),
    inferenceConfig: params.inferenceConfig,
    additionalModelRequestFields: params.additionalModelRequestFields as ConverseInput['additionalModelRequestFields'],
    toolConfig,
  });
}

/** Converse takes system text as separate blocks, and every message's content as a list of blocks. */
function splitSystem(messages: ChatMessage[]): Pick<ConverseInput, 'system' | 'messages'> {
  const system = messages.filter((m) => m.role === 'system').map((m) => ({ text: m.content }));
  const rest = messages
    .filter((m) => m.role !== 'system')
    .map((m) => ({ role: m.role as 'user' | 'assistant', content: m.role === 'user' && m.parts ? m.parts.map(blockOf) : [{ text: m.content }] }));
  return system.length > 0 ? { system, messages: rest } : { messages: rest };
}

type ContentBlock = NonNullable<NonNullable<ConverseInput['messages']>[number]['content']>[number];

/** A part as a Converse content block; an image's bytes go raw (the SDK base64-encodes them into the JSON). */
function blockOf(part: ContentPart): ContentBlock {
  if (part.type === 'text') return { text: part.text };
  const format = part.type === 'image' ? IMAGE_FORMATS[part.media.mimeType] : undefined;
  if (!format) throw unsupportedMedia(part.media, API, 'PNG, JPEG, GIF and WebP images, and no audio');
  return { image: { format, source: { bytes: mediaBytes(part.media, API) } } };
}

/**
 * OpenAI function tools as Converse toolSpecs. Converse has no "none": a prompt that forbids calls sends no
 * tools, which is the only way to make sure the model cannot call one.
 */
export function toolConfigOf(tools: ToolDefinition[] | undefined, choice: ToolChoice | undefined): ToolConfiguration | undefined {
  if (!tools || tools.length === 0 || choice === 'none') return undefined;
  const specs = tools.map(({ function: fn }) => toolSpecOf(fn.name, fn.description, fn.parameters ?? { type: 'object', properties: {} }));
  if (choice === undefined) return { tools: specs };
  if (choice === 'auto') return { tools: specs, toolChoice: { auto: {} } };
  if (choice === 'required') return { tools: specs, toolChoice: { any: {} } };
  return { tools: specs, toolChoice: { tool: { name: choice.name } } };
}

function toolSpecOf(name: string, description: string | undefined, schema: Record<string, unknown>): Tool {
  return {
    toolSpec: compact({ name, description, inputSchema: { json: schema as never } }),
  } as Tool;
}

/**
 * The GenerateResult of a Converse output. With `forcedTool`, the output is that tool's input as JSON (a
 * verdict); a model that answered in text instead leaves its text, which the caller then fails to parse.
 */
export function resultOf(response: unknown, modelId: string, forcedTool?: string): GenerateResult {
  const record = asRecord(response);
  const message = asRecord(asRecord(record?.['output'])?.['message']);
  const content = message?.['content'];
  if (!record || !Array.isArray(content)) throw malformedError(API, 'expected output.message.content to be a list');
  const blocks = content.map((block) => asRecord(block) ?? {});
  const text = blocks
    .filter((b) => typeof b['text'] === 'string')
    .map((b) => b['text'] as string)
    .join('');
  const toolCalls = blocks.map((b) => asRecord(b['toolUse'])).filter((use) => use !== undefined).map(toolCallOf);
  const forced = forcedTool === undefined ? undefined : toolCalls.find((call) => call.name === forcedTool);
  const usage = asRecord(record['usage']);
  const result: GenerateResult = {
    output: forced?.arguments ?? text,
    usage: usage ? usageOf(usage) : undefined,
    finishReason: normaliseStopReason(record['stopReason']),
    // Converse does not echo the model: the id asked for is the best answer to "who answered".
    model: modelId,
    raw: compact({ stopReason: record['stopReason'], usage, metrics: record['metrics'] }),
  };
  if (forcedTool === undefined && toolCalls.length > 0) result.toolCalls = toolCalls;
  return result;
}

function toolCallOf(use: Record<string, unknown>): ToolCall {
  const input = use['input'];
  return compact({
    id: typeof use['toolUseId'] === 'string' ? use['toolUseId'] : undefined,
    name: typeof use['name'] === 'string' ? use['name'] : '',
    arguments: typeof input === 'string' ? input : JSON.stringify(input ?? {}),
  });
}

/**
 * Converse reports uncached, cache-read and cache-written input separately; `input` is their sum, so it means
 * the same as OpenAI's prompt_tokens, and `cachedInput` is the part read from the cache.
 */
function usageOf(usage: Record<string, unknown>): TokenUsage {
  const cached = numberOr(usage['cacheReadInputTokens']);
  const input = numberOr(usage['inputTokens']) + numberOr(usage['cacheWriteInputTokens']) + cached;
  const output = numberOr(usage['outputTokens']);
  return cached > 0 ? { input, output, total: input + output, cachedInput: cached } : { input, output, total: input + output };
}

const STOP_REASONS: Record<string, string> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  max_tokens: 'length',
  model_context_window_exceeded: 'length',
  tool_use: 'tool_calls',
  guardrail_intervened: 'content_filter',
  content_filtered: 'content_filter',
};

function normaliseStopReason(reason: unknown): string | undefined {
  if (typeof reason !== 'string') return undefined;
  return STOP_REASONS[reason] ?? reason;
}
