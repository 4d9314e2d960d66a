import { describe, expect, it } from 'vitest';
import { LlmlabError } from '../../src/errors.js';
import { loadMetricPlugin } from '../../src/metrics/index.js';
import mock from '../../src/providers/mock.js';
import type { Judge, JudgeRequest, MediaLimits, MediaRef } from '../../src/types.js';
import { scriptedJudge, userText } from './judge-helpers.js';
import { scoreMetric } from './test-metric.js';

const plugin = await loadMetricPlugin('image-matches');
const VISION: MediaLimits = { image: { mimeTypes: ['image/png'], maxBytes: 20_000_000, urls: false } };
const drawn: MediaRef = { $media: 'image', hash: 'd'.repeat(64), mimeType: 'image/png', bytes: 2048, name: 'gpt-image-1-dddddddd.png', path: '/store/dd/d' };
const PROMPT = 'a photo of three red apples to the left of a blue cup';

const QUESTIONS = [
  { question: 'Are there apples?', category: 'object' },
  { question: 'Are there exactly three apples?', category: 'count' },
  { question: 'Are the apples red?', category: 'colour' },
  { question: 'Is there a cup?', category: 'object' },
  { question: 'Is the cup blue?', category: 'colour' },
  { question: 'Are the apples to the left of the cup?', category: 'position' },
];

/** A vision grader that writes QUESTIONS, then answers them with `answers` (yes/no per question, by round). */
function grader(answers: string[][], repeat = 1): Judge & { requests: JudgeRequest[] } {
  const judge = scriptedJudge((request) => {
    if (request.structured?.name === 'submit_questions') return JSON.stringify({ questions: QUESTIONS });
    const round = answers[(request.round ?? 0) % answers.length]!;
    return JSON.stringify({ answers: round.map((answer, i) => ({ answer, reason: answer === 'yes' ? 'visible' : `not so (q${i + 1})` })) });
  }, repeat);
  return { ...judge, media: VISION };
}

const run = (judge: Judge, value?: unknown) => scoreMetric(plugin, value, `[image: ${drawn.name}]`, { judge, prompt: PROMPT, result: { media: [drawn] } });

