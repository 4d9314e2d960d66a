import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatEstimates } from '../../../src/report/console/estimate-lines.js';
import { summarizeRun } from '../../../src/report/summary.js';
import { storeRun, tempStore, verdictCell } from '../helpers.js';

let t: ReturnType<typeof tempStore>;
beforeEach(() => {
  t = tempStore();
});
afterEach(() => t.dispose());

const estimate = { label: 'bot', calls: 2, cached: 1, inputTokens: 100, method: 'approximate' as const, outputPerCall: 10, outputAssumed: false, priced: true, lowUsd: 0.001, worstUsd: 0.003 };

describe('summary.estimates', () => {
  it('is absent for runs that recorded no estimate', () => {
    const run = storeRun(t.store, [verdictCell('p', 'bot', 0, 'pass')]);
    expect(summarizeRun(t.store, run).estimates).toBeUndefined();
  });

  it('counts only calls that reported usage, compares per-call means when fewer were made, and prints nothing without calls', () => {
    const run = t.store.runs.create({
      suitePath: '/s.yaml', suiteHash: 'h', totalCells: 3,
      options: { concurrency: 1, repeat: 1, cache: true, llmlabVersion: 't', estimates: [estimate] },
    });
    const used = { ...verdictCell('p', 'bot', 0, 'pass'), usage: { input: 40, output: 7, total: 47 }, cost: 0.002 };
    const cached = { ...verdictCell('p', 'bot', 1, 'pass'), usage: { input: 999, output: 999, total: 1998 }, cost: 1, cached: true };
    const failed = { ...verdictCell('p', 'bot', 2, 'error') };
    [used, cached, failed].forEach((c, i) => t.store.results.put(run.id, c, i));
    const [e] = summarizeRun(t.store, run).estimates!;
    expect(e).toEqual({
      providerLabel: 'bot', method: 'approximate', estimatedCalls: 2, calls: 1, estimatedInputTokens: 100, actualInputTokens: 40,
      inputErrorPct: 25, outputBound: 20, outputPerCall: 10, outputAssumed: false, actualOutputTokens: 7,
      estimatedCost: { low: 0.001, high: 0.003 }, actualCost: 0.002, priced: true,
    });
    expect(formatEstimates([e!])).toEqual([
      'estimate vs actual (model calls; cached cells left out of both)',
      '  bot: 1 of 2 estimated calls; input ~100 est. (~4 chars/token) vs 40 (+25.0% per call); output ≤ 20 vs 7; cost $0.001–$0.003 vs $0.002',
    ]);
    expect(formatEstimates([{ ...e!, calls: 0 }])).toEqual([]);
  });
});
