/** A run's verdicts folded per (test, target): what the History page's flaky-tests table reads. */
import { afterEach, describe, expect, it } from 'vitest';
import { runTestVerdicts } from '../../src/store/test-history.js';
import type { AttackRecord } from '../../src/types.js';
import { storeRun, tempStore, verdictCell } from '../report/helpers.js';

let t: ReturnType<typeof tempStore>;
afterEach(() => t?.dispose());

describe('runTestVerdicts', () => {
  it('folds repeats per test and target, in suite order (then prompt, provider), with the first repeat’s cell id', () => {
    t = tempStore();
    const run = storeRun(t.store, [
      // Written out of order, as a concurrent run finishes cells.
      verdictCell('p', 'b', 1, 'pass', 1),
      verdictCell('p', 'a', 1, 'fail', 0),
      verdictCell('p', 'b', 1, 'fail', 0),
      verdictCell('p', 'a', 0, 'error', 0),
      verdictCell('p', 'a', 0, 'error', 1),
      verdictCell('p', 'a', 1, 'skipped', 1),
      { ...verdictCell('p', 'a', 0, 'fail', 2), description: 'zero' },
    ]);
    const v = runTestVerdicts(t.store.db, run.id);
    expect(v.runId).toBe(run.id);
    expect(v.testIds).toEqual(['t0', 't1', 't1']);
    expect(v.providerLabels).toEqual(['a', 'a', 'b']);
    expect(v.promptIds).toEqual(['p', 'p', 'p']);
    expect([...v.verdicts]).toEqual([3, 1, 2]);
    expect([...v.passes]).toEqual([0, 0, 1]);
    expect([...v.errors]).toEqual([2, 0, 0]);
    expect(v.cellIds).toEqual(['a:p:t0:0', 'a:p:t1:0', 'b:p:t1:0']);
    expect(v.descriptions).toEqual([null, null, null]);
  });

  it('leaves attack cells out, and answers an unknown run with nothing', () => {
    t = tempStore();
    const attack = { transcript: [], turns: 1 } as unknown as AttackRecord;
    const run = storeRun(t.store, [verdictCell('p', 'a', 0, 'pass'), { ...verdictCell('p', 'a', 1, 'fail'), attack }]);
    expect(runTestVerdicts(t.store.db, run.id).testIds).toEqual(['t0']);
    expect(runTestVerdicts(t.store.db, 'nope').testIds).toEqual([]);
  });
});
