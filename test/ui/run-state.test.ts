import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../src/types.js';
import { recentItems } from '../../src/ui/recent.js';
import { createRunState, FAILURE_LIMIT, LATENCY_WINDOW, reduceRun, type RunState } from '../../src/ui/run-state.js';
import { toViewModel } from '../../src/ui/view-model.js';
import { cell, end, nodeEnd, nodeStart, retry, start } from './events.js';

/** Folds events at the given times (ms); `at` defaults to 0 for every event. */
function fold(events: RunEvent[], at: (i: number) => number = () => 0, from: RunState = createRunState()): RunState {
  return events.reduce((state, event, i) => reduceRun(state, event, at(i)), from);
}

describe('run state reducer', () => {
  it('starts from run-start, counting resumed cells as done but apart', () => {
    const state = fold([start(10, 4)]);
    expect(state).toMatchObject({ status: 'running', runId: 'r1', totalCells: 10, doneCells: 4, resumedCells: 4 });
  });

  it('starts a resumed run from what its earlier attempts finished, and adds this attempt to it', () => {
    const resumed: RunEvent = {
      type: 'run-start',
      runId: 'r1',
      suitePath: '/suites/s.yaml',
      totalCells: 10,
      doneCells: 4,
      earlier: [
        { promptId: 'greeting', providerId: 'openai:gpt-4o-mini', providerLabel: 'openai:gpt-4o-mini', passed: 3, failed: 1, inputTokens: 40, outputTokens: 20, cost: 0.004, cachedCells: 1 },
      ],
    };
    const state = fold([resumed, nodeEnd(cell({ status: 'pass' }))]);
    expect(state).toMatchObject({ doneCells: 5, resumedCells: 4, passed: 4, failed: 1, failureCount: 1, cachedCells: 1, tokens: { input: 50, output: 25 } });
    expect(state.cost).toBeCloseTo(0.005);
    const vm = toViewModel(state, 1000);
    expect(vm.providers).toMatchObject([{ label: 'openai:gpt-4o-mini', completed: 5, inFlight: 0, cached: 1 }]);
    expect(vm.passRates).toMatchObject([{ promptId: 'greeting', passed: 4, n: 5 }]);
    // Throughput counts this attempt's cell only.
    expect(vm.cellsPerSec).toBe(1);
  });

  it('tracks calls in flight per provider from node-start to node-end; cache hits were never in flight', () => {
    const a = cell({ status: 'pass' });
    const b = cell({ status: 'fail', providerLabel: 'claude', providerId: 'anthropic:claude' });
    const mid = fold([start(2), nodeStart(a), nodeStart(b)]);
    expect(toViewModel(mid, 0).providers.map((p) => [p.label, p.inFlight])).toEqual([
      ['openai:gpt-4o-mini', 1],
      ['claude', 1],
    ]);
    const after = fold([nodeEnd(a), nodeEnd(b)], () => 0, mid);
    expect(toViewModel(after, 0).providers.map((p) => p.inFlight)).toEqual([0, 0]);
    expect(after).toMatchObject({ doneCells: 2, passed: 1, failed: 1, errors: 0 });
    const hit = fold([nodeEnd(cell({ status: 'pass', cached: true }))], () => 0, after);
    expect(toViewModel(hit, 0).providers[0]).toMatchObject({ inFlight: 0, completed: 2, cached: 1 });
    expect(after.providers.get('claude')!).toMatchObject({ completed: 1, errors: 0 });
  });

  it('is pure: folding never changes the state it was given', () => {
    const c = cell({ status: 'error', error: 'HTTP 500' });
    const before = fold([start(3), nodeStart(cell({ status: 'pass' })), nodeEnd(cell({ status: 'fail' }))]);
    const snapshot = (s: RunState) =>
      JSON.stringify({ ...s, providers: [...s.providers], targets: [...s.targets], retrying: [...s.retrying], failures: recentItems(s.failures, 100) });
    const frozen = snapshot(before);
    fold([nodeStart(c), retry(c, 500), nodeEnd(c), end()], () => 5, before);
    expect(snapshot(before)).toBe(frozen);
  });

  it('shows a retried cell as waiting during its backoff, then in flight again, and counts every retry', () => {
    const c = cell({ status: 'pass' });
    const state = fold([start(1), nodeStart(c), retry(c, 1000), retry(c, 2000, 2)], (i) => (i < 3 ? 0 : 100));
    expect(state.providers.get('openai:gpt-4o-mini')!.retries).toBe(2);
    // The second retry, at t=100, waits until t=2100.
    const waiting = toViewModel(state, 1500).providers[0]!;
    expect(waiting).toMatchObject({ inFlight: 0, retryWaiting: 1, retries: 2 });
    const calling = toViewModel(state, 2200).providers[0]!;
    expect(calling).toMatchObject({ inFlight: 1, retryWaiting: 0 });
    const done = fold([nodeEnd(c)], () => 2300, state);
    expect(toViewModel(done, 2300).providers[0]).toMatchObject({ inFlight: 0, retryWaiting: 0, completed: 1 });
  });

  it('tells apart two entries of one provider id by label, and counts a judge call\'s retry for the judge', () => {
    const cold = cell({ status: 'pass', providerId: 'openai:gpt-4o', providerLabel: 'cold' });
    const hot = cell({ status: 'pass', providerId: 'openai:gpt-4o', providerLabel: 'hot' });
    const judged = { ...retry(hot, 500), providerId: 'anthropic:judge' };
    const state = fold([start(2), nodeStart(cold), nodeStart(hot), retry(cold, 1000), judged]);
    const vm = toViewModel(state, 10);
    expect(vm.providers.map((p) => [p.label, p.inFlight, p.retryWaiting, p.retries])).toEqual([
      ['cold', 0, 1, 1],
      ['hot', 1, 0, 0],
      ['anthropic:judge', 0, 0, 1],
    ]);
  });

  it('keeps errors and failures with a one-line reason, newest last and capped', () => {
    const failed = cell({
      status: 'fail',
      assertions: [
        { type: 'contains', metric: 'contains', pass: true, score: 1, weight: 1 },
        { type: 'icontains', metric: 'icontains', pass: false, score: 0, weight: 1, reason: 'expected\n"hello"  in output' },
      ],
    });
    const errored = cell({ status: 'error', error: 'HTTP 503: overloaded (after 4 attempts)', output: '' });
    const state = fold([start(2), nodeStart(failed), nodeEnd(failed), nodeStart(errored), nodeEnd(errored)]);
    expect(recentItems(state.failures, FAILURE_LIMIT).map((f) => [f.status, f.reason])).toEqual([
      ['fail', 'icontains: expected "hello" in output'],
      ['error', 'HTTP 503: overloaded (after 4 attempts)'],
    ]);
    expect(state.providers.get('openai:gpt-4o-mini')!.errors).toBe(1);

    const many = Array.from({ length: FAILURE_LIMIT + 7 }, () => nodeEnd(cell({ status: 'fail' })));
    const capped = fold([start(100), ...many]);
    const kept = toViewModel(capped, 0).failures;
    expect(kept).toHaveLength(FAILURE_LIMIT);
    expect(capped.failureCount).toBe(FAILURE_LIMIT + 7);
    expect(kept.at(-1)!.cellId).toBe((many.at(-1) as { cell: { cellId: string } }).cell.cellId);
  });

  it('sums tokens and cost of real calls only; cache hits count as cached', () => {
    const paid = cell({ status: 'pass', cost: 0.25, usage: { input: 100, output: 50, total: 150 } });
    const hit = cell({ status: 'pass', cost: 0.25, usage: { input: 100, output: 50, total: 150 }, cached: true, latencyMs: 999 });
    const judged = cell({ status: 'pass', cost: 0, gradingCost: 0.5, cached: true });
    const state = fold([start(3), nodeEnd(paid), nodeEnd(hit), nodeEnd(judged)]);
    expect(state.cost).toBeCloseTo(0.75);
    expect(state.tokens).toEqual({ input: 100, output: 50 });
    expect(state.cachedCells).toBe(2);
    // A cache hit's latency is the original call's: not what this run waited.
    expect(recentItems(state.providers.get('openai:gpt-4o-mini')!.latencies, LATENCY_WINDOW)).toEqual([100]);
  });

  it('keeps a window of recent latencies for the p50', () => {
    const events = Array.from({ length: LATENCY_WINDOW + 50 }, (_, i) => nodeEnd(cell({ status: 'pass', latencyMs: i })));
    const state = fold([start(1000), ...events]);
    const latencies = recentItems(state.providers.get('openai:gpt-4o-mini')!.latencies, LATENCY_WINDOW);
    expect(latencies).toHaveLength(LATENCY_WINDOW);
    expect(latencies[0]).toBe(50);
    // Nearest-rank median of 50..249.
    expect(toViewModel(state, 0).providers[0]!.p50Ms).toBe(149);
  });

  it('ends with run-end: the status, the end time, and no backoff left', () => {
    const c = cell({ status: 'pass' });
    const state = fold([start(2), nodeStart(c), retry(c, 10_000), end('interrupted')], (i) => i * 100);
    expect(state).toMatchObject({ status: 'interrupted', startedAt: 0, endedAt: 300 });
    expect(state.retrying.size).toBe(0);
  });
});

