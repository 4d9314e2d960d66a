/** select-best and max-score on a group of outputs, through `compare` (the engine's group step is in test/engine). */
import { describe, expect, it } from 'vitest';
import { loadMetricPlugin } from '../../src/metrics/index.js';
import type { AssertionResult, ComparedOutput, TestCase } from '../../src/types.js';
import { scriptedJudge, userText } from './judge-helpers.js';

const [selectBest, maxScore] = await Promise.all([loadMetricPlugin('select-best'), loadMetricPlugin('max-score')]);
const test: TestCase = { id: 't', index: 0, vars: { topic: 'AI' }, assert: [] };
const result = (type: string, score: number): AssertionResult => ({ type, metric: type, pass: score > 0.5, score, weight: 1 });
const output = (text: string, provider: string, assertions: AssertionResult[] = []): ComparedOutput => ({ output: text, prompt: 'p', provider, assertions });

describe('select-best', () => {
  it('asks once with every output numbered and passes only the one picked', async () => {
    const judge = scriptedJudge(['{"reason": "wittiest", "best": 2}']);
    const verdicts = await selectBest.compare!({ outputs: [output('dull', 'a'), output('witty', 'b'), output('long', 'c')], value: 'funniest', test, judge });
    expect(verdicts.map((v) => [v.pass, v.score])).toEqual([[false, 0], [true, 1], [false, 0]]);
    expect(verdicts[0]!.reason).toBe('output 2 of 3 was chosen (b): wittiest');
    expect(judge.requests).toHaveLength(1);
    expect(userText(judge.requests[0]!)).toBe('[Test variables]\ntopic: AI\n\n[Criterion]\nfunniest\n\n[Output 1]\ndull\n\n[Output 2]\nwitty\n\n[Output 3]\nlong');
  });

  it('is an error without a grader, and never scores one output alone', async () => {
    await expect(selectBest.compare!({ outputs: [output('a', 'a'), output('b', 'b')], value: 'x', test })).rejects.toMatchObject({ code: 'METRIC_ERROR' });
    expect(() => selectBest.score({} as never)).toThrow(/never one alone/);
  });
});

describe('max-score', () => {
  const outputs = [
    output('x', 'a', [result('contains', 1), result('llm-rubric', 0.2)]),
    output('y', 'b', [result('contains', 0), result('llm-rubric', 0.9)]),
  ];

  it('picks the best average of the other assertions; weights per type change the pick', async () => {
    const average = await maxScore.compare!({ outputs, value: {}, test });
    expect(average.map((v) => v.pass)).toEqual([true, false]);
    expect(average[0]!.reason).toBe('highest average score of 2 outputs, 0.600 (1: 0.600, 2: 0.450)');
    const weighted = await maxScore.compare!({ outputs, value: { method: 'sum', weights: { 'llm-rubric': 3 } }, test });
    expect(weighted.map((v) => v.pass)).toEqual([false, true]);
    expect(weighted[0]!.reason).toBe('sum 1.600 < 2.700 of output 2 (1: 1.600, 2: 2.700)');
  });

  it('a tie goes to the first output; below the threshold no output passes', async () => {
    const tied = [output('x', 'a', [result('contains', 1)]), output('y', 'b', [result('contains', 1)])];
    const tie = await maxScore.compare!({ outputs: tied, value: {}, test });
    expect(tie.map((v) => v.pass)).toEqual([true, false]);
    expect(tie[1]!.reason).toBe('average 1.000, tied with output 1, which comes first (1: 1.000, 2: 1.000)');
    const low = await maxScore.compare!({ outputs, value: { threshold: 0.7 }, test });
    expect(low.map((v) => v.pass)).toEqual([false, false]);
    expect(low[0]!.reason).toBe('no output reaches 0.7: best average 0.600 (1: 0.600, 2: 0.450)');
  });

  it('is an error when the test has no other assertion to score by', async () => {
    expect(() => maxScore.compare!({ outputs: [output('x', 'a'), output('y', 'b')], value: {}, test })).toThrow(/needs other assertions/);
  });
});
