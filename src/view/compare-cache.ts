/**
 * Comparisons the Compare page computed, kept in memory: comparing two 100,000-cell runs reads both runs whole,
 * and the page, its list and every page of the list need the same result. Kept per pair of runs with both runs'
 * fingerprints, so a run that changed since (a resume, a merge) is compared again; a few pairs at most, the
 * least recently used dropped first.
 */
import { tryCompareRuns, type NothingInCommon, type RunComparison } from '../report/compare/compare-runs.js';
import { runFingerprint, type RunRecord, type Store } from '../store/index.js';
import { buildPairIndex, type PairIndex } from './compare-index.js';

/** Pairs of runs kept: each holds a comparison and an index of a few MB at 100,000 cells. */
export const COMPARE_CACHE_ENTRIES = 4;

interface Entry {
  fingerprint: string;
  comparison?: RunComparison | NothingInCommon;
  index?: PairIndex;
}

/** The cache of one view server; each part of an entry is computed when first asked for. */
export interface CompareCache {
  comparison(a: RunRecord, b: RunRecord): RunComparison | NothingInCommon;
  index(a: RunRecord, b: RunRecord): PairIndex;
}

/** A cache of at most `limit` pairs of runs, over `store`. */
export function createCompareCache(store: Store, limit = COMPARE_CACHE_ENTRIES): CompareCache {
  const entries = new Map<string, Entry>();
  const entry = (a: RunRecord, b: RunRecord): Entry => {
    const key = `${a.id}\0${b.id}`;
    const fingerprint = `${runFingerprint(store.db, a.id)}\0${runFingerprint(store.db, b.id)}`;
    let found = entries.get(key);
    entries.delete(key);
    if (!found || found.fingerprint !== fingerprint) found = { fingerprint };
    entries.set(key, found);
    for (const oldest of entries.keys()) {
      if (entries.size <= limit) break;
      entries.delete(oldest);
    }
    return found;
  };
  return {
    comparison: (a, b) => {
      const e = entry(a, b);
      return (e.comparison ??= tryCompareRuns(store, a, b));
    },
    index: (a, b) => {
      const e = entry(a, b);
      return (e.index ??= buildPairIndex(store.db, a.id, b.id));
    },
  };
}
