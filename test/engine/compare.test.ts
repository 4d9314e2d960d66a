/**
 * The group step of comparative assertions without a run: cells are held until their group is complete and then
 * released together, in plan order, with the comparison graded once; a group the plan holds only part of is an
 * error with the reason. (test/engine/compare-run.test.ts runs the same through runSuite and the store.)
 */
import { describe, expect, it } from 'vitest';
import { createComparisons } from '../../src/engine/compare.js';
import { createGrader } from '../../src/engine/grade.js';
import type { JudgeFactory } from '../../src/engine/judge.js';
import { createPlan, type PlannedCell } from '../../src/engine/plan.js';
import type { CellResult } from '../../src/types.js';
import { scriptedJudge } from '../metrics/judge-helpers.js';
import { assertion, makeSuite, provider } from './make-suite.js';

const suite = makeSuite({
  providers: ['a', 'b', 'c'].map((label) => provider(`mock:${label}`, {}, {}, label)),
  tests: [{ id: 't0', index: 0, vars: { question: 'q' }, assert: [assertion('contains', 'x'), assertion('max-score')] }],
});

/** The cell graded as the executor grades it, its max-score still a placeholder. */
async function finished(grader: ReturnType<typeof createGrader>, cell: PlannedCell, output: string): Promise<CellResult> {
  const verdict = await grader.grade({ output, test: cell.test, prompt: 'Q: q', result: { output }, providerId: cell.provider.id });
  return {
    cellId: cell.cellId, providerId: cell.provider.id, providerLabel: cell.provider.label, promptId: cell.prompt.id, testId: cell.test.id,
    testIndex: 0, repeatIndex: cell.repeatIndex, vars: cell.test.vars, prompt: 'Q: q', output, status: verdict.pass ? 'pass' : 'fail',
    score: verdict.score, assertions: verdict.assertions, latencyMs: 0, cost: 0, cached: false,
  };
}

const noJudges: JudgeFactory = () => ({ judge: scriptedJudge([]), cost: () => 0 });
const options = (skip: string[] = []) => ({ grader: createGrader('/virtual'), judges: noJudges, skip: new Set(skip), abort: new AbortController().signal });

describe('comparisons in the executor', () => {
  it('holds cells until the group is complete, then releases all in plan order, graded once', async () => {
    const plan = createPlan(suite);
    const opts = options();
    const comparisons = createComparisons(plan, opts)!;
    const [a, b, c] = [...plan.cells()];
    // Finished out of plan order: c, then a, then b.
    expect(await comparisons.settle(c!, await finished(opts.grader, c!, 'x'))).toEqual([]);
    expect(await comparisons.settle(a!, await finished(opts.grader, a!, 'no'))).toEqual([]);
    const released = await comparisons.settle(b!, await finished(opts.grader, b!, 'x'));
    expect(released.map((r) => [r.providerLabel, r.status, r.score])).toEqual([['a', 'fail', 0], ['b', 'pass', 1], ['c', 'fail', 0.5]]);
    expect(released[2]!.assertions[1]!.reason).toBe('average 1.000, tied with output 2, which comes first (1: 0.000, 2: 1.000, 3: 1.000)');
  });

  it('passes cells of tests that compare nothing straight through', async () => {
    expect(createComparisons(createPlan(makeSuite({ providers: [provider('mock:a')], tests: [{ id: 't', index: 0, vars: {}, assert: [] }] })), options())).toBeUndefined();
  });

  it('makes the comparison an error when an earlier attempt graded part of the group, or the plan holds only part of it', async () => {
    const plan = createPlan(suite);
    const [a, b, c] = [...plan.cells()];
    const resumed = options([a!.cellId]);
    const comparisons = createComparisons(plan, resumed)!;
    await comparisons.settle(b!, await finished(resumed.grader, b!, 'x'));
    const released = await comparisons.settle(c!, await finished(resumed.grader, c!, 'x'));
    expect(released.map((r) => r.status)).toEqual(['error', 'error']);
    expect(released[0]!.assertions[1]!.error).toBe(
      'cannot compare: 1 output(s) of this test were graded by an earlier attempt; run the suite again without --resume',
    );

    const subset = createPlan(suite, { subset: { includes: (cell) => cell.providerLabel === 'a' } });
    const alone = options();
    const one = await createComparisons(subset, alone)!.settle(a!, await finished(alone.grader, a!, 'x'));
    expect(one[0]!.assertions[1]!.error).toBe(
      "cannot compare: this run has 1 of the test's 3 outputs (the others are in another shard or outside the subset)",
    );
  });
});
