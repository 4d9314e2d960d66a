import { describe, expect, it } from 'vitest';
import { answerSchema, judgeMessages, REASON_PROPERTY, structuredGrade } from '../../src/metrics/judge-shared.js';
import type { Judge, MetricInput } from '../../src/types.js';
import { scriptedJudge } from './judge-helpers.js';

const SCHEMA = answerSchema({ ok: { type: 'boolean' } });
const TOOL = { name: 'submit_ok', description: 'Submit ok.', schema: SCHEMA };

function inputWith(judge?: Judge): MetricInput<unknown> {
  const test = { id: 't1', index: 0, vars: {}, assert: [] };
  return { output: 'out', value: undefined, vars: {}, test, prompt: 'p', result: { output: 'out' }, providerId: 'echo', ...(judge ? { judge } : {}) };
}

const grade = structuredGrade<{ ok: boolean }>('test-metric', 'test-metric answer', TOOL);
const asked = judgeMessages('be a judge', 'judge this');
const verdict = ({ ok }: { ok: boolean }) => ({ pass: ok, score: ok ? 1 : 0, reason: ok ? 'fine' : 'not fine' });

describe('answerSchema', () => {
  it('requires exactly the properties given, in their order', () => {
    expect(answerSchema({ choice: { enum: ['A', 'B'] }, reason: REASON_PROPERTY })).toEqual({
      type: 'object',
      additionalProperties: false,
      required: ['choice', 'reason'],
      properties: { choice: { enum: ['A', 'B'] }, reason: { type: 'string', description: 'one or two sentences on why' } },
    });
  });
});

describe('judgeMessages', () => {
  it('puts the instructions in the system message and the case in the user message', () => {
    expect(asked).toEqual([
      { role: 'system', content: 'be a judge' },
      { role: 'user', content: 'judge this' },
    ]);
  });
});

describe('structuredGrade', () => {
  it('asks through the tool, one request per round, and folds the rounds', async () => {
    const judge = scriptedJudge(['{"ok":true}', '{"ok":false}', '{"ok":true}'], 3);
    const score = await grade(inputWith(judge), asked, verdict);
    expect(judge.requests).toEqual([0, 1, 2].map((round) => ({ messages: asked, structured: TOOL, round })));
    expect(score).toMatchObject({ pass: true, score: 2 / 3, judgeVerdicts: [true, false, true] });
    expect(score.reason).toMatch(/^2 of 3 judge rounds passed/);
  });

  it('passes one round through as is, and hands the verdict the judge', async () => {
    const judge = scriptedJudge(['{"ok":false}']);
    let seen: Judge | undefined;
    const score = await grade(inputWith(judge), asked, (answer, given) => ((seen = given), verdict(answer)));
    expect(score).toEqual({ pass: false, score: 0, reason: 'not fine', judgeVerdicts: [false] });
    expect(seen).toBe(judge);
  });

  it('rejects (METRIC_ERROR) without a grader, or on an answer that is not JSON or not the schema', async () => {
    await expect(grade(inputWith(), asked, verdict)).rejects.toMatchObject({ code: 'METRIC_ERROR', message: 'test-metric needs a grader, and none was given' });
    await expect(grade(inputWith(scriptedJudge(['yes'])), asked, verdict)).rejects.toMatchObject({
      code: 'METRIC_ERROR',
      message: 'the grader\'s answer is not JSON: "yes"',
    });
    await expect(grade(inputWith(scriptedJudge(['{"ok":"yes"}'])), asked, verdict)).rejects.toMatchObject({
      code: 'METRIC_ERROR',
      message: expect.stringMatching(/^the grader's answer does not match its schema/),
    });
  });
});
