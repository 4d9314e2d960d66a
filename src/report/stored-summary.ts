/**
 * A run's summary kept in the store (`run_summaries`): `llmlab eval` keeps the one it printed, and `llmlab view`
 * builds one once per state of a run's results instead of once per page (a 100,000-cell summary takes over a
 * second). A kept summary is the JSON round trip of summarizeRun's, which holds only plain data.
 */
import { runFingerprint, type RunRecord, type Store } from '../store/index.js';
import { summarizeRun, type RunSummary } from './summary.js';

/** Keeps `summary` as the summary of `run`'s results as they are now. A failed write only costs a later rebuild. */
export function keepSummary(store: Store, run: RunRecord, summary: RunSummary): void {
  try {
    store.summaries.put(run.id, runFingerprint(store.db, run.id), JSON.stringify(summary));
  } catch {
    // A locked or full database: the summary was already shown; the view builds it again when it needs it.
  }
}

/** The kept summary of `run` when its results have not changed since; otherwise builds and keeps a new one. */
export function storedSummary(store: Store, run: RunRecord): RunSummary {
  const fingerprint = runFingerprint(store.db, run.id);
  const kept = store.summaries.get(run.id, fingerprint);
  if (kept !== undefined) return JSON.parse(kept) as RunSummary;
  const summary = summarizeRun(store, run);
  try {
    store.summaries.put(run.id, fingerprint, JSON.stringify(summary));
  } catch {
    // Read-only or locked: serve the summary without keeping it.
  }
  return summary;
}

/** The kept summary of `run`'s current results, or undefined when there is none (nothing is built). */
export function keptSummary(store: Store, run: RunRecord): RunSummary | undefined {
  const kept = store.summaries.get(run.id, runFingerprint(store.db, run.id));
  return kept === undefined ? undefined : (JSON.parse(kept) as RunSummary);
}

/** Whether `run` has a kept summary of its current results (no build needed to show it). */
export function hasStoredSummary(store: Store, run: RunRecord): boolean {
  return store.summaries.get(run.id, runFingerprint(store.db, run.id)) !== undefined;
}
