import { describe, expect, it } from 'vitest';
import { CHOICE_SCORES, CHOICES } from '../../src/metrics/factuality.js';
import { loadMetricPlugin } from '../../src/metrics/index.js';
import { scriptedJudge, userText } from './judge-helpers.js';
import { scoreMetric } from './test-metric.js';

const plugin = await loadMetricPlugin('factuality');
const choice = (letter: string, reason = 'why') => JSON.stringify({ choice: letter, reason });

describe('factuality', () => {
  // OpenAI evals' fact eval: A subset, B superset, C same, D disagreement, E immaterial differences.
  for (const [letter, score, pass] of [
    ['A', 0.4, true],
    ['B', 0.6, true],
    ['C', 1, true],
    ['D', 0, false],
    ['E', 1, true],
  ] as const) {
    it(`scores choice ${letter} ${score} and ${pass ? 'passes' : 'fails'}`, async () => {
      const result = await scoreMetric(plugin, 'Paris', 'Paris, France', { judge: scriptedJudge([choice(letter, 'r')]) });
      expect(result).toEqual({ pass, score, reason: `(${letter}) r`, judgeVerdicts: [pass] });
      expect(CHOICE_SCORES[letter]).toBe(score);
    });
  }

  it('shows the question (query var, else question var, else prompt), the expert answer and the submission', async () => {
    const judge = scriptedJudge([choice('C')]);
    await scoreMetric(plugin, 'Mary Shelley wrote it.', 'Shelley', { judge, vars: { question: 'Who wrote Frankenstein?' }, prompt: 'Q: Who wrote Frankenstein?' });
    expect(userText(judge.requests[0]!)).toBe('[Question]\nWho wrote Frankenstein?\n\n[Expert answer]\nMary Shelley wrote it.\n\n[Submission]\nShelley');
    const system = judge.requests[0]!.messages[0]!.content;
    for (const [letter, text] of Object.entries(CHOICES)) expect(system).toContain(`(${letter}) ${text}`);
    expect(judge.requests[0]!.structured!.schema).toMatchObject({ properties: { choice: { enum: ['A', 'B', 'C', 'D', 'E'] } } });

    const fromPrompt = scriptedJudge([choice('C')]);
    await scoreMetric(plugin, 'x', 'y', { judge: fromPrompt, vars: { query: 'the query' } });
    expect(userText(fromPrompt.requests[0]!)).toMatch(/^\[Question\]\nthe query\n/);
    const bare = scriptedJudge([choice('C')]);
    await scoreMetric(plugin, 'x', 'y', { judge: bare, prompt: 'the rendered prompt' });
    expect(userText(bare.requests[0]!)).toMatch(/^\[Question\]\nthe rendered prompt\n/);
  });

  for (const [what, answer] of [
    ['an unknown letter', choice('F')],
    ['a lower-case letter', choice('a')],
    ['no reason', '{"choice": "A"}'],
    ['free text', 'The answer is (A).'],
  ] as const) {
    it(`throws on ${what}`, async () => {
      await expect(scoreMetric(plugin, 'Paris', 'Paris', { judge: scriptedJudge([answer]) })).rejects.toMatchObject({ code: 'METRIC_ERROR' });
    });
  }

  it('folds graderRepeat rounds by majority', async () => {
    const result = await scoreMetric(plugin, 'Paris', 'Lyon', { judge: scriptedJudge([choice('D'), choice('C'), choice('D')], 3) });
    expect(result).toMatchObject({ pass: false, score: expect.closeTo(1 / 3, 12), judgeVerdicts: [false, true, false] });
  });

  it('needs the reference answer', () => {
    expect(() => plugin.prepare!(undefined as never, { baseDir: '.' })).toThrow(/needs the reference answer/);
    expect(plugin.prepare!(42, { baseDir: '.' })).toBe('42');
  });
});
