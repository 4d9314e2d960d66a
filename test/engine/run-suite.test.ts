import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ProjectConfig, ResolvedSuite } from '../../src/config/types.js';
import { createEventBus } from '../../src/engine/events.js';
import { runSuite } from '../../src/engine/run.js';
import { openStore, type Store } from '../../src/store/index.js';
import type { RunEvent } from '../../src/types.js';
import { startFakeOpenAI, type FakeServer } from '../fakes/index.js';
import { assertion, makeSuite, provider, tests } from './make-suite.js';
import { runInStore, testProject } from './run-in-store.js';

let dir: string;
let store: Store;
let servers: FakeServer[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'llmlab-run-'));
  store = openStore(join(dir, 'llmlab.db'));
});
afterEach(async () => {
  vi.useRealTimers();
  store.close();
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
  rmSync(dir, { recursive: true, force: true });
});

const project = (): ProjectConfig => testProject(dir);

function run(suite: ResolvedSuite, extra: Partial<Parameters<typeof runSuite>[0]> = {}) {
  return runInStore(store, dir, suite, extra);
}

async function fakeOpenAI(options: Parameters<typeof startFakeOpenAI>[0] = {}) {
  const server = await startFakeOpenAI(options);
  servers.push(server);
  return server;
}

describe('runSuite', () => {
  it('runs providers × prompts × tests × repeat, grades and stores every cell', async () => {
    const suite = makeSuite({
      providers: [provider('echo'), provider('mock:m', { default: 'no' }, {}, 'm')],
      tests: tests(['alpha', 'beta'], [assertion('icontains', 'ALPHA')]),
      repeat: 2,
    });
    const { outcome, seen, cells } = await run(suite);
    expect(outcome.status).toBe('completed');
    expect(cells).toHaveLength(8);
    const echoAlpha = cells.filter((c) => c.providerId === 'echo' && c.vars.question === 'alpha');
    expect(echoAlpha.map((c) => [c.status, c.output, c.repeatIndex])).toEqual([
      ['pass', 'Q: alpha', 0],
      ['pass', 'Q: alpha', 1],
    ]);
    expect(cells.filter((c) => c.providerLabel === 'm').every((c) => c.status === 'fail')).toBe(true);
    expect(seen[0]).toMatchObject({ type: 'run-start', totalCells: 8, doneCells: 0 });
    expect(seen.at(-1)).toMatchObject({ type: 'run-end', status: 'completed' });
    expect(store.runs.get(outcome.run.id)?.status).toBe('completed');
  });

  it('stores each cell with its test\'s cluster', async () => {
    const [a, b] = tests(['one', 'two']);
    const suite = makeSuite({ providers: [provider('echo')], tests: [{ ...a!, cluster: 'docs' }, b!] });
    const { cells } = await run(suite);
    expect(cells.map((c) => [c.testId, c.cluster])).toEqual([['t0', 'docs'], ['t1', undefined]]);
  });

  it('answers a second run from the cache without calling the model', async () => {
    const server = await fakeOpenAI();
    const suite = makeSuite({
      providers: [provider('openai:gpt-4o-mini', { baseUrl: `${server.url}/v1` })],
      tests: tests(['a', 'b', 'c']),
    });
    const first = await run(suite);
    expect(first.outcome.stats.calls).toBe(3);
    expect(first.cells.every((c) => !c.cached && c.cost > 0)).toBe(true);
    const second = await run(suite);
    expect(second.outcome.stats).toMatchObject({ calls: 0, cacheHits: 3 });
    expect(second.cells.every((c) => c.cached)).toBe(true);
    expect(second.cells.map((c) => c.output)).toEqual(first.cells.map((c) => c.output));
    expect(server.requests).toHaveLength(3);
    const third = await run(suite, { cache: false });
    expect(third.outcome.stats.calls).toBe(3);
  });

  it('honours Retry-After on 429 and retries 5xx, then succeeds', async () => {
    const server = await fakeOpenAI({ failures: [{ status: 429, retryAfter: '0' }, { status: 500 }] });
    const suite = makeSuite({
      providers: [provider('openai:gpt-4o-mini', { baseUrl: `${server.url}/v1` }, { maxRetries: 3 })],
      tests: tests(['a']),
    });
    const { cells, seen } = await run(suite);
    expect(cells[0]!.status).toBe('pass');
    const retries = seen.filter((e) => e.type === 'retry');
    expect(retries).toHaveLength(2);
    expect(retries[0]).toMatchObject({ attempt: 1, delayMs: 0 });
    expect(server.requests).toHaveLength(3);
  });

  it('records an error cell after the last retry, and never caches it', async () => {
    const server = await fakeOpenAI({ failures: [{ status: 429, retryAfter: '0' }, { status: 429, retryAfter: '0' }] });
    const suite = makeSuite({
      providers: [provider('openai:gpt-4o-mini', { baseUrl: `${server.url}/v1` }, { maxRetries: 1 })],
      tests: tests(['a']),
    });
    const first = await run(suite);
    expect(first.cells[0]).toMatchObject({ status: 'error' });
    expect(first.cells[0]!.error).toMatch(/after 2 attempts/);
    const second = await run(suite);
    expect(second.cells[0]!.status).toBe('pass');
    expect(second.cells[0]!.cached).toBe(false);
  });

  it('does not retry a 400', async () => {
    const server = await fakeOpenAI({ failures: [{ status: 400, message: 'bad request body' }] });
    const suite = makeSuite({
      providers: [provider('openai:gpt-4o-mini', { baseUrl: `${server.url}/v1` })],
      tests: tests(['a']),
    });
    const { cells } = await run(suite);
    expect(cells[0]!.status).toBe('error');
    expect(server.requests).toHaveLength(1);
  });

  it('times out a slow call and reports it', async () => {
    // A minute-long answer: a timeout that did not fire would fail this test by its own time limit, not a clock.
    const suite = makeSuite({
      providers: [provider('mock', { latencyMs: 60_000 }, { timeoutMs: 50, maxRetries: 0 })],
      tests: tests(['a']),
    });
    const { cells } = await run(suite);
    expect(cells[0]).toMatchObject({ status: 'error', error: 'timed out after 50 ms' });
  });

  it('keeps model calls in flight within -j and the provider concurrency', async () => {
    // Measured at the server: what matters is how many requests a provider really sees at once.
    let inFlight = 0;
    let peak = 0;
    const server = createServer((req, res) => {
      peak = Math.max(peak, ++inFlight);
      req.resume();
      setTimeout(() => {
        inFlight--;
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ output: 'ok' }));
      }, 15);
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    const http = (label: string, limits = {}) =>
      provider('http', { url, body: { q: '{{ prompt }}', who: label }, responsePath: 'output' }, limits, label);
    try {
      const many = tests(Array.from({ length: 12 }, (_, i) => `q${i}`));
      await run(makeSuite({ providers: [http('a'), http('b')], tests: many }), { concurrency: 3, cache: false });
      expect(peak).toBe(3);
      peak = 0;
      await run(makeSuite({ providers: [http('a', { concurrency: 1 })], tests: many }), { concurrency: 8, cache: false });
      expect(peak).toBe(1);
    } finally {
      server.close();
    }
  });

  it('keeps many calls in flight without a MaxListenersExceededWarning', async () => {
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on('warning', onWarning);
    try {
      const suite = makeSuite({ providers: [provider('mock', { latencyMs: 30 })], tests: tests(Array.from({ length: 40 }, (_, i) => `q${i}`)) });
      await run(suite, { concurrency: 32, cache: false });
      await new Promise((r) => setTimeout(r, 10)); // warnings are emitted on the next tick
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings.map((w) => w.name)).not.toContain('MaxListenersExceededWarning');
  });

  it('spaces calls to respect a requests-per-minute limit', async () => {
    // A fake clock for the limiter's waits: the spacing is read off it exactly, however loaded the machine.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const suite = makeSuite({
      providers: [provider('echo', {}, { rpm: 600 })],
      tests: tests(['a', 'b', 'c', 'd']),
    });
    const events = createEventBus();
    const starts: number[] = [];
    events.on((e) => void (e.type === 'node-start' && starts.push(Date.now())));
    let finished = false;
    const done = run(suite, { cache: false, events }).finally(() => (finished = true));
    while (!finished) await vi.advanceTimersByTimeAsync(10);
    await done;
    // 600 rpm = one call every 100 ms.
    expect(starts).toHaveLength(4);
    expect(starts.slice(1).map((at, i) => at - starts[i]!).filter((gap) => gap < 100)).toEqual([]);
  });

  it('stops dispatching on stop, saves what finished, and resumes without calling a finished cell again', async () => {
    const server = await fakeOpenAI({ latencyMs: 20 });
    const suite = makeSuite({
      providers: [provider('openai:gpt-4o-mini', { baseUrl: `${server.url}/v1` })],
      tests: tests(Array.from({ length: 20 }, (_, i) => `q${i}`)),
    });
    const stop = new AbortController();
    const events = createEventBus();
    let ended = 0;
    events.on((e) => {
      if (e.type === 'node-end' && ++ended === 3) stop.abort();
    });
    const first = await runSuite({
      suite, project: project(), store, env: {}, events, concurrency: 2, cache: true,
      stop: stop.signal, abort: new AbortController().signal, llmlabVersion: 'test',
    });
    expect(first.status).toBe('interrupted');
    const saved = store.results.count(first.run.id);
    expect(saved).toBeGreaterThanOrEqual(3);
    expect(saved).toBeLessThan(20);
    const callsBefore = server.requests.length;

    store.cache.clear(); // prove the resume skips finished cells by the results, not by luck of the cache
    const resumedEvents = createEventBus();
    const starts: RunEvent[] = [];
    resumedEvents.on((e) => void (e.type === 'run-start' && starts.push(e)));
    const resumed = await run(suite, { resume: true, events: resumedEvents });
    expect(resumed.outcome.run.id).toBe(first.run.id);
    expect(resumed.outcome.resumedCells).toBe(saved);
    // The live view starts from the stored verdicts: run-start carries them per prompt × provider.
    expect(starts).toMatchObject([{ doneCells: saved, earlier: [{ providerLabel: 'openai:gpt-4o-mini' }] }]);
    const earlier = starts[0]!.type === 'run-start' ? starts[0]!.earlier ?? [] : [];
    expect(earlier.reduce((n, t) => n + t.passed + t.failed, 0)).toBe(saved);
    expect(resumed.cells).toHaveLength(20);
    expect(server.requests.length - callsBefore).toBe(20 - saved);
    expect(store.runs.get(first.run.id)?.status).toBe('completed');
  });

  it('cancels calls in flight on abort (second Ctrl-C) without recording them as errors', async () => {
    // Minute-long calls: a run that waited them out would fail this test by its own time limit, not a clock.
    const suite = makeSuite({ providers: [provider('mock', { latencyMs: 60_000 })], tests: tests(['a', 'b', 'c']) });
    const stop = new AbortController();
    const abort = new AbortController();
    const events = createEventBus();
    let started = 0;
    // Once all three calls are in flight: Ctrl-C twice (from outside the executor's call stack, as a signal does).
    events.on((e) => {
      if (e.type === 'node-start' && ++started === 3) {
        setImmediate(() => {
          stop.abort();
          abort.abort();
        });
      }
    });
    const outcome = await runSuite({
      suite, project: project(), store, env: {}, events, concurrency: 8, cache: true,
      stop: stop.signal, abort: abort.signal, llmlabVersion: 'test',
    });
    expect(outcome.status).toBe('interrupted');
    expect(store.results.count(outcome.run.id)).toBe(0);
  });

  it('refuses to resume a run of a changed suite, and says when there is nothing to resume', async () => {
    const suite = makeSuite({ providers: [provider('echo')], tests: tests(['a']) });
    await expect(run(suite, { resume: true })).rejects.toMatchObject({ code: 'RUN_NOT_FOUND' });
    const stop = new AbortController();
    stop.abort();
    const first = await runSuite({
      suite, project: project(), store, env: {}, events: createEventBus(), concurrency: 1, cache: true,
      stop: stop.signal, abort: new AbortController().signal, llmlabVersion: 'test',
    });
    expect(first.status).toBe('interrupted');
    await expect(run({ ...suite, hash: 'changed' }, { resume: first.run.id })).rejects.toThrow(/different version/);
  });

  it('fails before any call when a test lacks a variable the prompt uses', async () => {
    const server = await fakeOpenAI();
    const suite = makeSuite({
      providers: [provider('openai:gpt-4o-mini', { baseUrl: `${server.url}/v1` })],
      tests: [...tests(['a']), { id: 'x', index: 1, description: 'no question', vars: { other: 1 }, assert: [] }],
    });
    await expect(run(suite)).rejects.toMatchObject({ code: 'TEMPLATE_ERROR' });
    await expect(run(suite)).rejects.toThrow(/prompt `p` for test 2 \(no question\): uses a variable the test does not define/);
    expect(server.requests).toHaveLength(0);
  });
});
