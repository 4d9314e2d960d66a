import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLiveRun, type LiveRun } from '../../src/ui/live-run.js';
import { createPauseSwitch } from '../../src/ui/pause-gate.js';
import { fakeClock } from '../engine/fake-clock.js';
import { cell, end, nodeEnd, start } from './events.js';

let live: LiveRun | undefined;
// The throttle is timers and a clock: fake ones make every interval below exact, however loaded the machine.
beforeEach(() => vi.useFakeTimers());
afterEach(() => {
  live?.close();
  vi.useRealTimers();
});

describe('live run (the throttle between events and frames)', () => {
  it('folds every event but publishes one snapshot for a synchronous burst', () => {
    live = createLiveRun({ intervalMs: 50 });
    let published = 0;
    live.subscribe(() => published++);
    live.listener(start(10_000));
    for (let i = 0; i < 10_000; i++) live.listener(nodeEnd(cell({ status: 'pass' })));
    // Never synchronously, even for the first event.
    expect(published).toBe(0);
    expect(live.getSnapshot().done).toBe(0);
    vi.advanceTimersByTime(80);
    expect(published).toBe(1);
    expect(live.getSnapshot().done).toBe(10_000);
  });

  it('keeps the same snapshot object between publishes (React re-renders only on a new one)', () => {
    live = createLiveRun({ intervalMs: 20 });
    live.listener(start(2));
    vi.advanceTimersByTime(40);
    const first = live.getSnapshot();
    expect(live.getSnapshot()).toBe(first);
    live.listener(nodeEnd(cell({ status: 'pass' })));
    expect(live.getSnapshot()).toBe(first);
    vi.advanceTimersByTime(40);
    expect(live.getSnapshot()).not.toBe(first);
  });

  it('holds the ETA still while paused, and counts only unpaused time for throughput after a resume', () => {
    const clock = fakeClock(0);
    const pause = createPauseSwitch({ now: clock.now });
    live = createLiveRun({ now: clock.now, pause });
    live.listener(start(100));
    clock.advance(10_000);
    for (let i = 0; i < 10; i++) live.listener(nodeEnd(cell({ status: 'pass' })));
    live.flush();
    // 10 cells in 10 s: 1 cell/s, 90 to go.
    expect(live.getSnapshot().etaMs).toBe(90_000);
    pause.toggle();
    clock.advance(60_000);
    live.flush();
    expect(live.getSnapshot().etaMs).toBe(90_000);
    expect(live.getSnapshot().cellsPerSec).toBe(1);
    pause.toggle();
    clock.advance(10_000);
    live.flush();
    // 10 cells in 20 s of dispatch (the minute paused left out): 0.5 cell/s.
    expect(live.getSnapshot().cellsPerSec).toBe(0.5);
    expect(live.getSnapshot().etaMs).toBe(180_000);
  });

  it('republishes while idle so elapsed time and ETA move, and stops after run-end', () => {
    let clock = 0;
    live = createLiveRun({ intervalMs: 10, idleMs: 30, now: () => clock });
    let published = 0;
    live.subscribe(() => published++);
    live.listener(start(2));
    vi.advanceTimersByTime(20);
    expect(published).toBeGreaterThanOrEqual(1);
    clock = 5000;
    vi.advanceTimersByTime(80);
    expect(published).toBeGreaterThanOrEqual(2);
    expect(live.getSnapshot().elapsedMs).toBe(5000);
    live.listener(end());
    vi.advanceTimersByTime(30);
    const afterEnd = published;
    vi.advanceTimersByTime(100);
    expect(published).toBe(afterEnd);
    expect(live.getSnapshot().status).toBe('completed');
  });

  it('flush publishes the latest state at once (the final frame before unmount)', () => {
    live = createLiveRun({ intervalMs: 10_000 });
    live.listener(start(1));
    live.listener(nodeEnd(cell({ status: 'fail' })));
    live.flush();
    expect(live.getSnapshot()).toMatchObject({ done: 1, failed: 1 });
  });
});
