import { describe, expect, it } from 'vitest';
import { loadMetricPlugin } from '../../src/metrics/index.js';
import { cosine } from '../../src/metrics/judge-shared.js';
import { mockEmbedding } from '../../src/providers/mock-embedding.js';
import type { Judge } from '../../src/types.js';
import { scriptedJudge } from './judge-helpers.js';
import { scoreMetric } from './test-metric.js';

const plugin = await loadMetricPlugin('similar');

/** An embedder with fixed vectors by text. */
function vectors(table: Record<string, number[]>): Judge {
  return { repeat: 1, generate: () => Promise.reject(new Error('no grader')), embed: async (texts) => texts.map((t) => table[t]!) };
}

describe('similar', () => {
  it('scores the cosine similarity and passes at 0.8', async () => {
    // cos((1,0), (0.8,0.6)) = 0.8; cos((1,0), (0.6,0.8)) = 0.6.
    const judge = vectors({ out: [1, 0], near: [0.8, 0.6], far: [0.6, 0.8] });
    expect(await scoreMetric(plugin, 'near', 'out', { judge })).toEqual({ pass: true, score: expect.closeTo(0.8, 12), reason: 'cosine similarity 0.800 ≥ 0.8' });
    expect(await scoreMetric(plugin, 'far', 'out', { judge })).toMatchObject({ pass: false, score: expect.closeTo(0.6, 12) });
  });

  it('takes the closest of several expected texts, in one embeddings call', async () => {
    const judge = scriptedJudge([]);
    const result = await scoreMetric(plugin, ['quarterly revenue grew', 'the cat is sitting on the mat'], 'the cat sits on the mat', { judge });
    expect(judge.embedded).toEqual([['the cat sits on the mat', 'quarterly revenue grew', 'the cat is sitting on the mat']]);
    expect(result.score).toBeCloseTo(cosine(mockEmbedding('the cat sits on the mat'), mockEmbedding('the cat is sitting on the mat')), 12);
    expect(result.pass).toBe(true);
    expect(result.reason).toMatch(/closest of 2: "the cat is sitting on the mat"/);
  });

  it('never scores below 0, and treats a zero vector as unrelated', async () => {
    const judge = vectors({ out: [1, 0], opposite: [-1, 0], empty: [0, 0] });
    expect(await scoreMetric(plugin, 'opposite', 'out', { judge })).toMatchObject({ pass: false, score: 0, reason: 'cosine similarity -1.000 < 0.8' });
    expect(await scoreMetric(plugin, 'empty', 'out', { judge })).toMatchObject({ pass: false, score: 0 });
  });

  it('needs an expected text, and an embedder', async () => {
    expect(() => plugin.prepare!([] as never, { baseDir: '.' })).toThrow(/needs the expected text/);
    await expect(scoreMetric(plugin, 'a', 'a')).rejects.toMatchObject({ code: 'METRIC_ERROR' });
  });
});
