/**
 * `cross-modal-consistency`: does the model give the same answer when the image (or audio) is replaced by a text
 * description of it? The cell's own answer was given with the media; the grader is asked the very same prompt with
 * each piece of media swapped for `[image described in words: …]`, and the two answers are compared — by VQA
 * normalisation (the default: lowercase, punctuation, articles, number words, as vqa-accuracy) or by asking the
 * grader whether they say the same thing (`compare: judge`). To measure a model's own consistency, make the grader
 * the model under test (`grader: openai:gpt-4o`). A disagreement means the answer depends on what is only in the
 * pixels, or on the description's wording: read the reason's two answers.
 */
import { LlmlabError } from '../errors.js';
import { defineMetric } from '../types.js';
import { answerSchema, judgeMessages, judgeOf, quote, REASON_PROPERTY, structuredGrade } from './judge-shared.js';
import { normalizeVqaAnswer } from './vqa-accuracy.js';

interface Prepared {
  description: string;
  compare: 'normalized' | 'judge';
}

/** The media placeholders of a rendered prompt (`[image: cat.png]`, `[audio: a.wav]`). */
const PLACEHOLDER = /\[(image|audio): [^\]\n]*\]/g;

const agreement = structuredGrade<{ same: boolean; reason: string }>('cross-modal-consistency', 'answer agreement', {
  name: 'submit_agreement',
  description: 'Say whether the two answers give the same answer to the question.',
  schema: answerSchema({ same: { type: 'boolean', description: 'true when both answers say the same thing' }, reason: REASON_PROPERTY }),
});

export default defineMetric<string | { description: string; compare?: 'normalized' | 'judge' }, Prepared>({
  id: 'cross-modal-consistency',
  optionsSchema: {
    description:
      'A text description of the prompt\'s media (usually `{{ caption }}`), or { description, compare: normalized | judge }. ' +
      'The grader answers the same prompt with the media replaced by the description; passes when that answer matches the output.',
    oneOf: [
      { type: 'string', minLength: 1, description: 'the description that replaces the media' },
      {
        type: 'object',
        additionalProperties: false,
        required: ['description'],
        properties: {
          description: { type: 'string', minLength: 1, description: 'the description that replaces the media' },
          compare: { enum: ['normalized', 'judge'], description: '`normalized` (VQA answer normalisation, default) or `judge` (the grader decides)' },
        },
      },
    ],
  },
  judge: { generate: 2 },
  prepare: (value) => {
    const written = typeof value === 'string' ? { description: value } : value;
    if (!written || typeof written.description !== 'string' || written.description.trim() === '') {
      throw new LlmlabError('CONFIG_INVALID', 'cross-modal-consistency needs the text description of the media as `value`', {
        hint: 'value: "{{ caption }}" (a var describing the image), or value: { description: "a red square", compare: judge }',
      });
    }
    return { description: written.description, compare: written.compare ?? 'normalized' };
  },
  score: async (input) => {
    const swapped = input.prompt.replace(PLACEHOLDER, (_m, kind: string) => `[${kind} described in words: ${input.value.description}]`);
    if (swapped === input.prompt) {
      return { pass: false, score: 0, reason: 'the prompt has no image or audio to replace with its description' };
    }
    const judge = judgeOf(input, 'cross-modal-consistency');
    const textOnly = (await judge.generate({ messages: [{ role: 'user', content: swapped }] })).output.trim();
    const withMedia = input.output.trim();
    const both = `with the media ${quote(withMedia, 80)}; with the description ${quote(textOnly, 80)}`;
    if (input.value.compare === 'normalized') {
      const same = normalizeVqaAnswer(withMedia) === normalizeVqaAnswer(textOnly);
      return { pass: same, score: same ? 1 : 0, reason: `${same ? 'same answer' : 'different answers'} ${both}` };
    }
    const question = swapped.replace(/\[(image|audio) described in words: [^\]]*\]/g, '[$1]');
    const messages = judgeMessages(
      'Two answers were given to the same question. Decide whether they give the same answer (wording may differ). Call submit_agreement.',
      `[Question]\n${question}\n\n[Answer 1]\n${withMedia}\n\n[Answer 2]\n${textOnly}`,
    );
    return agreement(input, messages, ({ same, reason }) => ({ pass: same, score: same ? 1 : 0, reason: `${same ? 'same answer' : 'different answers'} (${reason}) ${both}` }));
  },
});