describe('image-matches', () => {
  it('writes questions from the prompt, then answers them looking at the image; all yes passes', async () => {
    const judge = grader([['yes', 'yes', 'yes', 'yes', 'yes', 'yes']]);
    expect(await run(judge)).toEqual({ pass: true, score: 1, reason: '6 of 6 checks hold (1.000)', judgeVerdicts: [true] });
    const [questions, answers] = judge.requests;
    expect(questions!.structured?.name).toBe('submit_questions');
    expect(userText(questions!)).toBe(`[Description]\n${PROMPT}`);
    // Call 1 is text only; call 2 shows the image and the questions, never the prompt.
    expect(questions!.messages.some((m) => m.parts)).toBe(false);
    expect(answers!.structured?.name).toBe('submit_answers');
    expect(answers!.messages[1]!.parts?.find((p) => p.type === 'image')).toEqual({ type: 'image', media: drawn });
    expect(userText(answers!)).toContain('[Questions]\n1. Are there apples?\n2. Are there exactly three apples?');
    expect(userText(answers!)).not.toContain(PROMPT);
  });

  it('scores the share answered yes and lists each question answered no in the reason', async () => {
    const score = await run(grader([['yes', 'no', 'yes', 'yes', 'no', 'yes']]));
    expect(score.pass).toBe(false);
    expect(score.score).toBeCloseTo(4 / 6, 12);
    expect(score.reason).toBe(
      '4 of 6 checks hold (0.667); answered no: "Are there exactly three apples?" (not so (q2)); "Is the cup blue?" (not so (q5))',
    );
  });

  it('folds graderRepeat rounds with per-round verdicts for agreement', async () => {
    const all = ['yes', 'yes', 'yes', 'yes', 'yes', 'yes'];
    const judge = grader([all, ['yes', 'no', 'yes', 'yes', 'yes', 'yes'], all], 3);
    const score = await run(judge);
    expect(score).toMatchObject({ pass: true, judgeVerdicts: [true, false, true] });
    expect(score.score).toBeCloseTo((1 + 5 / 6 + 1) / 3, 12);
    expect(score.reason).toMatch(/^2 of 3 judge rounds passed \(pass 1\.00: 6 of 6 checks hold/);
    expect(judge.requests.map((r) => [r.structured?.name, r.round])).toEqual([
      ['submit_questions', 0],
      ['submit_questions', 1],
      ['submit_questions', 2],
      ['submit_answers', 0],
      ['submit_answers', 1],
      ['submit_answers', 2],
    ]);
  });

  it('uses fixed questions without asking for any, and a description instead of the prompt', async () => {
    const judge = grader([['yes', 'no']]);
    const score = await run(judge, { questions: ['Is there a cup?', 'Is the cup blue?'] });
    expect(judge.requests.map((r) => r.structured?.name)).toEqual(['submit_answers']);
    expect(score).toMatchObject({ pass: false, score: 0.5 });
    const described = grader([QUESTIONS.map(() => 'yes')]);
    await run(described, 'three red apples and a blue cup');
    expect(userText(described.requests[0]!)).toBe('[Description]\nthree red apples and a blue cup');
  });

  it('fails an output without an image, without asking the grader', async () => {
    const judge = grader([['yes']]);
    expect(await scoreMetric(plugin, undefined, 'a text answer', { judge, prompt: PROMPT })).toEqual({ pass: false, score: 0, reason: 'the output holds no image to check' });
    expect(judge.requests).toHaveLength(0);
  });

  it('is an error, never a pass, with a grader that cannot see the image or answers badly', async () => {
    const blind = scriptedJudge(['{}']);
    await expect(run(blind)).rejects.toMatchObject({ code: 'METRIC_ERROR', message: expect.stringMatching(/gpt-image-1-dddddddd\.png \(image\/png, 2048 bytes\), and its grader accepts text only/) });
    const small = { ...grader([['yes']]), media: { image: { mimeTypes: ['image/png'], maxBytes: 1000, urls: false } } };
    await expect(run(small)).rejects.toMatchObject({ message: expect.stringMatching(/which its grader does not accept/) });
    const short = grader([['yes', 'yes']]);
    await expect(run(short)).rejects.toMatchObject({ code: 'METRIC_ERROR', message: 'the grader gave 2 answers for 6 questions' });
    const maybe = scriptedJudge((r) => (r.structured?.name === 'submit_questions' ? JSON.stringify({ questions: QUESTIONS.slice(0, 1) }) : '{"answers": [{"answer": "maybe", "reason": "x"}]}'));
    await expect(run({ ...maybe, media: VISION })).rejects.toMatchObject({ code: 'METRIC_ERROR', message: expect.stringMatching(/must be equal to one of the allowed values/) });
    await expect(scoreMetric(plugin, undefined, 'x', { result: { media: [drawn] } })).rejects.toMatchObject({ message: expect.stringMatching(/needs a grader/) });
  });

  it('refuses an empty fixed question at prepare', () => {
    expect(() => plugin.prepare!({ questions: ['Is there a cup?', ' '] }, { baseDir: '.' })).toThrow(LlmlabError);
  });

  it('grades with the scripted mock provider as the vision grader', async () => {
    // The mock answers the question call and the answer call from its script, as a suite's `grader: mock` does.
    const provider = await mock.create({
      id: 'mock:vision',
      type: 'mock',
      model: 'vision',
      label: 'mock:vision',
      baseDir: '.',
      env: {},
      config: {
        answers: [
          { match: '[Description]', output: JSON.stringify({ questions: [{ question: 'Is there a red cube?', category: 'colour' }, { question: 'Is the cube left of the sphere?', category: 'position' }] }) },
          { match: '[Questions]', output: JSON.stringify({ answers: [{ answer: 'yes', reason: 'a red cube' }, { answer: 'no', reason: 'it is on the right' }] }) },
        ],
      },
    });
    const judge: Judge = {
      repeat: 1,
      media: VISION,
      generate: (request) =>
        provider.generate(
          { messages: request.messages, prompt: request.messages.map((m) => m.content).join('\n\n'), vars: {}, repeatIndex: request.round ?? 0, ...(request.structured ? { structured: request.structured } : {}) },
          { signal: new AbortController().signal },
        ),
      embed: () => Promise.reject(new Error('no embeddings')),
    };
    const score = await scoreMetric(plugin, undefined, `[image: ${drawn.name}]`, { judge, prompt: 'a red cube left of a sphere', result: { media: [drawn] } });
    expect(score).toEqual({
      pass: false,
      score: 0.5,
      reason: '1 of 2 checks hold (0.500); answered no: "Is the cube left of the sphere?" (it is on the right)',
      judgeVerdicts: [false],
    });
  });
});
