/**
 * `image-matches`: does a generated image show what its prompt asked for? Question-driven grading in the manner
 * of TIFA (Hu et al. 2023) and DSG (Cho et al. 2024), over the categories GenEval (Ghosh et al. 2023) checks —
 * objects, counts, colours, positions — with a vision grader in place of GenEval's object detector: the grader
 * turns the prompt into yes/no questions, one checkable fact each (call 1, text only), then answers every
 * question by looking at the image (call 2). The answering call is shown the questions and the image, never the
 * prompt, so it cannot answer from the words instead of the picture.
 *
 * Score = the share of questions answered yes; the assertion passes only when every one is (GenEval counts an
 * image correct only if all its checks hold), or, with `threshold`, when the score reaches it. The reason lists
 * the questions answered no. `questions` in the value skip call 1 (fixed questions make runs comparable).
 * graderRepeat repeats both calls per round: majority verdict, mean score, per-round verdicts for agreement.
 * The name reads as the assertion it makes: the image matches its prompt.
 */
import { LlmlabError } from '../errors.js';
import { defineMetric } from '../types.js';
import type { ChatMessage, Judge, MediaRef, MetricInput } from '../types.js';
import { graderAccepts, showMedia } from './judge-media.js';
import { answerSchema, fixed3, judgeMessages, judgeOf, quote, REASON_PROPERTY, structuredAsk, structuredGrade, type RoundVerdict } from './judge-shared.js';

const ID = 'image-matches';

/** GenEval's checks, and what else a prompt can ask of an image. */
const CATEGORIES = ['object', 'count', 'colour', 'position', 'attribute', 'text', 'other'] as const;

interface Question {
  question: string;
  category: (typeof CATEGORIES)[number];
}

interface Answer {
  answer: 'yes' | 'no';
  reason: string;
}

type Value = string | { description?: string; questions?: string[] } | undefined;

interface Prepared {
  /** What the image should show; undefined = the cell's rendered prompt. */
  description?: string;
  /** Fixed questions; undefined = the grader writes them from the description. */
  questions?: string[];
}

const QUESTIONS_TOOL = {
  name: 'submit_questions',
  description: 'Submit the yes/no questions that check whether an image shows what the description asks for.',
  schema: answerSchema({
    questions: {
      type: 'array',
      description: 'one question per checkable fact; "yes" must mean the image matches the description',
      items: answerSchema({
        question: { type: 'string', minLength: 1, description: 'a yes/no question about the image' },
        category: { enum: [...CATEGORIES], description: 'what the question checks' },
      }),
    },
  }),
};

const ANSWERS_TOOL = {
  name: 'submit_answers',
  description: 'Submit, for each question in order, whether the image shows it.',
  schema: answerSchema({
    answers: {
      type: 'array',
      description: 'one answer per question, in the order of the questions',
      items: answerSchema({ answer: { enum: ['yes', 'no'], description: 'what the image shows' }, reason: REASON_PROPERTY }),
    },
  }),
};

const writeQuestions = structuredGrade<{ questions: Question[] }>(ID, 'image-matches questions', QUESTIONS_TOOL);
const answerFixed = structuredGrade<{ answers: Answer[] }>(ID, 'image-matches answers', ANSWERS_TOOL);
const askAnswers = structuredAsk<{ answers: Answer[] }>('image-matches answers', ANSWERS_TOOL);

const QUESTION_INSTRUCTIONS =
  'You turn the description of an image into the yes/no questions that check whether an image matches it. Ask ' +
  'one question per fact the description states: each object it names ("Is there a dog?"), each count ("Are ' +
  'there exactly three apples?"), each colour ("Is the car red?"), each relative position ("Is the cup to the ' +
  'left of the laptop?"), other attributes (size, material, action, state) and any text the image must show. ' +
  'Phrase every question so that "yes" means the image matches. Ask nothing the description does not state ' +
  '(style, quality) unless it demands it. Call submit_questions with them.';

const ANSWER_INSTRUCTIONS =
  'You answer yes/no questions about an image by looking at it. Answer each question from what the image ' +
  'shows, not from what is likely; when the image does not clearly show it, answer no. Call submit_answers with ' +
  'one answer per question, in order, each with a short reason.';

const HINT = 'e.g. value: { questions: ["Is there a red cube?", "Is the cube left of the sphere?"] }, or leave value out to check the prompt';