describe('view-model', () => {
  it('computes progress, throughput over this attempt only, and ETA', () => {
    const cells = Array.from({ length: 10 }, () => nodeEnd(cell({ status: 'pass' })));
    const state = fold([start(40, 20), ...cells], (i) => (i === 0 ? 0 : 1000));
    const vm = toViewModel(state, 2000);
    expect(vm).toMatchObject({ done: 30, total: 40, fraction: 0.75, elapsedMs: 2000 });
    expect(vm.cellsPerSec).toBe(5); // 10 cells this attempt in 2 s; the 20 resumed ones do not count
    expect(vm.etaMs).toBe(2000);
  });

  it('gives each prompt × provider a pass rate with its Wilson interval; errors count against it, skips do not', () => {
    const events = [
      ...Array.from({ length: 3 }, () => nodeEnd(cell({ status: 'pass' }))),
      nodeEnd(cell({ status: 'error', error: 'boom' })),
      nodeEnd(cell({ status: 'skipped' })),
      nodeEnd(cell({ status: 'fail', promptId: 'other' })),
    ];
    const vm = toViewModel(fold([start(6), ...events]), 0);
    expect(vm.passRates).toHaveLength(2);
    const greeting = vm.passRates[0]!;
    expect(greeting).toMatchObject({ promptId: 'greeting', passed: 3, n: 4, rate: 0.75 });
    // Wilson 95 % for 3 of 4.
    expect(greeting.low).toBeCloseTo(0.3006, 3);
    expect(greeting.high).toBeCloseTo(0.9544, 3);
    expect(vm.passRates[1]).toMatchObject({ promptId: 'other', passed: 0, n: 1, rate: 0 });
  });

  it('puts attack cells on their own "attacks resisted" row, apart from a prompt named attack', () => {
    const attack = { family: 'jailbreak', strategy: 'plain', template: 't', severity: 'high' as const, owasp: [], maxSuccessRate: 0, transcript: [], turns: 1 };
    const events = [
      nodeEnd(cell({ status: 'pass', promptId: 'attack', attack })),
      nodeEnd(cell({ status: 'fail', promptId: 'attack', attack })),
      nodeEnd(cell({ status: 'pass', promptId: 'attack' })),
    ];
    const vm = toViewModel(fold([start(3), ...events]), 0);
    expect(vm.passRates.map((r) => [r.promptId, r.passed, r.n])).toEqual([
      ['attacks resisted', 1, 2],
      ['attack', 1, 1],
    ]);
    // The attack that got through is listed as such among the failures.
    expect(recentItems(fold([start(3), ...events]).failures, FAILURE_LIMIT).map((f) => f.promptId)).toEqual(['attack succeeded']);
  });

  it('shows nothing to do before the run starts, and no ETA before the first cell', () => {
    expect(toViewModel(createRunState(), 0)).toMatchObject({ status: 'waiting', fraction: 0, cellsPerSec: null });
    expect(toViewModel(fold([start(5)]), 100)).toMatchObject({ etaMs: null, cellsPerSec: null });
  });
});
