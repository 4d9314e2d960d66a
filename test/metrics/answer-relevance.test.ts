import { describe, expect, it } from 'vitest';
import { loadMetricPlugin } from '../../src/metrics/index.js';
import type { Judge, JudgeRequest } from '../../src/types.js';
import { scriptedJudge } from './judge-helpers.js';
import { scoreMetric } from './test-metric.js';

const plugin = await loadMetricPlugin('answer-relevance');

/** A judge whose generated questions and embeddings are fixed: every question text maps to a vector. */
function fixed(questions: string[], table: Record<string, number[]>, repeat = 1): Judge & { asked: JudgeRequest[]; embedded: string[][] } {
  const asked: JudgeRequest[] = [];
  const embedded: string[][] = [];
  return {
    repeat,
    asked,
    embedded,
    generate: async (request) => (asked.push(request), { output: JSON.stringify({ questions }) }),
    embed: async (texts) => (embedded.push(texts), texts.map((t) => table[t]!)),
  };
}

describe('answer-relevance', () => {
  it('scores the mean cosine similarity of the generated questions to the query, passing at 0.7', async () => {
    // cos(q, a) = 1, cos(q, b) = 0.6 → mean 0.8.
    const judge = fixed(['a', 'b'], { Q: [1, 0], a: [1, 0], b: [0.6, 0.8] });
    const result = await scoreMetric(plugin, undefined, 'the output', { judge, vars: { question: 'Q' } });
    expect(result).toMatchObject({ pass: true, score: expect.closeTo(0.8, 12), judgeVerdicts: [true] });
    expect(result.reason).toBe('mean similarity 0.800 ≥ 0.7 of 2 questions the answer responds to (e.g. "a") to "Q"');
    expect(judge.embedded).toEqual([['Q', 'a', 'b']]);
    expect(judge.asked[0]!.messages[1]!.content).toBe('[Answer]\nthe output');
    expect(judge.asked[0]!.messages[0]!.content).toMatch(/^Given an answer, write 3 different questions/);
    expect(judge.asked[0]!.structured!.name).toBe('submit_questions');
  });

  it('takes the query from value.query, else the query var, else the question var, else the prompt', async () => {
    const queryOf = async (value: unknown, vars: Record<string, unknown>) => {
      const judge = fixed(['x'], new Proxy({}, { get: () => [1, 0] }));
      await scoreMetric(plugin, value, 'out', { judge, vars, prompt: 'the prompt' });
      return judge.embedded[0]![0];
    };
    expect(await queryOf({ query: 'given' }, { query: 'q', question: 'qq' })).toBe('given');
    expect(await queryOf(undefined, { query: 'q', question: 'qq' })).toBe('q');
    expect(await queryOf(undefined, { question: 'qq' })).toBe('qq');
    expect(await queryOf(undefined, {})).toBe('the prompt');
  });

  it('asks for the configured number of questions, and fails unrelated answers', async () => {
    const judge = scriptedJudge(['{"questions": ["What will the weather be tomorrow?"]}']);
    const result = await scoreMetric(plugin, { questions: 5 }, 'It will rain.', { judge, vars: { query: 'How do I reset my password?' } });
    expect(judge.requests[0]!.messages[0]!.content).toMatch(/write 5 different questions/);
    expect(result.pass).toBe(false);
    expect(result.score).toBeLessThan(0.3);
  });

  it('throws on a malformed answer: no questions, an empty list, not JSON', async () => {
    for (const answer of ['{"question": "x"}', '{"questions": []}', 'What is it?']) {
      await expect(scoreMetric(plugin, undefined, 'out', { judge: scriptedJudge([answer]) })).rejects.toMatchObject({ code: 'METRIC_ERROR' });
    }
  });

  it('runs graderRepeat rounds, each with its own questions and embeddings', async () => {
    let round = 0;
    const answers = ['{"questions": ["How do I reset my password?"]}', '{"questions": ["Is it raining?"]}', '{"questions": ["How can I reset my password?"]}'];
    const judge = scriptedJudge(() => answers[round++]!, 3);
    const result = await scoreMetric(plugin, undefined, 'Use the reset link.', { judge, vars: { question: 'How do I reset my password?' } });
    expect(judge.embedded).toHaveLength(3);
    expect(result.judgeVerdicts).toEqual([true, false, true]);
    expect(result.pass).toBe(true);
  });
});
