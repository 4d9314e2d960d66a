import { describe, expect, it } from 'vitest';
import { LlmlabError } from '../../src/errors.js';
import { loadMetricPlugin } from '../../src/metrics/index.js';
import { scriptedJudge, userText } from './judge-helpers.js';
import { scoreMetric } from './test-metric.js';

const plugin = await loadMetricPlugin('g-eval');
const STEPS = '{"steps": ["Read the question", "Check the facts"]}';

/** Steps first, then `score` for the score call. */
const judgeScoring = (score: string, repeat = 1) =>
  scriptedJudge((request) => (request.structured?.name === 'submit_steps' ? STEPS : score), repeat);

describe('g-eval', () => {
  it('asks for evaluation steps, then a 0–10 score by those steps; normalises to 0..1 and passes at 0.7', async () => {
    const judge = judgeScoring('{"reason": "accurate", "score": 7}');
    const result = await scoreMetric(plugin, 'Is accurate', 'Paris', { judge, prompt: 'Capital of France?' });
    expect(result).toEqual({ pass: true, score: 0.7, reason: '7/10 ≥ 7: accurate', judgeVerdicts: [true] });
    const [steps, score] = judge.requests;
    expect(steps!.structured!.name).toBe('submit_steps');
    // The steps call does not show the output: it is the same request for every output, answered from the cache.
    expect(userText(steps!)).toBe('[Evaluation criteria]\nIs accurate');
    expect(score!.structured!.name).toBe('submit_score');
    expect(userText(score!)).toContain('[Evaluation steps]\n1. Read the question\n2. Check the facts\n\n[Output to evaluate]\nParis');
    expect(userText(score!)).toContain('[Task given to the AI system]\nCapital of France?');
  });

  it('fails below 0.7 and joins a list of criteria', async () => {
    const judge = judgeScoring('{"reason": "vague", "score": 6}');
    const result = await scoreMetric(plugin, ['Is accurate', 'Is concise'], 'Paris', { judge });
    expect(result).toMatchObject({ pass: false, score: 0.6, reason: '6/10 < 7: vague' });
    expect(userText(judge.requests[0]!)).toBe('[Evaluation criteria]\n- Is accurate\n- Is concise');
  });

  it('makes two calls per graderRepeat round, each call of a round with its round number', async () => {
    const judge = judgeScoring('{"reason": "ok", "score": 9}', 2);
    await scoreMetric(plugin, 'Is accurate', 'Paris', { judge });
    expect(judge.requests.map((r) => [r.structured!.name, r.round]).sort()).toEqual([
      ['submit_score', 0], ['submit_score', 1], ['submit_steps', 0], ['submit_steps', 1],
    ]);
  });

  it('a score outside 0–10 or not an integer is an error, never a pass', async () => {
    for (const bad of ['{"reason": "x", "score": 11}', '{"reason": "x", "score": 7.5}']) {
      const error = await scoreMetric(plugin, 'Is accurate', 'Paris', { judge: judgeScoring(bad) }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'METRIC_ERROR' });
    }
  });

  it('needs criteria', async () => {
    for (const value of [undefined, '', []]) {
      expect(() => plugin.prepare!(value as never, { baseDir: '.' })).toThrow(LlmlabError);
    }
  });
});
