/** The History page's cache: one read per run state, a new one when a run's results change. */
import { afterEach, expect, it } from 'vitest';
import { createHistoryCache } from '../../src/view/history-cache.js';
import { storeRun, tempStore, verdictCell } from '../report/helpers.js';

let t: ReturnType<typeof tempStore>;
afterEach(() => t?.dispose());

it('keeps the merged index while the runs are unchanged, and reads a run again once it changes', () => {
  t = tempStore();
  const a = storeRun(t.store, [verdictCell('p', 'm', 0, 'pass'), verdictCell('p', 'm', 1, 'pass')]);
  const b = storeRun(t.store, [verdictCell('p', 'm', 0, 'fail'), verdictCell('p', 'm', 1, 'pass')]);
  const cache = createHistoryCache();
  const first = cache.testHistory(t.store, [a, b]);
  expect(cache.testHistory(t.store, [a, b])).toBe(first);
  expect(first.rowCount).toBe(2);
  // A resume adds a cell to b: its fingerprint changes, so the index is built again and sees the new test.
  t.store.results.put(b.id, verdictCell('p', 'm', 2, 'fail'), 2);
  const second = cache.testHistory(t.store, [a, b]);
  expect(second).not.toBe(first);
  expect(second.rowCount).toBe(3);
  expect(cache.testHistory(t.store, [b]).runIds).toEqual([b.id]);
});
