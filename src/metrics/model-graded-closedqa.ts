/**
 * `model-graded-closedqa` (promptfoo's name and semantics): does the output meet the criterion in `value`? The
 * idea is OpenAI evals' closed-QA model-graded eval (evals/registry/modelgraded/closedqa.yaml): the judge reasons
 * about the criterion, then answers Y or N. Here the answer is a structured `{ verdict: "Y" | "N", reason }`
 * through a forced tool call rather than a letter at the end of free text, so a malformed answer is an error and
 * never a pass (promptfoo reads the last character of the text). Y passes with score 1, N fails with score 0.
 */
import { LlmlabError } from '../errors.js';
import { defineMetric } from '../types.js';
import type { ChatMessage } from '../types.js';
import { answerSchema, judgeMessages, structuredGrade, taskContext } from './judge-shared.js';

const grade = structuredGrade<{ reason: string; verdict: 'Y' | 'N' }>('model-graded-closedqa', 'closedqa verdict', {
  name: 'submit_verdict',
  description: 'Submit whether the submission meets the criterion.',
  schema: answerSchema({
    reason: { type: 'string', description: 'step-by-step reasoning about the criterion, written before the verdict' },
    verdict: { enum: ['Y', 'N'], description: 'Y when the submission meets the criterion, N when it does not' },
  }),
});

const INSTRUCTIONS =
  'You check a submitted answer against one criterion. Read the task the submission responds to, the criterion ' +
  'and the submission. Reason step by step about whether the submission meets the criterion before concluding; ' +
  'do not state the conclusion first. Then call submit_verdict with your `reason` and `verdict`: Y if the ' +
  'submission meets the criterion, N if it does not.';

function messages(criterion: string, output: string, context: string): ChatMessage[] {
  return judgeMessages(INSTRUCTIONS, [context, `[Criterion]\n${criterion}`, `[Submission]\n${output}`].join('\n\n'));
}

export default defineMetric<string, string>({
  id: 'model-graded-closedqa',
  optionsSchema: {
    description:
      'The criterion the output must meet. A grader model answers Y (pass, score 1) or N (fail, score 0), as in ' +
      "OpenAI evals' closed-QA eval. Needs a `grader`.",
    type: 'string',
    minLength: 1,
  },
  judge: { generate: 1 },
  prepare: (value) => {
    if (typeof value !== 'string' || value.trim() === '') {
      throw new LlmlabError('CONFIG_INVALID', 'model-graded-closedqa needs the criterion as `value`', {
        hint: 'e.g. value: "Explains the concept without technical jargon"',
      });
    }
    return value;
  },
  score: (input) =>
    grade(input, messages(input.value, input.output, taskContext(input)), ({ verdict, reason }) => ({
      pass: verdict === 'Y',
      score: verdict === 'Y' ? 1 : 0,
      reason: `${verdict}: ${reason}`,
    })),
});
