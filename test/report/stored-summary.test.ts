/** Kept summaries: the JSON round trip equals summarizeRun's, and a run whose results change is summarized again. */
import { afterEach, describe, expect, it } from 'vitest';
import { hasStoredSummary, keepSummary, storedSummary } from '../../src/report/stored-summary.js';
import { summarizeRun } from '../../src/report/summary.js';
import { runFingerprint } from '../../src/store/index.js';
import { storeBaseline, storeCandidate } from './html-fixture.js';
import { tempStore, verdictCell } from './helpers.js';

let t: ReturnType<typeof tempStore>;
afterEach(() => t?.dispose());

describe('storedSummary', () => {
  it('keeps a summary equal to summarizeRun and reads it back', () => {
    t = tempStore();
    storeBaseline(t.store);
    const run = storeCandidate(t.store);
    expect(hasStoredSummary(t.store, run)).toBe(false);
    const built = storedSummary(t.store, run);
    expect(hasStoredSummary(t.store, run)).toBe(true);
    expect(storedSummary(t.store, run)).toEqual(built);
    expect(JSON.parse(JSON.stringify(summarizeRun(t.store, run)))).toEqual(built);
  });

  it('builds a new summary once the run has more results (a resume, a merge)', () => {
    t = tempStore();
    const run = t.store.runs.create({ suitePath: '/s.yaml', suiteHash: 'h', totalCells: 2, options: { concurrency: 1, repeat: 1, cache: true, llmlabVersion: 't' } });
    t.store.results.put(run.id, verdictCell('p', 'm', 0, 'pass'), 0);
    const before = runFingerprint(t.store.db, run.id);
    expect(storedSummary(t.store, run).cells).toBe(1);
    t.store.results.put(run.id, verdictCell('p', 'm', 1, 'fail'), 1);
    expect(runFingerprint(t.store.db, run.id)).not.toBe(before);
    expect(hasStoredSummary(t.store, run)).toBe(false);
    expect(storedSummary(t.store, run).cells).toBe(2);
  });

  it('keepSummary stores what the caller printed, gate verdict included', () => {
    t = tempStore();
    const run = storeCandidate(t.store);
    const summary = summarizeRun(t.store, run);
    keepSummary(t.store, run, { ...summary, gate: { ...summary.gate, reasons: ['printed by eval'] } });
    expect(storedSummary(t.store, run).gate.reasons).toEqual(['printed by eval']);
  });

  it('a summary that cannot be kept (the database refuses writes) is still served', () => {
    t = tempStore();
    const run = storeCandidate(t.store);
    t.store.db.pragma('query_only = ON');
    expect(storedSummary(t.store, run).cells).toBeGreaterThan(0);
    expect(() => keepSummary(t.store, run, summarizeRun(t.store, run))).not.toThrow();
  });
});
