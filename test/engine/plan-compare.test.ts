/** The planner and comparative assertions: a test with a single output is refused; select-best's judge calls count once per group. */
import { describe, expect, it } from 'vitest';
import { createPlan } from '../../src/engine/plan.js';
import type { Assertion } from '../../src/types.js';
import { thrownLlmlabError } from '../thrown.js';
import { assertion, makeSuite, provider } from './make-suite.js';

const source = { file: '/virtual/suite.yaml', line: 9, col: 9 };
const selectBest: Assertion = assertion('select-best', 'the best', { source, judge: { grader: 'g', repeat: 1, calls: 1, perGroup: true } });
const rubric: Assertion = assertion('llm-rubric', 'polite', { judge: { grader: 'g', repeat: 1, calls: 1 } });
const suiteOf = (providers: number, assert: Assertion[]) =>
  makeSuite({
    providers: Array.from({ length: providers }, (_, i) => provider(`mock:m${i}`)),
    tests: ['a', 'b'].map((q, index) => ({ id: `t${index}`, index, vars: { question: q }, assert })),
  });

describe('planning comparative assertions', () => {
  it('refuses a test with one output to compare, at the assertion', () => {
    const error = thrownLlmlabError(() => createPlan(suiteOf(1, [selectBest])));
    expect(error).toMatchObject({
      code: 'CONFIG_INVALID',
      message: '`select-best` compares the outputs of a test, and this suite gives each test 1',
      where: source,
      hint: 'add a second prompt or provider for select-best to choose between, or remove the assertion',
    });
  });

  it('counts select-best once per test and repeat, other judges once per cell', () => {
    // 3 providers × 2 tests × 2 repeats = 12 cells: 12 rubric calls and 2 × 2 select-best calls.
    const plan = createPlan(suiteOf(3, [rubric, selectBest]), { repeat: 2 });
    expect(plan.nodeCounts).toEqual({ generate: 12, grade: 24, judge: 16 });
  });

  it('counts the same, group by group, in a shard covering every cell', () => {
    const plan = createPlan(suiteOf(3, [rubric, selectBest]), { repeat: 2, shard: { index: 1, count: 1 } });
    expect(plan.nodeCounts).toEqual({ generate: 12, grade: 24, judge: 16 });
  });
});
