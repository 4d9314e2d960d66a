/**
 * `context-relevance`: how much of the retrieved context is needed to answer the query? RAGAS context relevance
 * (Es et al. 2023): the grader picks the sentences needed to answer. llmlab cuts the context into sentences itself
 * and shows them numbered, and the grader answers with their numbers in one structured call; score = needed
 * sentences / sentences, so the denominator never depends on the judge. As in promptfoo a low score can mean a
 * precise answer inside padding as well as a poor retrieval.
 *
 * Like promptfoo: query from the `query` var, context from the `context` var, no pass mark of its own (default
 * threshold 0), so set `threshold` to gate on it. A sentence number outside the list is an error, never ignored.
 */
import { LlmlabError } from '../errors.js';
import { defineMetric } from '../types.js';
import type { ChatMessage } from '../types.js';
import { answerSchema, fixed3, judgeMessages, REASON_PROPERTY, structuredGrade } from './judge-shared.js';
import { contextChunks, prepareRagValue, queryOf, RAG_VALUE_PROPERTIES, sentencesOf, share, type RagValue } from './rag-context.js';

const ID = 'context-relevance';

const grade = structuredGrade<{ needed: number[]; reason: string }>(ID, 'context-relevance sentences', {
  name: 'submit_needed_sentences',
  description: 'Submit the numbers of the context sentences needed to answer the question.',
  schema: answerSchema({
    needed: { type: 'array', items: { type: 'integer', minimum: 1 }, description: 'numbers of the sentences needed (empty when none helps)' },
    reason: REASON_PROPERTY,
  }),
});

function messages(query: string, sentences: string[]): ChatMessage[] {
  const system =
    'Given a question and numbered sentences of retrieved context, pick the sentences that are needed to answer ' +
    'the question: the fewest that together answer it. Leave out sentences that are only related, repeat a picked ' +
    'one, or do not help. Call submit_needed_sentences with their numbers (an empty list when none helps).';
  const listed = sentences.map((s, i) => `${i + 1}. ${s}`).join('\n');
  return judgeMessages(system, `[Question]\n${query}\n\n[Context sentences]\n${listed}`);
}

export default defineMetric<RagValue | undefined, RagValue>({
  id: ID,
  optionsSchema: {
    description:
      'Optional: { query, context } (default: the `query` and `context` vars). The context is cut into sentences and ' +
      'a grader model picks those needed to answer the query. Score = needed sentences / sentences; passes at any ' +
      'score unless `threshold` is set (as in promptfoo). Needs a `grader`.',
    type: 'object',
    additionalProperties: false,
    properties: RAG_VALUE_PROPERTIES,
  },
  judge: { generate: 1 },
  prepare: (value) => prepareRagValue(value, ID, 'leave value out to use the `query` and `context` vars'),
  score: (input) => {
    const sentences = sentencesOf(contextChunks(input, ID, input.value.context));
    return grade(input, messages(queryOf(input, input.value.query), sentences), ({ needed, reason }) => {
      const outside = needed.find((n) => n > sentences.length);
      if (outside !== undefined) {
        throw new LlmlabError('METRIC_ERROR', `the grader picked sentence ${outside}, and the context has ${sentences.length}`);
      }
      const picked = new Set(needed).size;
      const score = share(picked, sentences.length);
      return { pass: true, score, reason: `${picked} of ${sentences.length} context sentences needed (${fixed3(score)}): ${reason}` };
    });
  },
});