function prepare(value: Value): Prepared {
  if (value === undefined) return {};
  if (typeof value === 'string') return { description: value };
  if (value.questions?.some((q) => q.trim() === '')) {
    throw new LlmlabError('CONFIG_INVALID', 'image-matches: `questions` has an empty question', { hint: HINT });
  }
  return { ...(value.description === undefined ? {} : { description: value.description }), ...(value.questions ? { questions: value.questions } : {}) };
}

/** The answering call: the questions in text, the images as parts (and not the description). */
function answerMessages(questions: readonly string[], images: readonly MediaRef[], judge: Judge): ChatMessage[] {
  const listed = questions.map((q, i) => `${i + 1}. ${q}`).join('\n');
  return showMedia(judgeMessages(ANSWER_INSTRUCTIONS, `[Questions]\n${listed}`), { prompt: [], output: images }, judge.media).messages;
}

/** One round's verdict from the answers: every question yes passes; the score is the share of yes. */
function verdictOf(questions: readonly string[], answers: readonly Answer[]): RoundVerdict {
  if (answers.length !== questions.length) {
    throw new LlmlabError('METRIC_ERROR', `the grader gave ${answers.length} answers for ${questions.length} questions`);
  }
  const failed = questions.flatMap((q, i) => (answers[i]!.answer === 'yes' ? [] : [`${quote(q, 80)} (${answers[i]!.reason})`]));
  const score = (questions.length - failed.length) / questions.length;
  const held = `${questions.length - failed.length} of ${questions.length} checks hold (${fixed3(score)})`;
  return { pass: failed.length === 0, score, reason: failed.length === 0 ? held : `${held}; answered no: ${failed.join('; ')}` };
}

/** The output's images, which the grader must be able to see; the error names why it cannot. */
function imagesOf(input: MetricInput<Prepared>, judge: Judge): MediaRef[] {
  const images = (input.result.media ?? []).filter((m) => m.$media === 'image');
  const unseen = images.filter((m) => !graderAccepts(judge.media, m));
  if (unseen.length > 0) {
    const names = unseen.map((m) => `${m.name} (${m.mimeType}, ${m.bytes} bytes)`).join(', ');
    const why = judge.media?.image ? 'which its grader does not accept (type, size or URL)' : 'and its grader accepts text only';
    throw new LlmlabError('METRIC_ERROR', `image-matches must show the grader ${names}, ${why}`, {
      hint: 'use a vision model as `grader:` (e.g. openai:gpt-4o-mini, anthropic:claude-3-5-haiku-latest)',
    });
  }
  return images;
}

export default defineMetric<Value, Prepared>({
  id: ID,
  optionsSchema: {
    description:
      'Checks a generated image (an image generation provider\'s output) against what it should show: a vision ' +
      'grader writes yes/no questions from the prompt (objects, counts, colours, positions) and answers them by ' +
      'looking at the image (two calls per round). Score = share answered yes; passes when all are, or with ' +
      '`threshold` when the score reaches it. Value: nothing (check the prompt), the description to check, or ' +
      '{ description?, questions? } with fixed questions. Needs a `grader` that accepts images.',
    anyOf: [
      { type: 'string', minLength: 1 },
      {
        title: 'an object with `description` and/or `questions`',
        type: 'object',
        additionalProperties: false,
        properties: {
          description: { type: 'string', minLength: 1, description: 'what the image should show; default the rendered prompt' },
          questions: {
            type: 'array',
            minItems: 1,
            items: { type: 'string', minLength: 1 },
            description: 'fixed yes/no questions ("yes" = matches), instead of questions the grader writes',
          },
        },
      },
    ],
  },
  judge: { generate: 2 },
  prepare,
  score: (input) => {
    const images = imagesOf(input, judgeOf(input, ID));
    if (images.length === 0) return { pass: false, score: 0, reason: 'the output holds no image to check' };
    const fixed = input.value.questions;
    if (fixed) return answerFixed(input, answerMessages(fixed, images, judgeOf(input, ID)), ({ answers }) => verdictOf(fixed, answers));
    const description = input.value.description ?? input.prompt;
    return writeQuestions(input, judgeMessages(QUESTION_INSTRUCTIONS, `[Description]\n${description}`), async ({ questions }, judge, round) => {
      if (questions.length === 0) return { pass: true, score: 1, reason: 'the description states nothing checkable' };
      const texts = questions.map((q) => q.question);
      const { answers } = await askAnswers(judge, answerMessages(texts, images, judge), round);
      return verdictOf(texts, answers);
    });
  },
});
