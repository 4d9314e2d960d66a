/**
 * `g-eval`: the G-Eval method (Liu et al. 2023, "G-Eval: NLG Evaluation using GPT-4 with Better Human
 * Alignment"). The grader first writes evaluation steps for the criteria (auto chain-of-thought), then scores the
 * output by following those steps; two structured calls per judge round. The steps call does not show the output,
 * so it is the same request for every output of a criterion and answered from the cache after the first.
 *
 * Scale and threshold follow promptfoo: an integer 0–10, normalised to 0..1 (score / 10), passing at 0.7 unless
 * the assertion sets a `threshold`. Where llmlab differs: the paper weights the score by the token probabilities
 * of each grade; few APIs return those for a structured answer, so the grade is taken as given (as promptfoo
 * does). Several criteria (a list) are judged together, as one set of steps.
 */
import { LlmlabError } from '../errors.js';
import { defineMetric } from '../types.js';
import type { ChatMessage } from '../types.js';
import { answerSchema, judgeMessages, REASON_PROPERTY, structuredAsk, structuredGrade, taskContext } from './judge-shared.js';

/** Pass mark without a `threshold` (promptfoo's default). */
export const DEFAULT_G_EVAL_THRESHOLD = 0.7;
/** The top of the grade scale. */
export const MAX_GRADE = 10;

const grade = structuredGrade<{ steps: string[] }>('g-eval', 'g-eval steps', {
  name: 'submit_steps',
  description: 'Submit the evaluation steps.',
  schema: answerSchema({
    steps: { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 }, description: 'evaluation steps, in order' },
  }),
});

const askScore = structuredAsk<{ reason: string; score: number }>('g-eval score', {
  name: 'submit_score',
  description: 'Submit the score of the output.',
  schema: answerSchema({
    reason: REASON_PROPERTY,
    score: { type: 'integer', minimum: 0, maximum: MAX_GRADE, description: `0 (fails the criteria) to ${MAX_GRADE} (fully meets them)` },
  }),
});

function stepMessages(criteria: string): ChatMessage[] {
  const system =
    'You design how to evaluate outputs of an AI system. Given evaluation criteria, write the concrete steps an ' +
    'evaluator should follow to judge an output against them: what to read, what to check, what counts against ' +
    'it. Three to six short steps. Call submit_steps with them.';
  return judgeMessages(system, `[Evaluation criteria]\n${criteria}`);
}

function scoreMessages(criteria: string, steps: string[], output: string, context: string): ChatMessage[] {
  const system =
    'You evaluate the output of an AI system against criteria by following the given evaluation steps, one by one. ' +
    `Then call submit_score with \`reason\` (what the steps found) and \`score\`, an integer from 0 (does not meet ` +
    `the criteria at all) to ${MAX_GRADE} (meets them fully).`;
  const listed = steps.map((step, i) => `${i + 1}. ${step}`).join('\n');
  const user = [context, `[Evaluation criteria]\n${criteria}`, `[Evaluation steps]\n${listed}`, `[Output to evaluate]\n${output}`];
  return judgeMessages(system, user.join('\n\n'));
}

const HINT = 'e.g. value: "Is factually accurate and well structured", or a list of criteria';

export default defineMetric<string | string[], string>({
  id: 'g-eval',
  optionsSchema: {
    description:
      'The evaluation criteria (text, or a list judged together). A grader model writes evaluation steps for them, ' +
      `then scores the output 0–${MAX_GRADE} by those steps (two calls per round); score = grade / ${MAX_GRADE}, passing at ` +
      `${DEFAULT_G_EVAL_THRESHOLD} unless \`threshold\` is set. Needs a \`grader\`.`,
    anyOf: [
      { type: 'string', minLength: 1 },
      { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 } },
    ],
  },
  judge: { generate: 2 },
  prepare: (value) => {
    const list = Array.isArray(value) ? value : [value];
    if (list.length === 0 || list.some((c) => typeof c !== 'string' || c.trim() === '')) {
      throw new LlmlabError('CONFIG_INVALID', 'g-eval needs the evaluation criteria as `value`', { hint: HINT });
    }
    return list.length === 1 ? list[0]! : list.map((c) => `- ${c}`).join('\n');
  },
  score: (input) =>
    grade(input, stepMessages(input.value), async ({ steps }, judge, round) => {
      const answer = await askScore(judge, scoreMessages(input.value, steps, input.output, taskContext(input)), round);
      const score = answer.score / MAX_GRADE;
      const pass = score >= DEFAULT_G_EVAL_THRESHOLD;
      return { pass, score, reason: `${answer.score}/${MAX_GRADE} ${pass ? '≥' : '<'} ${DEFAULT_G_EVAL_THRESHOLD * MAX_GRADE}: ${answer.reason}` };
    }),
});
