/**
 * `tpm` in a real run against the fake OpenAI server (real HTTP on 127.0.0.1), on a fake clock: what the server
 * received, and when, is compared with what the window allows. Time moves only when the test moves it, so a call
 * that goes out without the clock moving went out because the window had room.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ResolvedSuite } from '../../src/config/types.js';
import { loadInputCounter } from '../../src/engine/estimate.js';
import { createEventBus } from '../../src/engine/events.js';
import { TPM_WINDOW_MS } from '../../src/engine/limits-tokens.js';
import { openStore, type Store } from '../../src/store/index.js';
import { echoAnswer, startFakeOpenAI, type FakeServer } from '../fakes/index.js';
import { fakeClock, type FakeClock } from './fake-clock.js';
import { makeSuite, provider, tests } from './make-suite.js';
import { runInStore } from './run-in-store.js';

const MAX_TOKENS = 100;
const QUESTIONS = Array.from({ length: 10 }, (_, i) => `q${i}`);

let dir: string;
let store: Store;
let server: FakeServer;
/** The most requests the server had open at once: counted when each is answered. */
let mostOpen: number;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'llmlab-tpm-'));
  store = openStore(join(dir, 'llmlab.db'));
  mostOpen = 0;
  let answered = 0;
  server = await startFakeOpenAI({ latencyMs: 20 });
  server.setBehaviour({
    answer: (body) => {
      mostOpen = Math.max(mostOpen, server.requests.length - answered++);
      return echoAnswer(body);
    },
  });
});
afterEach(async () => {
  store.close();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The engine's estimate of one call: the prompt counted as the executor counts it, plus `maxTokens`. */
async function estimateOf(question: string): Promise<number> {
  const { count } = await loadInputCounter('openai', 'gpt-4o-mini');
  return count([{ role: 'user', content: `Q: ${question}` }]) + MAX_TOKENS;
}

function suiteWith(tpm: number, questions: string[]): ResolvedSuite {
  const config = { baseUrl: `${server.url}/v1`, maxTokens: MAX_TOKENS };
  return makeSuite({ providers: [provider('openai:gpt-4o-mini', config, { tpm })], tests: tests(questions) });
}

/** Starts a run on `clock` (8 calls may be in flight: only tpm holds them back) and counts finished cells. */
function start(suite: ResolvedSuite, clock: FakeClock) {
  const events = createEventBus();
  const progress = { ended: 0 };
  events.on((event) => {
    if (event.type === 'node-end') progress.ended++;
  });
  const done = runInStore(store, dir, suite, { events, clock, concurrency: 8 });
  return { done, progress };
}

describe('tpm in a run', () => {
  it('holds calls back until the window has room, a minute after the calls it waits for were sent', async () => {
    const estimate = await estimateOf('q0');
    // Two estimates fit, three do not; every answer uses its whole maxTokens, so a correction frees nothing.
    const tpm = 2 * estimate + 10;
    server.setBehaviour({ answer: (body) => 'word '.repeat(3 * MAX_TOKENS) + echoAnswer(body) });
    const clock = fakeClock();
    const { done, progress } = start(suiteWith(tpm, QUESTIONS.slice(0, 6)), clock);

    const seen: number[] = [];
    for (let minute = 0; minute < 2; minute++) {
      // Held: the finished calls are in, and the next waits on the clock for the oldest one to leave the window.
      await vi.waitFor(() => expect([progress.ended, clock.sleepers]).toEqual([2 * (minute + 1), 1]), { timeout: 10_000 });
      seen.push(server.requests.length);
      clock.advance(TPM_WINDOW_MS);
    }
    const { outcome, cells } = await done;
    seen.push(server.requests.length);

    expect(seen).toEqual([2, 4, 6]);
    expect(mostOpen).toBeLessThanOrEqual(2);
    expect(outcome.status).toBe('completed');
    expect(cells.map((c) => c.usage?.output)).toEqual(Array(6).fill(MAX_TOKENS));
  });

  it('charges each call the usage it reports, so short answers let the rest through without the clock moving', async () => {
    const estimate = await estimateOf('q0');
    for (const question of QUESTIONS) expect(await estimateOf(question)).toBe(estimate);
    // At their estimates only two calls fit in a minute; answered, each counts its few reported tokens.
    const tpm = 2 * estimate + 10;
    const clock = fakeClock();
    const { done } = start(suiteWith(tpm, QUESTIONS), clock);
    const { outcome, cells } = await done;

    expect(server.requests).toHaveLength(QUESTIONS.length);
    expect(mostOpen).toBeLessThanOrEqual(2);
    expect(outcome.status).toBe('completed');
    const used = cells.reduce((sum, c) => sum + (c.usage?.input ?? 0) + (c.usage?.output ?? 0), 0);
    expect(used).toBeLessThan(tpm);

    // Cached answers reserve nothing: even a tpm of 1 (one call a minute) replays the run without the clock.
    const again = await runInStore(store, dir, suiteWith(1, QUESTIONS), { clock, concurrency: 8 });
    expect(again.outcome.status).toBe('completed');
    expect(again.cells.every((c) => c.cached)).toBe(true);
    expect(server.requests).toHaveLength(QUESTIONS.length);
  });
});
