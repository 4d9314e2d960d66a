import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findTest, runTests, testListLines, TESTS_LISTED } from '../../../src/report/console/show-tests.js';
import type { Store } from '../../../src/store/index.js';
import type { CellResult, CellStatus } from '../../../src/types.js';
import { thrownLlmlabError as thrown } from '../../thrown.js';
import { storeRun, tempStore, verdictCell } from '../helpers.js';

let t: ReturnType<typeof tempStore>;
let store: Store;
beforeEach(() => {
  t = tempStore();
  store = t.store;
});
afterEach(() => t.dispose());

function described(test: number, description: string | undefined, statuses: CellStatus[]): CellResult[] {
  return statuses.map((status, i) => ({ ...verdictCell(`p${i}`, 'bot', test, status), ...(description ? { description } : {}) }));
}

describe('llmlab show <run>: the list of tests', () => {
  it('counts each test\'s cells by verdict and names its failing targets, failing tests first', () => {
    const run = storeRun(store, [
      ...described(0, 'greets', ['pass', 'pass']),
      ...described(1, 'refunds', ['pass', 'fail']),
      ...described(2, undefined, ['error', 'pass']),
      // An attack cell is not a test of the list.
      { ...verdictCell('p0', 'bot', 3, 'fail'), attack: { family: 'x', strategy: 'y', severity: 'low', turns: [] } as never },
    ]);
    const tests = runTests(store, run);
    expect(tests.map((x) => [x.testId, x.description, x.counts, x.failing])).toEqual([
      ['t0', 'greets', { pass: 2, fail: 0, error: 0, skipped: 0 }, []],
      ['t1', 'refunds', { pass: 1, fail: 1, error: 0, skipped: 0 }, ['p1 × bot']],
      ['t2', null, { pass: 1, fail: 0, error: 1, skipped: 0 }, ['p0 × bot']],
    ]);
    expect(testListLines(tests)).toEqual([
      '  t1  refunds  1 pass, 1 fail (p1 × bot)',
      '  t2           1 pass, 1 error (p0 × bot)',
      '  t0  greets   2 pass',
    ]);
  });

  it(`lists ${TESTS_LISTED} tests unless asked for all, and says how many it left out`, () => {
    const run = storeRun(store, Array.from({ length: TESTS_LISTED + 3 }, (_, i) => verdictCell('p', 'bot', i, 'pass')));
    const lines = testListLines(runTests(store, run));
    expect(lines).toHaveLength(TESTS_LISTED + 1);
    expect(lines.at(-1)).toBe('  … 3 more tests (--all lists every one)');
    expect(testListLines(runTests(store, run), { all: true })).toHaveLength(TESTS_LISTED + 3);
  });
});

describe('llmlab show <run> <test>: finding the test', () => {
  const tests = () =>
    runTests(store, storeRun(store, [...described(0, 'password reset', ['pass']), ...described(1, 'refunds', ['fail']), ...described(2, 'Refunds', ['pass'])]));

  it('takes a test id, or a whole description whatever its case', () => {
    expect(findTest(tests(), 't1', 'r').testId).toBe('t1');
    expect(findTest(tests(), 'PASSWORD RESET', 'r').testId).toBe('t0');
  });

  it('refuses a description several tests share, naming their ids', () => {
    const error = thrown(() => findTest(tests(), 'refunds', 'run-1'));
    expect([error.code, error.message, error.hint]).toEqual(['USAGE', '2 tests of run run-1 are described `refunds`', 'name one by its id: `t1`, `t2`']);
  });

  it('suggests close matches for a name no test has, or points to the list', () => {
    const partial = thrown(() => findTest(tests(), 'password', 'run-1'));
    expect(partial.message).toBe('no test `password` in run run-1');
    expect(partial.hint).toBe('did you mean `password reset`? (`llmlab show run-1` lists the tests)');
    expect(thrown(() => findTest(tests(), 'pasword reset', 'run-1')).hint).toMatch(/^did you mean `password reset`\?/);
    expect(thrown(() => findTest(tests(), 'zzz', 'run-1')).hint).toBe('`llmlab show run-1` lists its tests; name one by its id or its whole description');
  });
});
