/**
 * OpenAI's Responses API (`POST /v1/responses`) for `openai:responses:<model>` or `config: { api: responses }`.
 * The prompt's messages go into `input` as they are, system messages included: the API takes `system` items and
 * documents `instructions` as the same thing, so llmlab never moves a message, and `instructions` (promptfoo's
 * config key, via extraBody) stays the user's to set. Function tools are flattened to the Responses shape with
 * `strict: false` unless the tool says otherwise, because Responses defaults to strict schemas and Chat
 * Completions does not: the same tools must mean the same thing on both APIs. No streaming (parseModel refuses
 * `stream` with this API, and the sampling keys Responses lacks: seed, stop, penalties).
 */
import type OpenAI from 'openai';
import type { GenerateRequest, GenerateResult, ParsedModel, StructuredOutput, ToolCall, TokenUsage } from '../types.js';
import { responsesInputOf } from './openai-content.js';
import { asRecord, malformedError } from './sdk-errors.js';
import { tokenLogprobsOf } from './token-logprobs.js';
import { compact, numberOr } from './wire-values.js';

const API = 'OpenAI';

type Body = Record<string, unknown>;

/** The config keys the Responses request reads (see the openai optionsSchema). */
interface ResponsesConfig {
  temperature?: number;
  maxTokens?: number;
  topP?: number;
  responseFormat?: Record<string, unknown>;
}

/** openai config keys the Responses API has no parameter for, by what the user wrote. */
const NOT_IN_RESPONSES: Record<string, string> = {
  seed: 'seed',
  stop: 'stop',
  presencePenalty: 'presence_penalty',
  frequencyPenalty: 'frequency_penalty',
  stream: 'streaming',
};

/**
 * Why `config` cannot run on the Responses API (a key it has no parameter for), or undefined. Checked at load,
 * so a `seed` is never dropped in silence.
 */
export function responsesConfigError(written: string, config: Record<string, unknown>): Extract<ParsedModel, { error: string }> | undefined {
  const keys = Object.keys(NOT_IN_RESPONSES).filter((key) => config[key] !== undefined && config[key] !== false);
  if (keys.length === 0) return undefined;
  return {
    error: `\`${written}\` calls the Responses API, which has no ${keys.map((key) => NOT_IN_RESPONSES[key]).join(', ')} (config.${keys.join(', config.')})`,
    hint: 'remove those keys, or call Chat Completions instead (no `responses:` infix, no `api: responses`)',
  };
}

/** The request fields that shape the answer, in Responses spelling. */
export function responsesParams(config: ResponsesConfig): Body {
  return compact({
    temperature: config.temperature,
    max_output_tokens: config.maxTokens,
    top_p: config.topP,
    text: textFormat(config.responseFormat),
  });
}

/** Chat's `response_format` as Responses' `text.format`: a json_schema's name, schema and strict move up a level. */
function textFormat(format: Record<string, unknown> | undefined): Body | undefined {
  if (!format) return undefined;
  if (format['type'] !== 'json_schema') return { format };
  const schema = asRecord(format['json_schema']) ?? {};
  return { format: compact({ type: 'json_schema', name: schema['name'], description: schema['description'], schema: schema['schema'], strict: schema['strict'] }) };
}

/**
 * One Responses call. `body` holds the model, the sampling fields and extraBody; the input, tools and a
 * structured request's forced call are added here, after extraBody, so they always win.
 */
export async function respond(client: OpenAI, body: Body, request: GenerateRequest, signal: AbortSignal, api = API): Promise<GenerateResult> {
  const input = request.messages.map((message) => responsesInputOf(message, api));
  const structured = request.structured;
  const full: Body = { ...(structured ? withoutText(body) : body), input, ...(structured ? forcedCall(structured) : toolFields(request)) };
  if (request.logprobs) full['include'] = [...(Array.isArray(body['include']) ? body['include'] : []), 'message.output_text.logprobs'];
  const response: unknown = await client.responses.create(full as never, { signal });
  return resultOf(response, { declaredTools: !structured && full['tools'] !== undefined, forced: structured?.name, logprobs: request.logprobs === true });
}

