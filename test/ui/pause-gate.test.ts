import { getEventListeners } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ProjectConfig } from '../../src/config/types.js';
import { createEventBus } from '../../src/engine/events.js';
import { runSuite } from '../../src/engine/run.js';
import { openStore, type Store } from '../../src/store/index.js';
import type { RunEvent } from '../../src/types.js';
import { createPauseSwitch } from '../../src/ui/pause-gate.js';
import { startFakeOpenAI, type FakeServer } from '../fakes/index.js';
import { makeSuite, provider, tests } from '../engine/make-suite.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Lets every callback already due run (promise reactions, I/O): what can happen now has happened. */
const settle = () => new Promise((r) => setImmediate(r));

/** Polls until `check` holds; the deadline only bounds a broken build. */
async function until(check: () => boolean, what: string): Promise<void> {
  for (const deadline = Date.now() + 10_000; !check(); await sleep(5)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
  }
}

describe('pause switch', () => {
  it('lets waiters through only on resume or when their signal aborts', async () => {
    const gate = createPauseSwitch();
    const stop = new AbortController();
    await gate.wait(stop.signal); // not paused: immediate
    expect(gate.toggle()).toBe(true);
    let released = 0;
    void gate.wait(stop.signal).then(() => released++);
    void gate.wait(stop.signal).then(() => released++);
    await settle();
    expect(released).toBe(0);
    expect(gate.toggle()).toBe(false);
    await settle();
    expect(released).toBe(2);

    gate.toggle();
    const stopped = gate.wait(stop.signal).then(() => 'released');
    stop.abort();
    expect(await stopped).toBe('released');
    expect(gate.paused).toBe(true);
    await gate.wait(stop.signal); // an aborted signal never waits
  });
});

describe('pause switch listeners', () => {
  it('adds one abort listener to a stop signal however many workers wait on it (no MaxListenersExceededWarning)', async () => {
    const gate = createPauseSwitch();
    const stop = new AbortController();
    gate.toggle();
    const waits = Array.from({ length: 16 }, () => gate.wait(stop.signal));
    expect(getEventListeners(stop.signal, 'abort')).toHaveLength(1);
    gate.toggle();
    await Promise.all(waits);
    // Released on resume: nothing left behind on a signal that lives as long as the run.
    expect(getEventListeners(stop.signal, 'abort')).toHaveLength(0);
    gate.toggle();
    const again = Array.from({ length: 16 }, () => gate.wait(stop.signal));
    stop.abort();
    await Promise.all(again);
  });

  it('measures the time spent paused on its clock', () => {
    let now = 0;
    const gate = createPauseSwitch({ now: () => now });
    now = 100;
    gate.toggle();
    now = 350;
    expect(gate.pausedMs(now)).toBe(250);
    gate.resume();
    now = 1000;
    expect(gate.pausedMs(now)).toBe(250);
  });
});

describe('pausing a run', () => {
  let dir: string;
  let store: Store;
  let server: FakeServer;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'llmlab-pause-'));
    store = openStore(join(dir, 'llmlab.db'));
    server = await startFakeOpenAI({ latencyMs: 30 });
  });
  afterEach(async () => {
    store.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const project = (): ProjectConfig => ({
    root: dir,
    suites: [],
    db: join(dir, 'llmlab.db'),
    concurrency: 2,
    timeoutMs: 5000,
    maxRetries: 0,
    outputDir: 'reports',
  });

  function start(pause: ReturnType<typeof createPauseSwitch>, stop = new AbortController()) {
    const events = createEventBus();
    const seen: RunEvent[] = [];
    events.on((e) => seen.push(e));
    const suite = makeSuite({
      providers: [provider('openai:gpt-4o-mini', { baseUrl: `${server.url}/v1` })],
      tests: tests(Array.from({ length: 12 }, (_, i) => `q${i}`)),
    });
    const outcome = runSuite({
      suite,
      project: project(),
      store,
      env: {},
      events,
      concurrency: 2,
      cache: false,
      stop: stop.signal,
      abort: new AbortController().signal,
      pause,
      llmlabVersion: 'test',
    });
    return { outcome, seen };
  }

  it('takes no new cell while paused; calls in flight finish; resume completes the run', async () => {
    const pause = createPauseSwitch();
    const { outcome, seen } = start(pause);
    const count = (type: RunEvent['type']) => seen.filter((e) => e.type === type).length;
    const ends = () => count('node-end');
    await until(() => ends() >= 4, 'four cells');
    pause.toggle();
    const atPause = server.requests.length;
    // The calls in flight at the pause finish (a cell emits node-start as its call goes out).
    await until(() => ends() === count('node-start'), 'the calls in flight');
    // At most the two calls that were in flight (concurrency 2) were sent after the pause.
    expect(server.requests.length - atPause).toBeLessThanOrEqual(2);
    const held = server.requests.length;
    expect(ends()).toBe(held);
    // A window in which nothing may happen: no new call while paused.
    await sleep(100);
    expect(server.requests.length).toBe(held);
    pause.toggle();
    const result = await outcome;
    expect(result.status).toBe('completed');
    expect(server.requests).toHaveLength(12);
  });

  it('a stop while paused ends the run at once, interrupted and resumable', async () => {
    const pause = createPauseSwitch();
    pause.toggle();
    const stop = new AbortController();
    const { outcome, seen } = start(pause, stop);
    // A window in which nothing may happen: no call while paused.
    await sleep(100);
    expect(server.requests).toHaveLength(0);
    stop.abort();
    const result = await outcome;
    expect(result.status).toBe('interrupted');
    expect(seen.filter((e) => e.type === 'node-end')).toHaveLength(0);
    expect(store.runs.latestUnfinished('/virtual/suite.yaml')?.id).toBe(result.run.id);
  });
});
