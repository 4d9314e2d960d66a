/**
 * What the History page keeps between requests: each run's per-test verdicts (one pass over a 100,000-cell run's
 * rows costs ~150 ms, and a finished run's verdicts never change) and the merged index of the last few run sets,
 * so paging and searching the flaky-tests table is a filter and a slice; and the suite histories built last (their
 * change points cost thousands of simulations). Entries are keyed by the run's
 * fingerprint (status, cell count, last row), so a resumed or merged run is read again.
 */
import type { SuiteHistory } from '../report/model/history.js';
import { buildTestHistory, type TestHistoryIndex } from '../report/model/test-history.js';
import { runFingerprint, type RunRecord, type Store } from '../store/index.js';
import { runTestVerdicts, type RunTestVerdicts } from '../store/test-history.js';

/** Entries (test × target per run) kept at most: about 60 MB for 2 million. */
const MAX_ENTRIES = 2_000_000;
/** Merged indexes kept (suite × include × run window), and suite histories (× metric). */
const MAX_INDEXES = 4;
const MAX_HISTORIES = 16;

/** A per-session cache of runs' verdicts and merged indexes. */
export interface HistoryCache {
  /** The merged verdict index of `runs` (oldest first). */
  testHistory(store: Store, runs: readonly RunRecord[]): TestHistoryIndex;
  /**
   * The suite history `build` makes for `runs` and `params` (suite, metric, …), kept while the runs' results are
   * unchanged: its change-point tests run thousands of simulations per series.
   */
  suiteHistory(store: Store, runs: readonly RunRecord[], params: string, build: () => SuiteHistory): SuiteHistory;
}

/** An empty cache; the History routes hold one per server. */
export function createHistoryCache(): HistoryCache {
  // Map iteration order is insertion order: re-inserting on use makes the first key the least recently used.
  const perRun = new Map<string, RunTestVerdicts>();
  const indexes = new Map<string, TestHistoryIndex>();
  const histories = new Map<string, SuiteHistory>();
  let entries = 0;
  const keysOf = (store: Store, runs: readonly RunRecord[]) => runs.map((run) => `${run.id}\u0000${runFingerprint(store.db, run.id)}`);

  function touch<V>(map: Map<string, V>, key: string, value: V): void {
    map.delete(key);
    map.set(key, value);
  }

  function verdictsOf(store: Store, run: RunRecord, key: string): RunTestVerdicts {
    const kept = perRun.get(key);
    if (kept) {
      touch(perRun, key, kept);
      return kept;
    }
    const fresh = runTestVerdicts(store.db, run.id);
    perRun.set(key, fresh);
    entries += fresh.testIds.length;
    for (const [oldKey, old] of perRun) {
      if (entries <= MAX_ENTRIES || oldKey === key) break;
      perRun.delete(oldKey);
      entries -= old.testIds.length;
    }
    return fresh;
  }

  return {
    testHistory(store, runs) {
      const keys = keysOf(store, runs);
      const indexKey = keys.join('\u0001');
      const kept = indexes.get(indexKey);
      if (kept) {
        touch(indexes, indexKey, kept);
        return kept;
      }
      const index = buildTestHistory(runs.map((run, i) => verdictsOf(store, run, keys[i]!)));
      indexes.set(indexKey, index);
      if (indexes.size > MAX_INDEXES) indexes.delete(indexes.keys().next().value!);
      return index;
    },
    suiteHistory(store, runs, params, build) {
      const key = `${params}\u0001${keysOf(store, runs).join('\u0001')}`;
      const kept = histories.get(key);
      if (kept) {
        touch(histories, key, kept);
        return kept;
      }
      const history = build();
      histories.set(key, history);
      if (histories.size > MAX_HISTORIES) histories.delete(histories.keys().next().value!);
      return history;
    },
  };
}
