/**
 * `llm-rubric`: a grader model judges the output against a rubric written in the assertion. The judge answers
 * through a forced tool call (or a JSON-schema response format) with `{ pass, score, reason }`, never free text;
 * an answer that is not that object (not JSON, a field missing, a wrong type, a score outside 0..1) makes the
 * assertion an error, not a pass. With graderRepeat N the judge answers N times: majority verdict, mean score.
 * A vision grader is shown the cell's images (the prompt's, and an image generation provider's output).
 */
import { LlmlabError } from '../errors.js';
import { defineMetric } from '../types.js';
import type { ChatMessage } from '../types.js';
import { answerSchema, judgeMessages, REASON_PROPERTY, structuredGrade, taskContext, type RoundVerdict } from './judge-shared.js';

/** A worked example shown to the judge. */
interface RubricExample {
  output: string;
  pass: boolean;
  score?: number;
  reason?: string;
}

type Value = string | { rubric: string; examples?: RubricExample[] };

interface Prepared {
  rubric: string;
  examples: RubricExample[];
}

// The judge answers with a round's verdict itself: { pass, score, reason }.
const grade = structuredGrade<RoundVerdict>('llm-rubric', 'llm-rubric verdict', {
  name: 'submit_verdict',
  description: 'Submit the verdict on the output.',
  schema: answerSchema({
    pass: { type: 'boolean', description: 'true when the output satisfies the rubric' },
    score: { type: 'number', minimum: 0, maximum: 1, description: 'how well the output satisfies the rubric, 0 to 1' },
    reason: REASON_PROPERTY,
  }),
}, { media: true });

const INSTRUCTIONS =
  'You grade the output of an AI system against a rubric. Read the task the system was given, the rubric and the ' +
  'output. Judge only what the rubric asks for. Call submit_verdict with `pass` (true when the output satisfies ' +
  'the rubric), `score` (0 to 1: how fully it satisfies it) and `reason` (one or two sentences).';

const HINT = 'e.g. value: "Names Paris as the capital and nothing else", or { rubric: "...", examples: [{ output: "...", pass: true }] }';

function prepare(value: Value | undefined): Prepared {
  const object = typeof value === 'object' && value !== null && !Array.isArray(value) ? value : undefined;
  const rubric = object ? object.rubric : value;
  if (typeof rubric !== 'string' || rubric.trim() === '') {
    throw new LlmlabError('CONFIG_INVALID', 'llm-rubric needs the rubric as `value`', { hint: HINT });
  }
  return { rubric, examples: object?.examples ?? [] };
}

function messages(value: Prepared, output: string, context: string): ChatMessage[] {
  const examples = value.examples.map((e, i) => {
    const verdict = JSON.stringify({ pass: e.pass, score: e.score ?? (e.pass ? 1 : 0), reason: e.reason ?? '' });
    return `[Example ${i + 1}: output]\n${e.output}\n[Example ${i + 1}: verdict]\n${verdict}`;
  });
  const user = [context, `[Rubric]\n${value.rubric}`, ...examples, `[Output to grade]\n${output}`].join('\n\n');
  return judgeMessages(INSTRUCTIONS, user);
}

export default defineMetric<Value, Prepared>({
  id: 'llm-rubric',
  optionsSchema: {
    description:
      'The rubric a grader model judges the output against, or { rubric, examples } with worked examples ' +
      '({ output, pass, score?, reason? }). Needs a `grader`. Score = the judge\'s 0..1 score (mean over graderRepeat rounds).',
    anyOf: [
      { type: 'string', minLength: 1 },
      {
        title: 'an object with `rubric` (and optionally `examples`)',
        type: 'object',
        required: ['rubric'],
        additionalProperties: false,
        properties: {
          rubric: { type: 'string', minLength: 1, description: 'what the output must do to pass' },
          examples: {
            type: 'array',
            description: 'worked examples shown to the judge',
            items: {
              type: 'object',
              required: ['output', 'pass'],
              additionalProperties: false,
              properties: {
                output: { type: 'string', description: 'an example output' },
                pass: { type: 'boolean', description: 'whether it passes' },
                score: { type: 'number', minimum: 0, maximum: 1, description: 'its score' },
                reason: { type: 'string', description: 'why' },
              },
            },
          },
        },
      },
    ],
  },
  judge: { generate: 1 },
  prepare,
  // The schema admits no other field, so the judge's answer is the round's verdict as it stands.
  score: (input) => grade(input, messages(input.value, input.output, taskContext(input)), (verdict) => verdict),
});
