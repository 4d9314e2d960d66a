/**
 * The SQLite gateway store over a real database in a temp dir: the request log's batching (and that a queued row is
 * readable before it is written), spend reservation under 64 concurrent requests, period rollover, a restart, keys,
 * and the per-unit experiment view.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LlmlabError } from '../../src/errors.js';
import { createRng } from '../../src/stats/rng.js';
import { createGatewayStore } from '../../src/store/gateway.js';
import type { GatewayRequestRow } from '../../src/store/gateway-types.js';
import { openStore, type Store } from '../../src/store/index.js';

let dir: string;
let path: string;
let store: Store;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'llmlab-gateway-store-'));
  path = join(dir, 'llmlab.db');
  store = openStore(path);
});
afterEach(() => {
  vi.useRealTimers();
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

const NOON = Date.UTC(2026, 11, 7, 12);
let seq = 0;

function request(patch: Partial<GatewayRequestRow> = {}): GatewayRequestRow {
  return {
    id: `req_${++seq}`,
    at: NOON,
    model: 'support-bot',
    candidate: 'openai:gpt-4o-mini',
    status: 200,
    stream: false,
    cached: false,
    inputTokens: 10,
    outputTokens: 5,
    costUsd: 0,
    latencyMs: 12,
    overheadMs: 0.4,
    ...patch,
  };
}

const written = () => (store.db.prepare('SELECT count(*) AS n FROM gateway_requests').get() as { n: number }).n;

describe('the request log', () => {
  it('writes in batches, and get() sees a queued row before it is written', async () => {
    const gateway = createGatewayStore(store, { batchSize: 3, flushMs: 60_000 });
    const first = request({ keyId: 'team-a', attempts: [{ candidate: 'openai:a', reason: '429' }], messages: [{ role: 'user', content: 'hi' }], output: 'hello' });
    gateway.log.append(first);
    gateway.log.append(request());
    expect(written()).toBe(0);
    expect(await gateway.log.get(first.id)).toEqual(first);
    gateway.log.append(request());
    expect(written()).toBe(0); // a full batch is written after the current event, not inside append()
    await new Promise((resolve) => setImmediate(resolve));
    expect(written()).toBe(3);
    // Read back from the table, every field round-trips.
    expect(await gateway.log.get(first.id)).toEqual(first);
    expect(await gateway.log.get('req_missing')).toBeUndefined();
    await gateway.close();
  });

  it('flushes a partial batch on its timer', async () => {
    vi.useFakeTimers();
    const gateway = createGatewayStore(store, { batchSize: 100, flushMs: 50 });
    gateway.log.append(request());
    expect(written()).toBe(0);
    vi.advanceTimersByTime(50);
    expect(written()).toBe(1);
    await gateway.close();
  });

  it('keeps a batch whose write failed, reports the fault once, and writes it later', async () => {
    store.close();
    store = openStore(path, { busyTimeoutMs: 0 });
    const faults: unknown[] = [];
    const gateway = createGatewayStore(store, { batchSize: 2, flushMs: 60_000, onFault: (e) => faults.push(e) });
    const other = new Database(path);
    other.exec('BEGIN IMMEDIATE'); // another process holds the write lock
    gateway.log.append(request());
    gateway.log.append(request()); // size-triggered flush: fails quietly, reported through onFault
    await expect(gateway.log.flush()).rejects.toMatchObject({ code: 'STORAGE_FAULT' });
    gateway.log.append(request());
    expect(faults).toHaveLength(1);
    expect(faults[0]).toBeInstanceOf(LlmlabError);
    expect(await gateway.log.get(`req_${seq}`)).toBeDefined();
    other.exec('ROLLBACK');
    other.close();
    await gateway.log.flush();
    expect(written()).toBe(3);
    await gateway.close();
  });

  it('drops the oldest queued rows past maxQueued while writes fail', async () => {
    store.close();
    store = openStore(path, { busyTimeoutMs: 0 });
    const gateway = createGatewayStore(store, { batchSize: 100, flushMs: 60_000, maxQueued: 2, onFault: () => {} });
    const other = new Database(path);
    other.exec('BEGIN IMMEDIATE');
    const rows = [request(), request(), request()];
    for (const row of rows) gateway.log.append(row);
    await expect(gateway.log.flush()).rejects.toMatchObject({ code: 'STORAGE_FAULT' });
    expect(gateway.log.dropped()).toBe(1);
    other.exec('ROLLBACK');
    other.close();
    await gateway.close();
    expect(await gateway.log.get(rows[0]!.id)).toBeUndefined();
    expect(await gateway.log.get(rows[2]!.id)).toBeDefined();
    expect(written()).toBe(2);
  });

  it('lists recent rows newest first, filtered', async () => {
    const gateway = createGatewayStore(store);
    gateway.log.append(request({ at: NOON - 2000, keyId: 'a' }));
    gateway.log.append(request({ at: NOON - 1000, keyId: 'b', model: 'other' }));
    gateway.log.append(request({ at: NOON, keyId: 'a' }));
    expect((await gateway.log.recent({})).map((r) => r.at)).toEqual([NOON, NOON - 1000, NOON - 2000]);
    expect((await gateway.log.recent({ keyId: 'a', limit: 1 })).map((r) => r.at)).toEqual([NOON]);
    expect((await gateway.log.recent({ since: NOON - 1500, model: 'support-bot' })).map((r) => r.at)).toEqual([NOON]);
    await gateway.close();
  });
});

describe('spend', () => {
  const limits = { id: 'team-a', budgetUsd: { day: 1 } };

  it('never lets 64 concurrent requests of $0.05 overspend a $1 day, and says why it refused', async () => {
    const gateway = createGatewayStore(store);
    const rng = createRng(19);
    const costs = Array.from({ length: 64 }, () => rng.float() * 0.05);
    const delays = Array.from({ length: 64 }, () => rng.int(4));
    let inFlight = 0;
    let settledSum = 0;
    const outcomes = await Promise.all(
      costs.map(async (cost, i) => {
        // Interleave: some requests reserve only after others have settled.
        for (let t = 0; t < delays[i]!; t++) await Promise.resolve();
        const answer = await gateway.spend.reserve(limits, 0.05, NOON);
        if (!answer.ok) return answer.refusal;
        inFlight += 0.05;
        expect(settledSum + inFlight).toBeLessThanOrEqual(1 + 1e-9);
        await Promise.resolve(); // the model call
        await gateway.spend.settle(answer.reservation, cost);
        inFlight -= 0.05;
        settledSum += cost;
        gateway.log.append(request({ keyId: 'team-a', costUsd: cost }));
        return undefined;
      }),
    );
    const refusals = outcomes.filter((r) => r !== undefined);
    expect(refusals.length).toBeGreaterThan(0);
    expect(refusals.length).toBeLessThan(64 - 20 + 1); // at least 20 fit, since each settles at most its reservation
    for (const refusal of refusals) {
      expect(refusal).toMatchObject({ period: 'day', limitUsd: 1, neededUsd: 0.05, resetsAt: Date.UTC(2026, 11, 8) });
      expect(refusal.committedUsd + 0.05).toBeGreaterThan(1);
      expect(refusal.committedUsd).toBeLessThanOrEqual(1 + 1e-9);
    }
    const spent = await gateway.spend.spent('team-a', 'day', NOON);
    expect(spent).toBeCloseTo(settledSum, 12);
    expect(spent).toBeLessThanOrEqual(1);
    expect(await gateway.spend.reserved('team-a', 'day', NOON)).toBe(0);
    await gateway.close();
    const logged = store.db.prepare("SELECT sum(cost_usd) AS usd FROM gateway_requests WHERE key_id = 'team-a'").get() as { usd: number };
    expect(logged.usd).toBeCloseTo(settledSum, 12);
  });

  it('lets exactly twenty $0.05 reservations fit in $1 when none settles', async () => {
    const gateway = createGatewayStore(store);
    const answers = await Promise.all(Array.from({ length: 64 }, () => gateway.spend.reserve(limits, 0.05, NOON)));
    expect(answers.filter((a) => a.ok)).toHaveLength(20);
    await gateway.close();
  });

  it('starts a new day at midnight UTC, and holds the month across days', async () => {
    const gateway = createGatewayStore(store);
    const both = { id: 'team-b', budgetUsd: { day: 0.6, month: 1 } };
    const lastMinute = Date.UTC(2026, 11, 7, 23, 59);
    const first = await gateway.spend.reserve(both, 0.5, lastMinute);
    expect(first.ok).toBe(true);
    if (first.ok) await gateway.spend.settle(first.reservation, 0.5);
    gateway.log.append(request({ keyId: 'team-b', at: lastMinute, costUsd: 0.5 }));
    expect(await gateway.spend.reserve(both, 0.2, lastMinute)).toEqual({
      ok: false,
      refusal: { period: 'day', limitUsd: 0.6, committedUsd: 0.5, neededUsd: 0.2, resetsAt: Date.UTC(2026, 11, 8) },
    });
    const nextDay = Date.UTC(2026, 11, 8, 0, 0, 1);
    const second = await gateway.spend.reserve(both, 0.4, nextDay);
    expect(second.ok).toBe(true);
    if (second.ok) await gateway.spend.settle(second.reservation, 0.4);
    expect(await gateway.spend.spent('team-b', 'day', nextDay)).toBeCloseTo(0.4, 12);
    expect(await gateway.spend.spent('team-b', 'month', nextDay)).toBeCloseTo(0.9, 12);
    expect(await gateway.spend.reserve(both, 0.2, nextDay)).toMatchObject({
      ok: false,
      refusal: { period: 'month', limitUsd: 1, neededUsd: 0.2, resetsAt: Date.UTC(2027, 0, 1) },
    });
    // A new month starts from nothing.
    expect((await gateway.spend.reserve(both, 0.2, Date.UTC(2027, 0, 1))).ok).toBe(true);
    await gateway.close();
  });

  it('after a restart, reads earlier spend from the log, counting each request once', async () => {
    const before = createGatewayStore(store);
    for (const cost of [0.25, 0.25, 0.3]) {
      const answer = await before.spend.reserve(limits, 0.3, NOON);
      if (!answer.ok) throw new Error('refused');
      await before.spend.settle(answer.reservation, cost);
      before.log.append(request({ keyId: 'team-a', costUsd: cost }));
    }
    // Spend of another key and of yesterday is not team-a's today.
    before.log.append(request({ keyId: 'team-b', costUsd: 5 }));
    before.log.append(request({ keyId: 'team-a', at: NOON - 86_400_000, costUsd: 5 }));
    expect(await before.spend.spent('team-a', 'day', NOON)).toBeCloseTo(0.8, 12);
    await before.close();
    store.close();

    store = openStore(path);
    const after = createGatewayStore(store);
    expect(await after.spend.spent('team-a', 'day', NOON)).toBeCloseTo(0.8, 12);
    expect(await after.spend.spent('team-a', 'month', NOON)).toBeCloseTo(5.8, 12);
    expect(await after.spend.reserve(limits, 0.3, NOON)).toMatchObject({ ok: false, refusal: { committedUsd: expect.closeTo(0.8, 12) } });
    const fits = await after.spend.reserve(limits, 0.2, NOON);
    expect(fits.ok).toBe(true);
    await after.close();
  });

  it('counts a key\'s logged rows once, queued or written, when it first reads a period', async () => {
    const gateway = createGatewayStore(store, { flushMs: 60_000 });
    const row = request({ keyId: 'team-c', costUsd: 0.2 });
    gateway.log.append(row);
    await gateway.log.flush();
    gateway.log.append({ ...row, costUsd: 0.3 }); // the same request logged again: its newer row replaces the written one
    gateway.log.append(request({ keyId: 'team-c', costUsd: 0.1 })); // still queued
    expect(await gateway.spend.spent('team-c', 'day', NOON)).toBeCloseTo(0.4, 12);
    await gateway.close();
    expect(written()).toBe(2);
  });

  it('ignores a second settle of the same reservation', async () => {
    const gateway = createGatewayStore(store);
    const answer = await gateway.spend.reserve(limits, 0.5, NOON);
    if (!answer.ok) throw new Error('refused');
    await gateway.spend.settle(answer.reservation, 0.4);
    await gateway.spend.settle(answer.reservation, 0.4);
    expect(await gateway.spend.spent('team-a', 'day', NOON)).toBeCloseTo(0.4, 12);
    await gateway.close();
  });
});

describe('keys', () => {
  it('finds a live key by hash, keeps several secrets per id, and revokes by prefix or id', async () => {
    const gateway = createGatewayStore(store);
    await gateway.keys.create({ id: 'team-a', hash: 'h1', prefix: 'llk_AAAAAAAA', createdAt: 1 });
    await gateway.keys.create({ id: 'team-a', hash: 'h2', prefix: 'llk_BBBBBBBB', createdAt: 2 });
    await gateway.keys.create({ id: 'team-b', hash: 'h3', prefix: 'llk_CCCCCCCC', createdAt: 3 });
    expect(await gateway.keys.byHash('h2')).toEqual({ id: 'team-a', hash: 'h2', prefix: 'llk_BBBBBBBB', createdAt: 2 });
    expect(await gateway.keys.revoke('llk_AAAAAAAA', 10)).toBe(true);
    expect(await gateway.keys.byHash('h1')).toBeUndefined();
    expect(await gateway.keys.byHash('h2')).toBeDefined();
    expect(await gateway.keys.revoke('team-a', 11)).toBe(true);
    expect(await gateway.keys.revoke('team-a', 12)).toBe(false);
    expect((await gateway.keys.list()).map((k) => [k.prefix, k.revokedAt])).toEqual([
      ['llk_AAAAAAAA', 10],
      ['llk_BBBBBBBB', 11],
      ['llk_CCCCCCCC', undefined],
    ]);
    await gateway.close();
  });
});

describe('experiment outcomes', () => {
  it('gives per arm one mean outcome per unit, the latest feedback of a request winning', async () => {
    const gateway = createGatewayStore(store, { flushMs: 60_000 });
    const arm = (name: string, unit: string, at: number) =>
      request({ experiment: 'tone-test', arm: name, unit, at, costUsd: 0.01 });
    const u1a = arm('control', 'u1', 1);
    const u1b = arm('control', 'u1', 2);
    const u2 = arm('control', 'u2', 3);
    const u3 = arm('treatment', 'u3', 4);
    const silent = arm('treatment', 'u4', 5);
    for (const row of [u1a, u1b, u2, u3, silent, request({ experiment: 'other', arm: 'control', unit: 'u1' })]) gateway.log.append(row);
    // Rows are still queued: byArm must see them.
    await gateway.outcomes.add({ requestId: u2.id, source: 'feedback', score: 0, at: 10 });
    await gateway.outcomes.add({ requestId: u1a.id, source: 'feedback', score: 0, at: 11 });
    await gateway.outcomes.add({ requestId: u1a.id, source: 'feedback', score: 1, at: 12 }); // changed their mind
    await gateway.outcomes.add({ requestId: u1b.id, source: 'feedback', score: 0, at: 13 });
    await gateway.outcomes.add({ requestId: u3.id, source: 'feedback', score: 1, at: 14 });
    await gateway.outcomes.add({ requestId: u3.id, source: 'judge', score: 0.5, at: 15 });

    const feedback = await gateway.outcomes.byArm('tone-test', { source: 'feedback' });
    expect(feedback).toEqual([
      { arm: 'control', assigned: 2, outcomes: [0, 0.5], outcomeTimes: [10, 11], requests: 3, costUsd: expect.closeTo(0.03, 12) },
      { arm: 'treatment', assigned: 2, outcomes: [1], outcomeTimes: [14], requests: 2, costUsd: expect.closeTo(0.02, 12) },
    ]);
    const judge = await gateway.outcomes.byArm('tone-test', { source: 'judge' });
    expect(judge.map((a) => a.outcomes)).toEqual([[], [0.5]]);
    // Both sources: u3's request scores the mean of its feedback and its judge score.
    const both = await gateway.outcomes.byArm('tone-test');
    expect(both[1]!.outcomes).toEqual([0.75]);
    expect(await gateway.outcomes.byArm('nothing')).toEqual([]);
    await gateway.close();
  });
});
