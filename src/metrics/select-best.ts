/**
 * `select-best` (promptfoo's name and semantics): a grader model sees every output of one test (all prompts ×
 * providers of the same repeat) and picks the one that best meets the criterion in `value`; that output passes
 * (score 1), the others fail (score 0). One structured call per group, `{ reason, best }` with `best` the
 * output's number. The engine calls `compare` once all of the group's cells are graded (src/engine/compare.ts);
 * a test that would have a single output is refused when the suite is planned.
 *
 * Where llmlab differs: graderRepeat does not apply (one call per group); an answer naming no listed output is an
 * error, never a pick; the outputs are shown in plan order (providers, then prompts), so a re-run asks the very
 * same question and is answered from the cache.
 */
import { LlmlabError } from '../errors.js';
import { defineMetric } from '../types.js';
import type { ChatMessage, TestCase } from '../types.js';
import { answerSchema, judgeMessages, judgeOf, REASON_PROPERTY, structuredAsk } from './judge-shared.js';

const ID = 'select-best';

const askBest = structuredAsk<{ reason: string; best: number }>('select-best choice', {
  name: 'submit_best',
  description: 'Submit the number of the output that best meets the criterion.',
  schema: answerSchema({
    reason: REASON_PROPERTY,
    best: { type: 'integer', minimum: 1, description: 'the number of the best output' },
  }),
});

function messages(criterion: string, test: TestCase, outputs: readonly string[]): ChatMessage[] {
  const system =
    'You compare several outputs an AI system gave for the same test and pick the one that best meets a ' +
    'criterion. Judge only by the criterion; the order of the outputs means nothing. Call submit_best with ' +
    '`reason` (why it beats the others) and `best` (its number).';
  const vars = Object.entries(test.vars).map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`);
  const listed = outputs.map((o, i) => `[Output ${i + 1}]\n${o}`);
  const user = [...(vars.length > 0 ? [`[Test variables]\n${vars.join('\n')}`] : []), `[Criterion]\n${criterion}`, ...listed];
  return judgeMessages(system, user.join('\n\n'));
}

export default defineMetric<string, string>({
  id: ID,
  optionsSchema: {
    description:
      'The criterion a grader model picks the best output by, among every output of the test (all prompts × ' +
      'providers). The chosen output passes, the others fail. One grader call per test and repeat; needs a `grader` ' +
      'and at least two prompts × providers.',
    type: 'string',
    minLength: 1,
  },
  negatable: false,
  judge: { generate: 1, repeats: false, perGroup: true },
  prepare: (value) => {
    if (typeof value !== 'string' || value.trim() === '') {
      throw new LlmlabError('CONFIG_INVALID', `${ID} needs the criterion as \`value\``, {
        hint: 'e.g. value: "choose the most concise correct answer"',
      });
    }
    return value;
  },
  score: () => {
    throw new LlmlabError('INTERNAL', `${ID} grades every output of a test together, never one alone`);
  },
  compare: async (input) => {
    const judge = judgeOf(input, ID);
    const { best, reason } = await askBest(judge, messages(input.value, input.test, input.outputs.map((o) => o.output)), 0);
    if (best > input.outputs.length) {
      throw new LlmlabError('METRIC_ERROR', `the grader picked output ${best}, and there are ${input.outputs.length}`);
    }
    return input.outputs.map((_, i) =>
      i + 1 === best
        ? { pass: true, score: 1, reason: `chosen as the best of ${input.outputs.length} outputs: ${reason}` }
        : { pass: false, score: 0, reason: `output ${best} of ${input.outputs.length} was chosen (${input.outputs[best - 1]!.provider}): ${reason}` },
    );
  },
});
