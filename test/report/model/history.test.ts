import { afterEach, describe, expect, it } from 'vitest';
import { historyRuns, suiteHistory } from '../../../src/report/model/history.js';
import { storedSummary } from '../../../src/report/stored-summary.js';
import { promptHash, type RunRecord } from '../../../src/store/index.js';
import { HISTORY_SUITE, passFirst, storeHistory, storeHistoryRun } from '../history-fixture.js';
import { tempStore } from '../helpers.js';

let t: ReturnType<typeof tempStore> | undefined;
afterEach(() => t?.dispose());

const summaryOf = (run: RunRecord) => storedSummary(t!.store, run);

describe('suiteHistory', () => {
  it('lists the pass rate per target per run, oldest first, with Wilson intervals', () => {
    t = tempStore();
    storeHistory(t.store, 4, (i) => ({ tests: 10, providers: ['bot-a', 'bot-b'], status: (test, _p, provider) => passFirst(provider === 'bot-a' ? 0.5 + i * 0.1 : 1, 10)(test) }));
    const history = suiteHistory(t.store, HISTORY_SUITE, { summaryOf });
    expect(history.runs).toHaveLength(4);
    expect(history.runs.map((r) => r.createdAt)).toEqual([...history.runs.map((r) => r.createdAt)].sort((a, b) => a - b));
    expect(history.series.map((s) => s.providerLabel)).toEqual(['bot-a', 'bot-b']);
    const a = history.series[0]!;
    expect(a.points.map((p) => p.value)).toEqual([0.5, 0.6, 0.7, 0.8].map((v) => expect.closeTo(v, 10)));
    expect(a.points[0]!.low).toBeLessThan(0.5);
    expect(a.points[0]!.high).toBeGreaterThan(0.5);
    expect(a.points[0]!.n).toBe(10);
    expect(history.metrics).toEqual(['icontains', 'quality']);
    expect(a.changePoints).toEqual([]);
  });

  it('finds the change point in a stored series with a shift, and none in a flat one', () => {
    t = tempStore();
    storeHistory(t.store, 12, (i) => ({ tests: 100, providers: ['shifts', 'flat'], status: (test, _p, provider) => passFirst(provider === 'shifts' && i >= 6 ? 0.6 : 0.85, 100)(test) }));
    const history = suiteHistory(t.store, HISTORY_SUITE, { summaryOf });
    const shifts = history.series.find((s) => s.providerLabel === 'shifts')!;
    expect(shifts.changePoints).toHaveLength(1);
    expect(shifts.changePoints[0]!.runIndex).toBe(6);
    expect(shifts.changePoints[0]!.runId).toBe(history.runs[6]!.id);
    expect(shifts.changePoints[0]!.shift).toBeCloseTo(-0.25, 10);
    expect(shifts.changePoints[0]!.pValue).toBeLessThanOrEqual(0.01);
    expect(history.series.find((s) => s.providerLabel === 'flat')!.changePoints).toEqual([]);
  });

  it('charts a metric mean with its interval, and a shift in it', () => {
    t = tempStore();
    storeHistory(t.store, 10, (i) => ({ tests: 100, status: () => 'pass', quality: (test) => (i < 5 ? 0.4 : 0.7) + (test % 10) / 100 }));
    const history = suiteHistory(t.store, HISTORY_SUITE, { summaryOf, metric: 'quality' });
    const s = history.series[0]!;
    expect(s.points[0]!.value).toBeCloseTo(0.445, 10);
    expect(s.points[0]!.low).toBeLessThan(0.445);
    expect(s.changePoints.map((c) => c.runIndex)).toEqual([5]);
    expect(s.changePoints[0]!.shift).toBeCloseTo(0.3, 10);
  });

  it('names each run’s prompt version by the label saved for its hash, else the short hash', () => {
    t = tempStore();
    const v1 = promptHash({ template: 'Answer: {{q}}' });
    const v2 = promptHash({ template: 'Answer briefly: {{q}}' });
    t.store.promptVersions.add({ suitePath: HISTORY_SUITE, promptId: 'answer', hash: v2, label: 'brief <v2>', file: '/suites/p.txt' });
    const runs = storeHistory(t.store, 5, (i) => ({
      tests: 20,
      status: passFirst(i < 3 ? 0.5 : 0.9, 20),
      ...(i === 0 ? {} : { options: { promptHashes: { answer: i < 3 ? v1 : v2 } } }),
    }));
    const history = suiteHistory(t.store, HISTORY_SUITE, { summaryOf });
    expect(history.runs[0]!.promptVersions).toEqual({});
    expect(history.runs[1]!.promptVersions.answer).toEqual({ hash: v1, label: v1.slice(0, 8), saved: false });
    expect(history.runs[3]!.promptVersions.answer).toEqual({ hash: v2, label: 'brief <v2>', saved: true });
    expect(history.versionChanges).toEqual([{ runIndex: 3, promptId: 'answer', from: history.runs[2]!.promptVersions.answer, to: history.runs[3]!.promptVersions.answer }]);
    const versions = history.series[0]!.versions;
    expect(versions.map((v) => [v.version.label, v.runs, v.passed, v.n])).toEqual([[v1.slice(0, 8), 2, 20, 40], ['brief <v2>', 2, 36, 40]]);
    expect(versions[1]!.passRate).toBeCloseTo(0.9, 10);
    expect(history.series[0]!.points[4]!.version?.label).toBe('brief <v2>');
    expect(runs).toHaveLength(5);
  });

  it('leaves out subsets, studio and unfinished runs unless include is all, and keeps the newest `limit`', () => {
    t = tempStore();
    storeHistory(t.store, 3, () => ({ tests: 4, status: () => 'pass' }));
    const at = Date.UTC(2026, 10, 10);
    storeHistoryRun(t.store, { createdAt: at, tests: 2, status: () => 'fail', options: { subset: { flags: '--first 2', select: { first: 2 }, cells: 2, suiteCells: 4 } } });
    storeHistoryRun(t.store, { createdAt: at + 1, tests: 4, status: () => 'fail', options: { studio: { promptId: 'answer', draftHash: 'x' } } });
    const interrupted = storeHistoryRun(t.store, { createdAt: at + 2, tests: 4, status: () => 'fail' });
    t.store.runs.setStatus(interrupted.id, 'interrupted');
    storeHistoryRun(t.store, { createdAt: at + 3, tests: 4, status: () => 'pass', suitePath: '/suites/other.yaml' });
    expect(historyRuns(t.store, HISTORY_SUITE, 'whole', 50).runs).toHaveLength(3);
    const all = suiteHistory(t.store, HISTORY_SUITE, { summaryOf, include: 'all' });
    expect(all.runs.map((r) => r.part)).toEqual([undefined, undefined, undefined, 'subset: --first 2', 'studio', 'interrupted']);
    const newest = historyRuns(t.store, HISTORY_SUITE, 'all', 2);
    expect(newest.runs.map((r) => r.id)).toEqual(all.runs.slice(-2).map((r) => r.id));
    expect(newest.olderRuns).toBe(4);
  });

  it('has no series for a suite without runs', () => {
    t = tempStore();
    const history = suiteHistory(t.store, '/nowhere.yaml', { summaryOf });
    expect(history.runs).toEqual([]);
    expect(history.series).toEqual([]);
  });
});
