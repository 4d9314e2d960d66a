/**
 * `factuality`: OpenAI evals' `fact` choice-score method. A grader model compares the output with a reference
 * ("expert") answer and picks one of five relations (A–E) through a forced tool call; the choice sets the score
 * (A 0.4, B 0.6, C 1, D 0, E 1). The assertion passes unless the judge finds a disagreement (D); with a
 * `threshold`, when the score reaches it. An answer outside A–E is an error, never a pass. A vision grader is
 * shown the cell's images (a question about a picture is judged with the picture).
 */
import { LlmlabError } from '../errors.js';
import { defineMetric } from '../types.js';
import type { ChatMessage } from '../types.js';
import { answerSchema, judgeMessages, questionOf, REASON_PROPERTY, structuredGrade } from './judge-shared.js';

/** The five relations of OpenAI evals' fact.yaml, in its wording. */
export const CHOICES = {
  A: 'The submitted answer is a subset of the expert answer and is fully consistent with it.',
  B: 'The submitted answer is a superset of the expert answer and is fully consistent with it.',
  C: 'The submitted answer contains all the same details as the expert answer.',
  D: 'There is a disagreement between the submitted answer and the expert answer.',
  E: "The answers differ, but these differences don't matter from the perspective of factuality.",
} as const;

type Choice = keyof typeof CHOICES;

/** Score of each choice. */
export const CHOICE_SCORES: Record<Choice, number> = { A: 0.4, B: 0.6, C: 1, D: 0, E: 1 };

const grade = structuredGrade<{ choice: Choice; reason: string }>('factuality', 'factuality answer', {
  name: 'submit_choice',
  description: 'Submit the option that describes how the submission relates to the expert answer.',
  schema: answerSchema({
    choice: { enum: Object.keys(CHOICES), description: 'the letter of the option that applies' },
    reason: REASON_PROPERTY,
  }),
}, { media: true });

function messages(question: string, expert: string, submission: string): ChatMessage[] {
  const options = Object.entries(CHOICES).map(([letter, text]) => `(${letter}) ${text}`).join('\n');
  const system =
    'You compare the facts in a submitted answer with an expert answer to the same question. Style, grammar and ' +
    'punctuation do not matter; only factual content does. Decide whether the submission is a subset or superset ' +
    'of the expert answer, says the same, contradicts it, or differs in ways that do not affect factuality, and ' +
    `call submit_choice with the option that applies:\n${options}`;
  const user = `[Question]\n${question}\n\n[Expert answer]\n${expert}\n\n[Submission]\n${submission}`;
  return judgeMessages(system, user);
}

export default defineMetric<string | number, string>({
  id: 'factuality',
  optionsSchema: {
    description:
      'The reference (expert) answer. A grader model classifies the output against it as in OpenAI evals\' fact ' +
      'eval: A subset (score 0.4), B superset (0.6), C same (1), D disagreement (0, fails), E differences that do ' +
      'not matter (1). Needs a `grader`; the question is the `query` or `question` var, else the prompt.',
    anyOf: [{ type: 'string', minLength: 1 }, { type: 'number' }],
  },
  judge: { generate: 1 },
  prepare: (value) => {
    if (typeof value !== 'string' && typeof value !== 'number') {
      throw new LlmlabError('CONFIG_INVALID', 'factuality needs the reference answer as `value`', {
        hint: 'e.g. value: "Paris is the capital of France."',
      });
    }
    return String(value);
  },
  score: (input) =>
    grade(input, messages(questionOf(input), input.value, input.output), (answer) => ({
      pass: answer.choice !== 'D',
      score: CHOICE_SCORES[answer.choice],
      reason: `(${answer.choice}) ${answer.reason}`,
    })),
});
