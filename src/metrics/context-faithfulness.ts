/**
 * `context-faithfulness`: does the output claim only what the retrieved context supports? RAGAS faithfulness
 * (Es et al. 2023, "RAGAS: Automated Evaluation of Retrieval Augmented Generation"): the grader breaks the output
 * into standalone claims (call 1), then decides for each claim whether the context supports it (call 2). Score =
 * supported claims / claims; an output that makes no claim scores 1 (nothing unsupported) without the second call.
 *
 * Like promptfoo: context from the `context` var, query from the `query` var, and no pass mark of its own (promptfoo's
 * default threshold is 0), so set `threshold` to gate on it; the reason always gives the share. Where llmlab
 * differs: a verdict list that does not match the claims one to one is an error, never a guess.
 */
import { LlmlabError } from '../errors.js';
import { defineMetric } from '../types.js';
import type { ChatMessage } from '../types.js';
import { answerSchema, fixed3, judgeMessages, quote, REASON_PROPERTY, structuredAsk, structuredGrade } from './judge-shared.js';
import { contextChunks, contextText, prepareRagValue, queryOf, RAG_VALUE_PROPERTIES, share, type RagValue } from './rag-context.js';

const ID = 'context-faithfulness';

const grade = structuredGrade<{ claims: string[] }>(ID, 'context-faithfulness claims', {
  name: 'submit_claims',
  description: 'Submit the factual claims the answer makes.',
  schema: answerSchema({
    claims: { type: 'array', items: { type: 'string', minLength: 1 }, description: 'standalone factual claims, one per item' },
  }),
});

const askVerdicts = structuredAsk<{ verdicts: { supported: boolean; reason: string }[] }>('context-faithfulness verdicts', {
  name: 'submit_verdicts',
  description: 'Submit, for each claim in order, whether the context supports it.',
  schema: answerSchema({
    verdicts: {
      type: 'array',
      items: answerSchema({ supported: { type: 'boolean', description: 'true when the context supports the claim' }, reason: REASON_PROPERTY }),
      description: 'one verdict per claim, in the order of the claims',
    },
  }),
});

function claimMessages(query: string, output: string): ChatMessage[] {
  const system =
    'Break an answer into the factual claims it makes. Each claim must stand alone: replace pronouns with what ' +
    'they refer to, keep one fact per claim, and leave out opinions, greetings and questions. Call submit_claims ' +
    'with them (an empty list when the answer makes no factual claim).';
  return judgeMessages(system, `[Question]\n${query}\n\n[Answer]\n${output}`);
}

function verdictMessages(context: string, claims: string[]): ChatMessage[] {
  const system =
    'Decide for each claim whether the context supports it: supported when the context states it or it follows ' +
    'directly from the context; not supported when the context contradicts it or says nothing about it. Use only ' +
    'the context, not what you know. Call submit_verdicts with one verdict per claim, in order.';
  const listed = claims.map((c, i) => `${i + 1}. ${c}`).join('\n');
  return judgeMessages(system, `[Context]\n${context}\n\n[Claims]\n${listed}`);
}

export default defineMetric<RagValue | undefined, RagValue>({
  id: ID,
  optionsSchema: {
    description:
      'Optional: { query, context } (default: the `query` and `context` vars). A grader model lists the claims the ' +
      'output makes, then checks each against the context (two calls per round). Score = supported claims / claims; ' +
      'passes at any score unless `threshold` is set (as in promptfoo). Needs a `grader`.',
    type: 'object',
    additionalProperties: false,
    properties: RAG_VALUE_PROPERTIES,
  },
  judge: { generate: 2 },
  prepare: (value) => prepareRagValue(value, ID, 'leave value out to use the `query` and `context` vars'),
  score: (input) => {
    const context = contextText(contextChunks(input, ID, input.value.context));
    return grade(input, claimMessages(queryOf(input, input.value.query), input.output), async ({ claims }, judge, round) => {
      if (claims.length === 0) return { pass: true, score: 1, reason: 'the output makes no factual claim' };
      const { verdicts } = await askVerdicts(judge, verdictMessages(context, claims), round);
      if (verdicts.length !== claims.length) {
        throw new LlmlabError('METRIC_ERROR', `the grader gave ${verdicts.length} verdicts for ${claims.length} claims`);
      }
      const unsupported = claims.filter((_, i) => !verdicts[i]!.supported);
      const score = share(claims.length - unsupported.length, claims.length);
      const first = unsupported[0] === undefined ? '' : `; not supported: ${quote(unsupported[0], 80)}`;
      return { pass: true, score, reason: `${claims.length - unsupported.length} of ${claims.length} claims supported by the context (${fixed3(score)})${first}` };
    });
  },
});
