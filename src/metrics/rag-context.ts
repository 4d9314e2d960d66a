/**
 * What the RAG metrics (context-faithfulness, context-recall, context-relevance) share: where the retrieved
 * context and the query come from, and how a context is cut into sentences. Not a metric itself.
 *
 * As in promptfoo, the context is the `context` var (a text, or a list of chunks) and the query the `query` var;
 * llmlab also takes both from the assertion's `value` ({ query, context }), and falls back from `query` to the
 * `question` var and then the rendered prompt, as its other judges do. promptfoo's `contextTransform` (a
 * JavaScript expression over the output) is not supported yet: a suite that needs it is refused at load.
 */
import { LlmlabError } from '../errors.js';
import type { JsonSchema, MetricInput } from '../types.js';
import { questionOf } from './judge-shared.js';

/** `{ query, context }` in an assertion's value: both optional, each overriding its var. */
export interface RagValue {
  query?: string;
  context?: string | string[];
}

/** The JSON Schema properties of {@link RagValue}. */
export const RAG_VALUE_PROPERTIES: Record<string, JsonSchema> = {
  query: { type: 'string', minLength: 1, description: 'the user question (default: the `query` var)' },
  context: {
    description: 'the retrieved context (default: the `context` var)',
    anyOf: [
      { type: 'string', minLength: 1 },
      { type: 'array', minItems: 1, items: { type: 'string' } },
    ],
  },
};

/** The retrieved context as chunks: `override`, else the `context` var; an error naming the var when absent. */
export function contextChunks(input: Pick<MetricInput<unknown>, 'vars'>, id: string, override?: string | string[]): string[] {
  const raw = override ?? input.vars['context'];
  const chunks = typeof raw === 'string' ? [raw] : Array.isArray(raw) ? raw.map((c) => (typeof c === 'string' ? c : JSON.stringify(c))) : [];
  const kept = chunks.filter((c) => c.trim() !== '');
  if (kept.length === 0) {
    throw new LlmlabError('METRIC_ERROR', `${id} needs the retrieved context, and the test has no \`context\` var`, {
      hint: 'set `vars.context` (a text or a list of chunks) on the test, or `value: { context: ... }` on the assertion',
    });
  }
  return kept;
}

/** The context as one text for a judge prompt, chunks numbered when there are several. */
export function contextText(chunks: readonly string[]): string {
  return chunks.length === 1 ? chunks[0]! : chunks.map((c, i) => `(chunk ${i + 1}) ${c}`).join('\n\n');
}

/** The user's question: `override`, else the `query` var, else the `question` var, else the rendered prompt. */
export function queryOf(input: Pick<MetricInput<unknown>, 'prompt' | 'vars'>, override?: string): string {
  return questionOf(input, override);
}

/**
 * Sentences of the context: each chunk split after `.`, `!` or `?` followed by white space, and at line breaks;
 * empty pieces dropped. Deterministic, so a relevance score's denominator never depends on the judge.
 */
export function sentencesOf(chunks: readonly string[]): string[] {
  return chunks
    .flatMap((chunk) => chunk.split(/(?<=[.!?])\s+|\n+/))
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** Validates an optional `{ query, context }` value, for a metric's `prepare`. */
export function prepareRagValue(value: unknown, id: string, hint: string): RagValue {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new LlmlabError('CONFIG_INVALID', `${id} takes an optional { query, context } as \`value\``, { hint });
  }
  return value as RagValue;
}

/** `part / whole` as a share, 1 for an empty whole. */
export function share(part: number, whole: number): number {
  return whole === 0 ? 1 : part / whole;
}
