/**
 * `answer-relevance` (as in RAGAS): does the output answer the question that was asked? A grader model writes
 * N questions (default 3) that the output answers, through a forced tool call; the embedder embeds them and the
 * original question; the score is their mean cosine similarity to it. The question is `value.query`, else the
 * `query` var, else the `question` var, else the rendered prompt. Passes at 0.7, or at the `threshold`.
 */
import { LlmlabError } from '../errors.js';
import { defineMetric } from '../types.js';
import type { ChatMessage } from '../types.js';
import { answerSchema, cosine, fixed3, judgeMessages, questionOf, quote, structuredGrade } from './judge-shared.js';

/** Pass mark without a `threshold`. */
export const DEFAULT_RELEVANCE = 0.7;
const DEFAULT_QUESTIONS = 3;

interface Value {
  query?: string;
  questions?: number;
}

interface Prepared {
  query?: string;
  questions: number;
}

const grade = structuredGrade<{ questions: string[] }>('answer-relevance', 'answer-relevance questions', {
  name: 'submit_questions',
  description: 'Submit the questions the answer responds to.',
  schema: answerSchema({
    questions: {
      type: 'array',
      minItems: 1,
      items: { type: 'string', minLength: 1 },
      description: 'questions the answer answers',
    },
  }),
});

function messages(answer: string, count: number): ChatMessage[] {
  const system =
    `Given an answer, write ${count} different questions that this answer responds to, each one a question a ` +
    'person could have asked to get exactly this answer. Call submit_questions with them.';
  return judgeMessages(system, `[Answer]\n${answer}`);
}

export default defineMetric<Value | undefined, Prepared>({
  id: 'answer-relevance',
  optionsSchema: {
    description:
      'Optional: { query, questions }. `query` is the question the output should answer (default: the `query` ' +
      `var, else the \`question\` var, else the prompt); \`questions\` how many the grader writes (default ${DEFAULT_QUESTIONS}). ` +
      `Needs a \`grader\` and an \`embedder\`. Score = mean cosine similarity of those questions to the query; passes at ${DEFAULT_RELEVANCE}.`,
    type: 'object',
    additionalProperties: false,
    properties: {
      query: { type: 'string', minLength: 1, description: 'the question the output should answer' },
      questions: { type: 'integer', minimum: 1, maximum: 10, description: 'questions the grader writes per round' },
    },
  },
  judge: { generate: 1, embed: 1 },
  prepare: (value) => {
    if (value !== undefined && (typeof value !== 'object' || value === null || Array.isArray(value))) {
      throw new LlmlabError('CONFIG_INVALID', 'answer-relevance takes an optional { query, questions } as `value`', {
        hint: 'leave value out to use the `query` or `question` var, or write value: { query: "How do I reset my password?" }',
      });
    }
    return { ...(value?.query === undefined ? {} : { query: value.query }), questions: value?.questions ?? DEFAULT_QUESTIONS };
  },
  score: (input) => {
    const query = questionOf(input, input.value.query);
    return grade(input, messages(input.output, input.value.questions), async ({ questions }, judge) => {
      const [original, ...generated] = await judge.embed([query, ...questions]);
      const similarities = generated.map((vector) => cosine(original ?? [], vector));
      const score = Math.max(0, similarities.reduce((sum, s) => sum + s, 0) / Math.max(similarities.length, 1));
      const pass = score >= DEFAULT_RELEVANCE;
      const reason =
        `mean similarity ${fixed3(score)} ${pass ? '≥' : '<'} ${DEFAULT_RELEVANCE} of ${questions.length} questions the ` +
        `answer responds to (e.g. ${quote(questions[0] ?? '', 60)}) to ${quote(query, 60)}`;
      return { pass, score, reason };
    });
  },
});
