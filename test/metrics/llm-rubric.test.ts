import { describe, expect, it } from 'vitest';
import { LlmlabError } from '../../src/errors.js';
import { loadMetricPlugin } from '../../src/metrics/index.js';
import { scriptedJudge, userText } from './judge-helpers.js';
import { scoreMetric } from './test-metric.js';

const plugin = await loadMetricPlugin('llm-rubric');
const verdict = (pass: boolean, score: number, reason = 'because') => JSON.stringify({ pass, score, reason });

describe('llm-rubric', () => {
  it("passes on the judge's verdict and takes its score and reason", async () => {
    const judge = scriptedJudge([verdict(true, 0.8, 'polite and correct')]);
    expect(await scoreMetric(plugin, 'Is polite', 'Sure, happy to help.', { judge })).toEqual({
      pass: true,
      score: 0.8,
      reason: 'polite and correct',
      judgeVerdicts: [true],
    });
  });

  it('asks through a forced structured answer, showing the task, vars, rubric, examples and output', async () => {
    const judge = scriptedJudge([verdict(false, 0)]);
    await scoreMetric(
      plugin,
      { rubric: 'Answers in French', examples: [{ output: 'Bonjour', pass: true, reason: 'French' }] },
      'Hello',
      { judge, prompt: 'Greet the user', vars: { user: 'Ada' } },
    );
    const [request] = judge.requests;
    expect(request!.structured).toMatchObject({
      name: 'submit_verdict',
      schema: { type: 'object', required: ['pass', 'score', 'reason'], additionalProperties: false },
    });
    expect(request!.round).toBe(0);
    expect(request!.messages[0]).toMatchObject({ role: 'system' });
    expect(userText(request!)).toBe(
      '[Task given to the AI system]\nGreet the user\n\n[Test variables]\nuser: Ada\n\n[Rubric]\nAnswers in French\n\n' +
        '[Example 1: output]\nBonjour\n[Example 1: verdict]\n{"pass":true,"score":1,"reason":"French"}\n\n[Output to grade]\nHello',
    );
  });

  for (const [what, answer, message] of [
    ['not JSON', 'PASS', /not JSON: "PASS"/],
    ['missing pass', '{"score": 1, "reason": "x"}', /must have required property 'pass'/],
    ['a score of 7', verdict(true, 7), /\/score must be <= 1/],
    ['a negative score', verdict(true, -0.5), /\/score must be >= 0/],
    ['a string score', '{"pass": true, "score": "high", "reason": "x"}', /\/score must be number/],
    ['an extra field', '{"pass": true, "score": 1, "reason": "x", "confidence": 2}', /unexpected property "confidence"/],
    ['an array', '[true, 1, "x"]', /must be object/],
  ] as const) {
    it(`throws (an error, never a pass) on an answer with ${what}`, async () => {
      const error = await scoreMetric(plugin, 'Is polite', 'Hi', { judge: scriptedJudge([answer]) }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(LlmlabError);
      expect(error).toMatchObject({ code: 'METRIC_ERROR', message: expect.stringMatching(message) });
    });
  }

  it('folds graderRepeat rounds: majority verdict, mean score, each round listed, distinct rounds asked', async () => {
    const judge = scriptedJudge([verdict(true, 1, 'good'), verdict(false, 0.2, 'rude'), verdict(true, 0.9, 'fine')], 3);
    const score = await scoreMetric(plugin, 'Is polite', 'Hi', { judge });
    expect(judge.requests.map((r) => r.round)).toEqual([0, 1, 2]);
    expect(score).toEqual({
      pass: true,
      score: expect.closeTo(0.7, 12),
      reason: '2 of 3 judge rounds passed (pass 1.00: good; fail 0.20: rude; pass 0.90: fine)',
      judgeVerdicts: [true, false, true],
    });
    const fails = await scoreMetric(plugin, 'Is polite', 'Hi', { judge: scriptedJudge([verdict(false, 0), verdict(true, 1)], 4) });
    expect(fails).toMatchObject({ pass: false, score: 0.5, judgeVerdicts: [false, true, false, true] });
    expect(fails.reason).toMatch(/^2 of 4 judge rounds passed, a tie, which fails/);
  });

  it('errors when one round of several is malformed', async () => {
    const judge = scriptedJudge([verdict(true, 1), 'oops', verdict(true, 1)], 3);
    await expect(scoreMetric(plugin, 'Is polite', 'Hi', { judge })).rejects.toMatchObject({ code: 'METRIC_ERROR' });
  });

  it('needs a rubric, and a judge', async () => {
    expect(() => plugin.prepare!(undefined, { baseDir: '.' })).toThrow(/needs the rubric/);
    expect(() => plugin.prepare!({ rubric: ' ' }, { baseDir: '.' })).toThrow(/needs the rubric/);
    await expect(scoreMetric(plugin, 'Is polite', 'Hi')).rejects.toMatchObject({ code: 'METRIC_ERROR', message: 'llm-rubric needs a grader, and none was given' });
  });
});
