/**
 * The budget: the pure ledger, then the real executor against the fake OpenAI server returning real `usage`
 * counts — spend never exceeds the limit at any concurrency, the stop happens only when the next worst case
 * cannot fit with nothing in flight, skip-provider lets the other provider finish, judge calls count, and a resume
 * with a larger budget runs exactly the skipped cells.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ProjectConfig, ResolvedSuite } from '../../src/config/types.js';
import type { Budget } from '../../src/suite-settings.js';
import { createBudgetLedger } from '../../src/engine/budget.js';
import { createEventBus } from '../../src/engine/events.js';
import { runSuite } from '../../src/engine/run.js';
import { createRng, type Rng } from '../../src/stats/rng.js';
import { openStore, type Store } from '../../src/store/index.js';
import type { CellResult, RunEvent } from '../../src/types.js';
import { startFakeOpenAI, type FakeServer } from '../fakes/index.js';
import { judged } from './judge-harness.js';
import { assertion, makeSuite, provider } from './make-suite.js';

describe('budget ledger', () => {
  it('refuses a reservation that would cross the run limit and frees the rest of one when it settles', () => {
    const ledger = createBudgetLedger({ maxUsd: 1 });
    const a = ledger.reserve(0.6);
    expect(a.ok).toBe(true);
    const refused = ledger.reserve(0.5);
    expect(refused).toEqual({ ok: false, refusal: { scope: 'run', limitUsd: 1, committedUsd: 0.6, neededUsd: 0.5, outstanding: 1 } });
    if (a.ok) ledger.settle(a.reservation, 0.2);
    expect(ledger.spent()).toBeCloseTo(0.2, 12);
    expect(ledger.reserved()).toBe(0);
    expect(ledger.reserve(0.8).ok).toBe(true);
    expect(ledger.reserve(0.01).ok).toBe(false);
  });

  it('checks each perProvider scope on its own and counts a resumed run’s earlier spend', () => {
    const ledger = createBudgetLedger({ maxUsd: 10, perProvider: { a: 1 } }, { spentUsd: 2, spentBy: { a: 0.9 } });
    const refused = ledger.reserve(0.2, ['a']);
    expect(refused.ok || refused.refusal.scope).toBe('a');
    expect(ledger.reserve(0.2, ['b']).ok).toBe(true);
    expect(ledger.reserve(7.9, []).ok).toBe(false);
    expect(ledger.spent('a')).toBe(0.9);
  });

  it('never lets spent exceed the limit when calls cost at most what they reserved (random operations)', () => {
    for (let seed = 1; seed <= 50; seed++) {
      const rng = createRng(seed);
      const limit = 0.01 + rng.float() * 5;
      const ledger = createBudgetLedger({ maxUsd: limit });
      const open = [];
      for (let step = 0; step < 300; step++) {
        if (open.length > 0 && rng.float() < 0.5) {
          const [reservation] = open.splice(Math.floor(rng.float() * open.length), 1);
          ledger.settle(reservation!, reservation!.usd * rng.float());
        } else {
          const r = ledger.reserve(rng.float() * limit * 0.3);
          if (r.ok) open.push(r.reservation);
          else expect(r.refusal.committedUsd + r.refusal.neededUsd).toBeGreaterThan(limit);
        }
        expect(ledger.spent() + ledger.reserved()).toBeLessThanOrEqual(limit + 1e-9);
      }
    }
  });
});

let dir: string;
let store: Store;
let server: FakeServer;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'llmlab-budget-'));
  store = openStore(join(dir, 'llmlab.db'));
  server = await startFakeOpenAI();
});
afterEach(async () => {
  store.close();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

const project = (): ProjectConfig => ({ root: dir, suites: [], db: join(dir, 'llmlab.db'), concurrency: 8, timeoutMs: 5000, maxRetries: 0, outputDir: 'reports' });

async function run(suite: ResolvedSuite, concurrency: number, extra: Partial<Parameters<typeof runSuite>[0]> = {}) {
  const events = createEventBus();
  const seen: RunEvent[] = [];
  events.on((e) => seen.push(e));
  const outcome = await runSuite({
    suite, project: project(), store, env: {}, events, concurrency, cache: true,
    stop: new AbortController().signal, abort: new AbortController().signal, llmlabVersion: 'test', ...extra,
  });
  return { outcome, seen, cells: [...store.results.iterate(outcome.run.id)] };
}

const spentOf = (cells: CellResult[]) => cells.reduce((n, c) => n + (c.cached ? 0 : c.cost) + (c.gradingCost ?? 0), 0);
const words = (rng: Rng, n: number) => Array.from({ length: n }, () => ['alpha', 'beta', 'gamma', 'delta'][Math.floor(rng.float() * 4)]).join(' ');

function openaiSuite(parts: { tests: number; maxTokens: number; price: { input: number; output: number }; budget: Budget; seed: number }): ResolvedSuite {
  const rng = createRng(parts.seed * 7919);
  return makeSuite({
    providers: [provider('openai:gpt-4o-mini', { baseUrl: `${server.url}/v1`, maxTokens: parts.maxTokens }, { maxRetries: 0 })],
    tests: Array.from({ length: parts.tests }, (_, i) => ({ id: `t${i}`, index: i, vars: { question: words(rng, 1 + Math.floor(rng.float() * 40)) }, assert: [assertion('contains', 'echo')] })),
    prices: { 'openai:gpt-4o-mini': parts.price },
    budget: parts.budget,
  });
}

describe('budget through the executor (fake OpenAI, real usage)', () => {
  it('never exceeds the limit, and stops only when the next worst case cannot fit with nothing in flight', async () => {
    let stops = 0;
    for (let seed = 1; seed <= 8; seed++) {
      const rng = createRng(seed);
      const maxTokens = 2 + Math.floor(rng.float() * 60);
      const price = { input: 0.1 + rng.float() * 20, output: 0.1 + rng.float() * 80 };
      const concurrency = 1 + Math.floor(rng.float() * 16);
      const answerRng = createRng(seed + 1000);
      // Answers of random length: some run past maxTokens and are cut there, as a real API does.
      server.setBehaviour({ answer: () => `echo ${words(answerRng, Math.floor(answerRng.float() * 80))}` });
      const tests = 30;
      const worstPerCall = ((60 * price.input) + maxTokens * price.output) / 1e6;
      const maxUsd = worstPerCall * (2 + rng.float() * tests * 0.6);
      const before = server.requests.length;
      const suite = openaiSuite({ tests, maxTokens, price, seed, budget: { maxUsd, onExceed: 'stop' } });
      const { outcome, cells } = await run(suite, concurrency);
      const budget = outcome.budget!;
      const spent = spentOf(cells);
      expect(spent, `seed ${seed}`).toBeLessThanOrEqual(maxUsd + 1e-12);
      expect(budget.spentUsd).toBeCloseTo(spent, 12);
      expect(budget.overruns).toBe(0);
      const skipped = cells.filter((c) => c.status === 'skipped');
      expect(skipped.every((c) => c.skipReason === 'budget')).toBe(true);
      expect(server.requests.length - before).toBe(cells.length - skipped.length);
      expect(cells).toHaveLength(tests);
      if (skipped.length > 0) {
        stops++;
        expect(budget.stopped).toBe(true);
        expect(outcome.status).toBe('interrupted');
        const refusal = budget.refusal!;
        expect(refusal.outstanding).toBe(0);
        expect(refusal.committedUsd + refusal.neededUsd).toBeGreaterThan(maxUsd);
      } else expect(budget.stopped).toBe(false);
    }
    // Most seeds' budgets are smaller than the run: the stop itself is what is under test.
    expect(stops).toBeGreaterThanOrEqual(5);
  }, 60_000);

  it('emits budget events: updates, one alert past alertAt, and the stop', async () => {
    server.setBehaviour({ answer: () => 'echo one two three' });
    const suite = openaiSuite({ tests: 20, maxTokens: 10, price: { input: 100, output: 100 }, seed: 3, budget: { maxUsd: 0.01, alertAt: 0.5, onExceed: 'stop' } });
    const { seen } = await run(suite, 4);
    const budgetEvents = seen.filter((e) => e.type === 'budget');
    expect(budgetEvents.filter((e) => e.level === 'alert')).toHaveLength(1);
    expect(budgetEvents.filter((e) => e.level === 'stop')).toEqual([expect.objectContaining({ scope: 'run', limitUsd: 0.01 })]);
    expect(budgetEvents.filter((e) => e.level === 'update').length).toBeGreaterThan(1);
  });

  it('skip-provider: the provider over its perProvider limit is skipped, the other finishes', async () => {
    server.setBehaviour({ answer: () => 'echo fine' });
    const base = `${server.url}/v1`;
    const suite = makeSuite({
      providers: [
        provider('openai:gpt-4o', { baseUrl: base, maxTokens: 5 }, { maxRetries: 0 }, 'pricey'),
        provider('openai:gpt-4o-mini', { baseUrl: base, maxTokens: 20 }, { maxRetries: 0 }, 'cheap'),
      ],
      tests: Array.from({ length: 12 }, (_, i) => ({ id: `t${i}`, index: i, vars: { question: `question ${i}` }, assert: [assertion('contains', 'echo')] })),
      prices: { 'openai:gpt-4o': { input: 5000, output: 5000 }, 'openai:gpt-4o-mini': { input: 1, output: 1 } },
      budget: { perProvider: { pricey: 0.3 }, onExceed: 'skip-provider' },
    });
    const { outcome, cells } = await run(suite, 8);
    const by = (label: string, status: string) => cells.filter((c) => c.providerLabel === label && c.status === status).length;
    expect(by('cheap', 'pass')).toBe(12);
    expect(by('pricey', 'skipped')).toBeGreaterThan(0);
    expect(by('pricey', 'pass') + by('pricey', 'skipped')).toBe(12);
    expect(outcome.budget!.stoppedScopes).toEqual(['pricey']);
    const priceySpend = cells.filter((c) => c.providerLabel === 'pricey').reduce((n, c) => n + c.cost, 0);
    expect(priceySpend).toBeLessThanOrEqual(0.3 + 1e-12);
  });

  it('counts judge calls against the budget', async () => {
    server.setBehaviour({
      answer: (body) => (Array.isArray(body.tools) ? JSON.stringify({ pass: true, score: 1, reason: 'fine' }) : 'echo the answer'),
    });
    const grader = provider('openai:gpt-4o', { baseUrl: `${server.url}/v1`, maxTokens: 50 }, { maxRetries: 0 });
    const suite = makeSuite({
      providers: [provider('openai:gpt-4o-mini', { baseUrl: `${server.url}/v1`, maxTokens: 10 }, { maxRetries: 0 })],
      tests: Array.from({ length: 10 }, (_, i) => ({ id: `t${i}`, index: i, vars: { question: `question number ${i}` }, assert: [judged('llm-rubric', 'is an answer')] })),
      graders: { g: grader },
      // The generation is nearly free; the judge is what the budget runs out on.
      prices: { 'openai:gpt-4o-mini': { input: 0.01, output: 0.01 }, 'openai:gpt-4o': { input: 400, output: 400 } },
      budget: { maxUsd: 0.2, onExceed: 'stop' },
    });
    const { outcome, cells } = await run(suite, 4);
    const grading = cells.reduce((n, c) => n + (c.gradingCost ?? 0), 0);
    expect(grading).toBeGreaterThan(0);
    expect(spentOf(cells)).toBeLessThanOrEqual(0.2 + 1e-12);
    expect(outcome.budget!.stopped).toBe(true);
    const judgeRequests = server.requests.filter((r) => Array.isArray(r.body?.tools)).length;
    expect(cells.filter((c) => c.status === 'pass')).toHaveLength(judgeRequests);
    expect(cells.filter((c) => c.status === 'skipped').every((c) => c.skipReason === 'budget')).toBe(true);
  });

  it('a resume with a larger budget runs exactly the skipped cells', async () => {
    server.setBehaviour({ answer: () => 'echo ok' });
    const suite = openaiSuite({ tests: 24, maxTokens: 8, price: { input: 200, output: 200 }, seed: 5, budget: { maxUsd: 0.05, onExceed: 'stop' } });
    const first = await run(suite, 6);
    const skipped = first.cells.filter((c) => c.status === 'skipped').length;
    expect(skipped).toBeGreaterThan(0);
    const before = server.requests.length;
    const second = await run(suite, 6, { resume: first.outcome.run.id, budgetUsd: 10 });
    expect(server.requests.length - before).toBe(skipped);
    expect(second.outcome.status).toBe('completed');
    expect(second.cells.filter((c) => c.status === 'pass')).toHaveLength(24);
    // The earlier attempt's spend counts against the resumed budget.
    expect(second.outcome.budget!.spentUsd).toBeCloseTo(spentOf(second.cells), 12);
  });
});
