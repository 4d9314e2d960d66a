/**
 * `context-recall`: does the retrieved context hold what the known correct answer (`value`) says? RAGAS context
 * recall (Es et al. 2023): the grader splits the reference answer into statements and decides for each whether
 * it can be attributed to the context, in one structured call. Score = attributed statements / statements.
 *
 * Like promptfoo: the reference in `value`, the context from the `context` var, no pass mark of its own (default
 * threshold 0), so set `threshold` to gate on it. Where llmlab differs: the context may also be given as
 * `value: { reference, context }`.
 */
import { LlmlabError } from '../errors.js';
import { defineMetric } from '../types.js';
import type { ChatMessage } from '../types.js';
import { answerSchema, fixed3, judgeMessages, quote, structuredGrade } from './judge-shared.js';
import { contextChunks, contextText, RAG_VALUE_PROPERTIES, share } from './rag-context.js';

const ID = 'context-recall';

type Value = string | { reference: string; context?: string | string[] };

interface Prepared {
  reference: string;
  context?: string | string[];
}

const grade = structuredGrade<{ statements: { statement: string; attributed: boolean }[] }>(ID, 'context-recall statements', {
  name: 'submit_statements',
  description: 'Submit the statements of the reference answer, each with whether the context supports it.',
  schema: answerSchema({
    statements: {
      type: 'array',
      minItems: 1,
      items: answerSchema({
        statement: { type: 'string', minLength: 1, description: 'one statement of the reference answer' },
        attributed: { type: 'boolean', description: 'true when the context contains or directly implies it' },
      }),
      description: 'every statement of the reference answer, in order',
    },
  }),
});

function messages(reference: string, context: string): ChatMessage[] {
  const system =
    'Split the reference answer into its statements (one fact each) and decide for each whether it can be ' +
    'attributed to the context: attributed when the context contains it or directly implies it, not attributed ' +
    'otherwise. Use only the context, not what you know. Call submit_statements with every statement.';
  return judgeMessages(system, `[Context]\n${context}\n\n[Reference answer]\n${reference}`);
}

const HINT = 'e.g. value: "Python was created by Guido van Rossum in 1991", with the retrieved text in `vars.context`';

export default defineMetric<Value, Prepared>({
  id: ID,
  optionsSchema: {
    description:
      'The known correct answer, or { reference, context }. A grader model splits it into statements and checks ' +
      'which the retrieved context (default: the `context` var) supports. Score = supported statements / statements; ' +
      'passes at any score unless `threshold` is set (as in promptfoo). Needs a `grader`.',
    anyOf: [
      { type: 'string', minLength: 1 },
      {
        title: 'an object with `reference` (and optionally `context`)',
        type: 'object',
        required: ['reference'],
        additionalProperties: false,
        properties: { reference: { type: 'string', minLength: 1, description: 'the known correct answer' }, context: RAG_VALUE_PROPERTIES['context']! },
      },
    ],
  },
  judge: { generate: 1 },
  prepare: (value) => {
    const object = typeof value === 'object' && value !== null && !Array.isArray(value) ? value : undefined;
    const reference = object ? object.reference : value;
    if (typeof reference !== 'string' || reference.trim() === '') {
      throw new LlmlabError('CONFIG_INVALID', `${ID} needs the correct answer as \`value\``, { hint: HINT });
    }
    return { reference, ...(object?.context === undefined ? {} : { context: object.context }) };
  },
  score: (input) => {
    const context = contextText(contextChunks(input, ID, input.value.context));
    return grade(input, messages(input.value.reference, context), ({ statements }) => {
      const missing = statements.filter((s) => !s.attributed);
      const score = share(statements.length - missing.length, statements.length);
      const first = missing[0] === undefined ? '' : `; not in the context: ${quote(missing[0].statement, 80)}`;
      return { pass: true, score, reason: `${statements.length - missing.length} of ${statements.length} reference statements found in the context (${fixed3(score)})${first}` };
    });
  },
});
