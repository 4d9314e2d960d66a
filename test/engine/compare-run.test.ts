/**
 * select-best and max-score through the real runSuite: every cell of a test is graded, then the group is compared
 * once; the winner passes and the others fail, a cached re-run gives the same verdicts, and a cell that errored
 * makes the comparison an error for the whole group.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ResolvedSuite } from '../../src/config/types.js';
import type { Assertion } from '../../src/types.js';
import { judged, judgeHarness, type JudgeHarness } from './judge-harness.js';
import { assertion, makeSuite, provider } from './make-suite.js';

let h: JudgeHarness;
beforeEach(() => {
  h = judgeHarness();
});
afterEach(() => h.dispose());

/** Two targets answering one test each their own way, graded by a mock grader that picks `best`. */
function suite(assert: Assertion[], b: Record<string, unknown> = { default: 'a much longer answer' }, best = 1): ResolvedSuite {
  return makeSuite({
    providers: [provider('mock:a', { default: 'short answer' }, {}, 'a'), provider('mock:b', b, {}, 'b')],
    tests: [{ id: 't0', index: 0, vars: { question: 'q' }, assert }],
    graders: { g: provider('mock:judge', { default: JSON.stringify({ reason: 'the shortest', best }) }) },
  });
}

const selectBest = () => judged('select-best', 'the most concise answer', { calls: 1, perGroup: true });

describe('comparative assertions in a run', () => {
  it('select-best: the chosen output passes, the other fails, with one judge call; a re-run is the same from the cache', async () => {
    const first = await h.run(suite([assertion('contains', 'answer'), selectBest()]));
    expect(first.cells.map((c) => [c.providerLabel, c.status])).toEqual([['a', 'pass'], ['b', 'fail']]);
    expect(first.outcome.stats).toMatchObject({ finished: 2, judgeCalls: 1, judgeCacheHits: 0 });
    const [a, b] = first.cells.map((c) => c.assertions[1]!);
    expect(a).toMatchObject({ type: 'select-best', pass: true, score: 1, reason: 'chosen as the best of 2 outputs: the shortest' });
    expect(b).toMatchObject({ pass: false, score: 0, reason: 'output 1 of 2 was chosen (a): the shortest' });

    const second = await h.run(suite([assertion('contains', 'answer'), selectBest()]));
    expect(second.outcome.stats).toMatchObject({ judgeCalls: 0, judgeCacheHits: 1 });
    expect(second.cells.map((c) => c.assertions)).toEqual(first.cells.map((c) => c.assertions));
  });

  it('max-score: the output whose other assertions score highest passes', async () => {
    const { cells } = await h.run(suite([assertion('contains', 'longer'), assertion('contains', 'answer'), assertion('max-score', { method: 'sum' })]));
    expect(cells.map((c) => [c.providerLabel, c.status, c.score])).toEqual([['a', 'fail', 1 / 3], ['b', 'pass', 1]]);
    expect(cells[1]!.assertions[2]!.reason).toBe('highest sum score of 2 outputs, 2.000 (1: 1.000, 2: 2.000)');
  });

  it('a cell that errored makes the comparison an error for the group, with the reason', async () => {
    const { cells } = await h.run(suite([selectBest()], { answers: [{ error: 'model unavailable' }] }));
    expect(cells.map((c) => [c.providerLabel, c.status])).toEqual([['a', 'error'], ['b', 'error']]);
    expect(cells[0]!.assertions[0]!.error).toMatch(/^cannot compare: the output of b × p is missing \(error: .*model unavailable/);
    expect(cells[0]!.error).toMatch(/^assertion select-best failed: cannot compare/);
  });

  it('a judge that names no listed output is an error, never a pick', async () => {
    const { cells } = await h.run(suite([selectBest()], undefined, 3));
    expect(cells.map((c) => c.status)).toEqual(['error', 'error']);
    expect(cells[0]!.assertions[0]!.error).toBe('the grader picked output 3, and there are 2');
  });
});