/** The request's tools as Responses function tools and `tool_choice` (both left out when it declares none). */
function toolFields(request: Pick<GenerateRequest, 'tools' | 'toolChoice'>): Body {
  if (!request.tools?.length) return {};
  const tools = request.tools.map(({ function: fn }) => ({
    type: 'function',
    name: fn.name,
    ...(fn.description === undefined ? {} : { description: fn.description }),
    parameters: fn.parameters ?? { type: 'object', properties: {} },
    strict: fn.strict ?? false,
  }));
  const choice = request.toolChoice;
  if (choice === undefined) return { tools };
  return { tools, tool_choice: typeof choice === 'string' ? choice : { type: 'function', name: choice.name } };
}

/** A judge's verdict: one forced function call whose arguments are the answer, as on Chat Completions. */
function forcedCall(structured: StructuredOutput): Body {
  const tool = compact({ type: 'function', name: structured.name, description: structured.description, parameters: structured.schema, strict: false });
  return { tools: [tool], tool_choice: { type: 'function', name: structured.name } };
}

/** A verdict's format is the forced call, so a text format set for the cells is left out. */
function withoutText(body: Body): Body {
  const { text: _text, ...rest } = body;
  return rest;
}

interface Expect {
  declaredTools: boolean;
  forced?: string;
  logprobs: boolean;
}

function resultOf(response: unknown, expect: Expect): GenerateResult {
  const record = asRecord(response);
  const items = record?.['output'];
  if (!record || !Array.isArray(items)) throw malformedError(API, 'expected a response with output[]');
  if (record['status'] === 'failed') {
    // A plain Error: the caller's toProviderError redacts secrets from the server's text.
    const error = asRecord(record['error']);
    throw new Error(`the response failed: ${typeof error?.['message'] === 'string' ? error['message'] : 'no reason given'}`);
  }
  let text = '';
  let refusal: string | undefined;
  const calls: ToolCall[] = [];
  const tokens: unknown[] = [];
  for (const entry of items) {
    const item = asRecord(entry);
    if (item?.['type'] === 'function_call' && typeof item['name'] === 'string') {
      const args = typeof item['arguments'] === 'string' ? item['arguments'] : JSON.stringify(item['arguments'] ?? {});
      calls.push({ ...(typeof item['call_id'] === 'string' ? { id: item['call_id'] } : {}), name: item['name'], arguments: args });
    }
    if (item?.['type'] !== 'message' || !Array.isArray(item['content'])) continue;
    for (const raw of item['content']) {
      const part = asRecord(raw);
      if (part?.['type'] === 'output_text' && typeof part['text'] === 'string') {
        text += part['text'];
        if (Array.isArray(part['logprobs'])) tokens.push(...part['logprobs']);
      } else if (part?.['type'] === 'refusal' && typeof part['refusal'] === 'string') refusal = part['refusal'];
    }
  }
  const forced = expect.forced === undefined ? undefined : (calls.find((call) => call.name === expect.forced) ?? (calls.length === 1 ? calls[0] : undefined));
  const usage = asRecord(record['usage']);
  const logprobs = expect.logprobs ? tokenLogprobsOf(tokens) : undefined;
  const toolCalls = expect.declaredTools && calls.length > 0 ? calls : undefined;
  const finish = finishReasonOf(record, calls.length > 0);
  return {
    output: forced?.arguments ?? (text || refusal || ''),
    ...(toolCalls ? { toolCalls } : {}),
    ...(logprobs ? { logprobs } : {}),
    usage: usage ? usageOf(usage) : undefined,
    finishReason: finish,
    model: typeof record['model'] === 'string' ? record['model'] : undefined,
    raw: compact({ id: record['id'], model: record['model'], status: record['status'], incomplete_details: record['incomplete_details'], usage }),
  };
}

/** `completed` is stop (tool_calls when the model called functions); `incomplete` says why in llmlab's words. */
function finishReasonOf(record: Body, called: boolean): string | undefined {
  const status = record['status'];
  if (status === 'completed') return called ? 'tool_calls' : 'stop';
  if (status !== 'incomplete') return typeof status === 'string' ? status : undefined;
  const reason = asRecord(record['incomplete_details'])?.['reason'];
  if (reason === 'max_output_tokens') return 'length';
  return typeof reason === 'string' ? reason : 'incomplete';
}

function usageOf(usage: Body): TokenUsage {
  const input = numberOr(usage['input_tokens']);
  const output = numberOr(usage['output_tokens']);
  const total = typeof usage['total_tokens'] === 'number' ? usage['total_tokens'] : input + output;
  const cached = asRecord(usage['input_tokens_details'])?.['cached_tokens'];
  return typeof cached === 'number' ? { input, output, total, cachedInput: cached } : { input, output, total };
}
