/**
 * The response side shared by `google:` and `vertex:`: a `generateContent` answer (or the chunks of a streamed
 * one) as a GenerateResult. Read from the JSON fields, not the SDK's `.text` getter, which warns on the console
 * about function-call parts and would count the model's thoughts as its answer.
 */
import type { EmbedResult, GenerateResult, TokenUsage, ToolCall } from '../types.js';
import { asRecord, malformedError } from './sdk-errors.js';
import { compact, numberOr } from './wire-values.js';

/** Gemini's finish reasons in llmlab's words; any other is kept as Gemini spells it, lower-cased. */
const FINISH_REASONS: Record<string, string> = {
  STOP: 'stop',
  MAX_TOKENS: 'length',
  SAFETY: 'content_filter',
  RECITATION: 'content_filter',
  BLOCKLIST: 'content_filter',
  PROHIBITED_CONTENT: 'content_filter',
  SPII: 'content_filter',
  IMAGE_SAFETY: 'content_filter',
};

/**
 * The result of one answer. With `forced` (a structured request), the arguments of the call to that function are
 * the output as JSON text; a model that answered in text instead leaves its text, which the caller fails to parse.
 */
export function resultOf(api: string, response: unknown, forced?: string): GenerateResult {
  const record = asRecord(response);
  const candidates = record?.['candidates'];
  const feedback = asRecord(record?.['promptFeedback']);
  if (!record || (!Array.isArray(candidates) && !feedback)) {
    throw malformedError(api, 'expected candidates[] or promptFeedback');
  }
  const candidate = asRecord(Array.isArray(candidates) ? candidates[0] : undefined);
  const parts = partsOf(candidate);
  const text = parts
    .filter((p) => typeof p['text'] === 'string' && p['thought'] !== true)
    .map((p) => p['text'] as string)
    .join('');
  const toolCalls = parts.map((p) => asRecord(p['functionCall'])).filter((c) => c !== undefined).map(toolCallOf);
  const forcedCall = forced === undefined ? undefined : toolCalls.find((c) => c.name === forced);
  const usage = asRecord(record['usageMetadata']);
  const model = typeof record['modelVersion'] === 'string' ? record['modelVersion'] : undefined;
  const result: GenerateResult = {
    output: forcedCall?.arguments ?? text,
    usage: usage ? usageOf(usage) : undefined,
    finishReason: finishReasonOf(candidate?.['finishReason'], feedback, toolCalls.length > 0),
    model,
    raw: compact({
      responseId: record['responseId'],
      modelVersion: record['modelVersion'],
      finishReason: candidate?.['finishReason'],
      blockReason: feedback?.['blockReason'],
      usageMetadata: usage,
    }),
  };
  if (toolCalls.length > 0 && forced === undefined) result.toolCalls = toolCalls;
  return result;
}

/** The chunks of a streamed answer as one answer: parts in order, the last finish reason and usage. */
export function mergeChunks(api: string, chunks: unknown[]): Record<string, unknown> {
  if (chunks.length === 0) throw malformedError(api, 'the stream carried no chunks');
  const parts: unknown[] = [];
  let finishReason: unknown;
  let merged: Record<string, unknown> = {};
  for (const chunk of chunks) {
    const record = asRecord(chunk);
    if (!record) throw malformedError(api, 'stream chunk is not an object');
    const candidate = asRecord(Array.isArray(record['candidates']) ? record['candidates'][0] : undefined);
    parts.push(...partsOf(candidate));
    finishReason = candidate?.['finishReason'] ?? finishReason;
    // Later chunks carry the cumulative usage and the final feedback; the first names the model.
    merged = { ...merged, ...compact({ ...record, candidates: undefined }), modelVersion: merged['modelVersion'] ?? record['modelVersion'] };
  }
  return { ...merged, candidates: [compact({ content: { role: 'model', parts }, finishReason })] };
}

/** The vectors of an embeddings answer, in input order. */
export function embeddingsOf(api: string, response: unknown, count: number): EmbedResult {
  const list = asRecord(response)?.['embeddings'];
  if (!Array.isArray(list) || list.length !== count) throw malformedError(api, `expected ${count} embeddings`);
  const embeddings = list.map((item) => {
    const values = asRecord(item)?.['values'];
    if (!Array.isArray(values) || !values.every((v) => typeof v === 'number')) {
      throw malformedError(api, 'an embedding is not a list of numbers');
    }
    return values as number[];
  });
  return { embeddings };
}

function partsOf(candidate: Record<string, unknown> | undefined): Record<string, unknown>[] {
  const parts = asRecord(candidate?.['content'])?.['parts'];
  return Array.isArray(parts) ? parts.map((p) => asRecord(p) ?? {}) : [];
}

/** Gemini gives arguments as an object; llmlab keeps them as the JSON text a model wrote (see ToolCall). */
function toolCallOf(call: Record<string, unknown>): ToolCall {
  const name = typeof call['name'] === 'string' ? call['name'] : '';
  const args = JSON.stringify(call['args'] ?? {});
  return typeof call['id'] === 'string' ? { id: call['id'], name, arguments: args } : { name, arguments: args };
}

/** Gemini says STOP when the model called functions; llmlab, like OpenAI, says tool_calls. */
function finishReasonOf(reason: unknown, feedback: Record<string, unknown> | undefined, calledTools: boolean): string | undefined {
  if (typeof reason !== 'string') return feedback?.['blockReason'] ? 'content_filter' : undefined;
  if (reason === 'STOP' && calledTools) return 'tool_calls';
  return FINISH_REASONS[reason] ?? reason.toLowerCase();
}

/**
 * Output counts the thinking tokens too: Gemini bills them as output. Input includes the cached part, as
 * OpenAI's prompt_tokens does.
 */
function usageOf(usage: Record<string, unknown>): TokenUsage {
  const input = numberOr(usage['promptTokenCount']) + numberOr(usage['toolUsePromptTokenCount']);
  const output = numberOr(usage['candidatesTokenCount']) + numberOr(usage['thoughtsTokenCount']);
  const total = typeof usage['totalTokenCount'] === 'number' ? usage['totalTokenCount'] : input + output;
  const cached = numberOr(usage['cachedContentTokenCount']);
  return cached > 0 ? { input, output, total, cachedInput: cached } : { input, output, total };
}
