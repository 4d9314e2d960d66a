import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SCHEMA_VERSION } from '../../src/store/db.js';
import { DROP_GENERATED_MEDIA, DROP_VIEW_TABLES } from './downgrade.js';
import { createRunWriter, openStore, type Store } from '../../src/store/index.js';
import type { AttackRecord, CellResult, MediaRef } from '../../src/types.js';

let dir: string;
let store: Store;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'llmlab-store-'));
  store = openStore(join(dir, 'nested', 'llmlab.db'));
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

function cell(i: number, status: CellResult['status'] = 'pass'): CellResult {
  return {
    cellId: `c${i}`,
    providerId: 'mock',
    providerLabel: 'mock',
    promptId: 'p',
    testId: `t${i}`,
    testIndex: i,
    repeatIndex: 0,
    vars: { i },
    prompt: `prompt ${i}`,
    output: `out ${i}`,
    status,
    score: status === 'pass' ? 1 : 0,
    assertions: [],
    latencyMs: i,
    usage: { input: 10, output: 5, total: 15 },
    cost: 0.001,
    cached: false,
  };
}

const runOptions = { concurrency: 8, repeat: 1, cache: true, llmlabVersion: 'test' };

const attackRecord: AttackRecord = {
  family: 'jailbreak',
  strategy: 'multi-turn',
  template: 'crescendo/goal:weapons',
  severity: 'high',
  owasp: ['LLM01:2025'],
  goal: 'weapons',
  converters: ['base64'],
  maxSuccessRate: 0,
  transcript: [
    { role: 'system', content: 'You are a bot.' },
    { role: 'user', content: 'hi' },
    { role: 'assistant', content: 'no' },
    { role: 'user', content: 'please' },
    { role: 'assistant', content: 'ok: step 1' },
  ],
  turns: 2,
};

describe('store', () => {
  it('creates the folder, uses WAL and records its schema version', () => {
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(store.db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
  });

  it('refuses a database from a newer llmlab', () => {
    store.close();
    const path = join(dir, 'nested', 'llmlab.db');
    const raw = new Database(path);
    raw.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    raw.close();
    expect(() => openStore(path)).toThrow(/newer than this llmlab/);
    store = openStore(join(dir, 'other.db'));
  });

  it('upgrades a version-1 database in place: results gain a cluster column, old rows keep their data', () => {
    const path = join(dir, 'nested', 'llmlab.db');
    const run = store.runs.create({ suitePath: '/s.yaml', suiteHash: 'h', totalCells: 1, options: runOptions });
    store.results.put(run.id, cell(0), 0);
    store.close();
    // Make the file exactly what version 1 wrote: no cluster column.
    const raw = new Database(path);
    raw.exec('ALTER TABLE results DROP COLUMN cluster');
    raw.exec('ALTER TABLE results DROP COLUMN skip_reason');
    raw.exec('DROP INDEX results_attacks');
    raw.exec('ALTER TABLE results DROP COLUMN attack');
    raw.exec('ALTER TABLE responses DROP COLUMN tool_calls');
    raw.exec('ALTER TABLE results DROP COLUMN tool_calls');
    raw.exec('ALTER TABLE responses DROP COLUMN logprobs');
    raw.exec('DROP TABLE finetune_jobs');
    raw.exec('DROP TABLE gateway_requests; DROP TABLE gateway_keys; DROP TABLE gateway_outcomes');
    raw.exec(DROP_GENERATED_MEDIA);
    raw.exec(DROP_VIEW_TABLES);
    raw.exec('ALTER TABLE runs DROP COLUMN shard');
    raw.pragma('user_version = 1');
    raw.close();
    store = openStore(path);
    expect(store.db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    const [old] = [...store.results.iterate(run.id)];
    expect(old).toMatchObject({ cellId: 'c0', output: 'out 0' });
    expect(old!.cluster).toBeUndefined();
    store.results.put(run.id, { ...cell(1), cluster: 'faq' }, 1);
    expect([...store.results.iterate(run.id)].map((c) => c.cluster)).toEqual([undefined, 'faq']);
  });

  it('upgrades a version-3 database: results gain an attack column, old cells stay ordinary cells', () => {
    const path = join(dir, 'nested', 'llmlab.db');
    const run = store.runs.create({ suitePath: '/s.yaml', suiteHash: 'h', totalCells: 2, options: runOptions });
    store.results.put(run.id, cell(0), 0);
    store.close();
    // Make the file exactly what version 3 wrote: every column but `attack`.
    const raw = new Database(path);
    raw.exec('DROP INDEX results_attacks');
    raw.exec('ALTER TABLE results DROP COLUMN attack');
    raw.exec('ALTER TABLE responses DROP COLUMN tool_calls');
    raw.exec('ALTER TABLE results DROP COLUMN tool_calls');
    raw.exec('ALTER TABLE responses DROP COLUMN logprobs');
    raw.exec('DROP TABLE finetune_jobs');
    raw.exec('DROP TABLE gateway_requests; DROP TABLE gateway_keys; DROP TABLE gateway_outcomes');
    raw.exec(DROP_GENERATED_MEDIA);
    raw.exec(DROP_VIEW_TABLES);
    raw.exec('ALTER TABLE runs DROP COLUMN shard');
    raw.pragma('user_version = 3');
    raw.close();
    store = openStore(path);
    expect(store.db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    const [old] = [...store.results.iterate(run.id)];
    expect(old).toMatchObject({ cellId: 'c0', status: 'pass' });
    expect(old).not.toHaveProperty('attack');
    expect(store.results.totals(run.id)).toMatchObject([{ total: 1, passed: 1 }]);
    store.results.put(run.id, { ...cell(1, 'fail'), attack: attackRecord }, 1);
    expect([...store.results.iterate(run.id)].map((c) => c.attack)).toEqual([undefined, attackRecord]);
    // The attack cell is kept apart from the pass-rate totals and the paired verdicts, not from the count.
    expect(store.results.totals(run.id)).toMatchObject([{ total: 1, passed: 1, failed: 0 }]);
    expect([...store.results.verdicts(run.id)].map((v) => v.testId)).toEqual(['t0']);
    expect(store.results.count(run.id)).toBe(2);
    // The upgrade also made the partial index that finds a run's attack cells without a scan.
    const plan = store.db.prepare("EXPLAIN QUERY PLAN SELECT 1 FROM results WHERE run_id = ? AND attack IS NOT NULL").all(run.id) as Array<{ detail: string }>;
    expect(plan.map((p) => p.detail).join(' ')).toMatch(/USING INDEX results_attacks/);
  });

  it('keeps tool calls in the cache and in results, and upgrades a version-5 database to hold them', () => {
    const path = join(dir, 'nested', 'llmlab.db');
    const run = store.runs.create({ suitePath: '/s.yaml', suiteHash: 'h', totalCells: 2, options: runOptions });
    store.results.put(run.id, cell(0), 0);
    store.cache.put('old', 'openai:a', { output: 'hi', latencyMs: 1 });
    store.close();
    const raw = new Database(path);
    raw.exec('ALTER TABLE responses DROP COLUMN tool_calls');
    raw.exec('ALTER TABLE results DROP COLUMN tool_calls');
    raw.exec('ALTER TABLE responses DROP COLUMN logprobs');
    raw.exec('DROP TABLE finetune_jobs');
    raw.exec('DROP TABLE gateway_requests; DROP TABLE gateway_keys; DROP TABLE gateway_outcomes');
    raw.exec(DROP_GENERATED_MEDIA);
    raw.exec(DROP_VIEW_TABLES);
    raw.pragma('user_version = 5');
    raw.close();
    store = openStore(path);
    expect(store.db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(store.cache.get('old')).not.toHaveProperty('toolCalls');
    const toolCalls = [{ id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' }, { name: 'get_time', arguments: 'not json' }];
    store.cache.put('k', 'openai:a', { output: '', latencyMs: 2, finishReason: 'tool_calls', toolCalls });
    expect(store.cache.get('k')).toMatchObject({ output: '', toolCalls });
    // An empty list is no calls: stored as NULL, read back without the key.
    store.cache.put('none', 'openai:a', { output: 'x', latencyMs: 2, toolCalls: [] });
    expect(store.cache.get('none')).not.toHaveProperty('toolCalls');
    store.results.put(run.id, { ...cell(1), output: '', toolCalls }, 1);
    expect([...store.results.iterate(run.id)].map((c) => c.toolCalls)).toEqual([undefined, toolCalls]);
  });

  it('keeps token log-probabilities in the cache, and upgrades a version-6 database to hold them', () => {
    const path = join(dir, 'nested', 'llmlab.db');
    store.cache.put('old', 'openai:a', { output: 'hi', latencyMs: 1 });
    store.close();
    const raw = new Database(path);
    raw.exec('ALTER TABLE responses DROP COLUMN logprobs');
    raw.exec('DROP TABLE finetune_jobs');
    raw.exec('DROP TABLE gateway_requests; DROP TABLE gateway_keys; DROP TABLE gateway_outcomes');
    raw.exec(DROP_GENERATED_MEDIA);
    raw.exec(DROP_VIEW_TABLES);
    raw.pragma('user_version = 6');
    raw.close();
    store = openStore(path);
    expect(store.db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(store.cache.get('old')).not.toHaveProperty('logprobs');
    store.cache.put('k', 'openai:a', { output: 'Paris', latencyMs: 2, logprobs: [-0.25, -0.5] });
    expect(store.cache.get('k')).toMatchObject({ output: 'Paris', logprobs: [-0.25, -0.5] });
  });

  it('upgrades a version-8 database: the gateway tables appear, earlier data stays', () => {
    const path = join(dir, 'nested', 'llmlab.db');
    store.cache.put('old', 'openai:a', { output: 'hi', latencyMs: 1 });
    store.close();
    const raw = new Database(path);
    raw.exec('DROP TABLE gateway_requests; DROP TABLE gateway_keys; DROP TABLE gateway_outcomes');
    raw.exec(DROP_GENERATED_MEDIA);
    raw.exec(DROP_VIEW_TABLES);
    raw.pragma('user_version = 8');
    raw.close();
    store = openStore(path);
    expect(store.db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(store.cache.get('old')).toMatchObject({ output: 'hi' });
    const tables = store.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'gateway_%' ORDER BY name").all();
    expect(tables).toEqual([{ name: 'gateway_keys' }, { name: 'gateway_outcomes' }, { name: 'gateway_requests' }]);
  });

  it('upgrades a version-9 database: kept summaries and prompt versions appear, earlier data stays', () => {
    const path = join(dir, 'nested', 'llmlab.db');
    store.cache.put('old', 'openai:a', { output: 'hi', latencyMs: 1 });
    store.close();
    const raw = new Database(path);
    raw.exec(DROP_GENERATED_MEDIA);
    raw.exec(DROP_VIEW_TABLES);
    raw.pragma('user_version = 9');
    raw.close();
    store = openStore(path);
    expect(store.db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(store.cache.get('old')).toMatchObject({ output: 'hi' });
    const version = store.promptVersions.add({ suitePath: '/s.yaml', promptId: 'p', hash: 'abc', label: 'v2', file: '/p.txt', createdAt: 5 });
    expect(store.promptVersions.list('/s.yaml')).toEqual([version]);
  });

  it('keeps generated media refs in the cache, and upgrades a version-10 database to hold them', () => {
    const path = join(dir, 'nested', 'llmlab.db');
    const ref: MediaRef = { $media: 'image', hash: 'a'.repeat(64), mimeType: 'image/png', bytes: 9, name: 'gpt-image-1-aaaaaaaa.png', path: '/m/aa/a' };
    store.cache.put('drawn', 'openai-image:gpt-image-1', { output: '[image: gpt-image-1-aaaaaaaa.png]', media: [ref], latencyMs: 1 });
    store.cache.put('text', 'openai:a', { output: 'hi', latencyMs: 1 });
    expect(store.cache.get('drawn')).toMatchObject({ media: [ref] });
    expect(store.cache.get('text')).not.toHaveProperty('media');
    const run = store.runs.create({ suitePath: '/s.yaml', suiteHash: 'h', totalCells: 2, options: runOptions });
    store.results.put(run.id, { ...cell(0), media: [ref] }, 0);
    store.results.put(run.id, cell(1), 1);
    expect([...store.results.iterate(run.id)].map((c) => c.media)).toEqual([[ref], undefined]);
    store.close();
    const raw = new Database(path);
    raw.exec(DROP_GENERATED_MEDIA);
    raw.pragma('user_version = 10');
    raw.close();
    store = openStore(path);
    expect(store.db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(store.cache.get('text')).toMatchObject({ output: 'hi' });
    expect(store.cache.get('drawn')).not.toHaveProperty('media');
  });

  it('round-trips an attack cell with its record and transcript', () => {
    const run = store.runs.create({ suitePath: '/s.yaml', suiteHash: 'h', totalCells: 1, options: runOptions });
    const attackCell: CellResult = { ...cell(3, 'fail'), promptId: 'attack', attack: attackRecord };
    store.results.put(run.id, attackCell, 0);
    const [back] = [...store.results.iterate(run.id)];
    expect(back).toEqual({ ...attackCell, description: undefined, finishReason: undefined, error: undefined });
  });

  it('caches answers by key and reports stats; clear removes them', () => {
    store.cache.put('k1', 'openai:a', { output: 'hi', usage: { input: 1, output: 2, total: 3 }, latencyMs: 12, finishReason: 'stop' });
    store.cache.put('k2', 'openai:b', { output: 'yo', latencyMs: 3 });
    expect(store.cache.get('k1')).toEqual({ output: 'hi', usage: { input: 1, output: 2, total: 3 }, finishReason: 'stop', latencyMs: 12, model: undefined, cost: undefined });
    expect(store.cache.get('missing')).toBeUndefined();
    expect(store.cache.stats().entries).toBe(2);
    expect(store.cache.clear('openai:a')).toBe(1);
    expect(store.cache.get('k1')).toBeUndefined();
    expect(store.cache.clear()).toBe(1);
  });

  it('writes results in batches and flushes on demand', () => {
    const run = store.runs.create({ suitePath: '/s.yaml', suiteHash: 'h', totalCells: 3, options: runOptions });
    const writer = createRunWriter(store, run.id, { batchSize: 2, flushMs: 60_000 });
    writer.addResult(cell(0));
    expect(store.results.count(run.id)).toBe(0);
    writer.addResult(cell(1, 'fail'));
    expect(store.results.count(run.id)).toBe(2);
    writer.addResult(cell(2, 'error'));
    writer.flush();
    expect([...store.results.iterate(run.id)].map((c) => c.cellId)).toEqual(['c0', 'c1', 'c2']);
    expect(store.results.finishedCellIds(run.id)).toEqual(new Set(['c0', 'c1']));
  });

  it('drops unfinished rows before a resume and keeps appending in order', () => {
    const run = store.runs.create({ suitePath: '/s.yaml', suiteHash: 'h', totalCells: 3, options: runOptions });
    [cell(0), cell(1, 'error'), cell(2, 'fail')].forEach((c, i) => store.results.put(run.id, c, i));
    store.results.forgetUnfinished(run.id);
    expect([...store.results.iterate(run.id)].map((c) => c.cellId)).toEqual(['c0', 'c2']);
    const writer = createRunWriter(store, run.id);
    writer.addResult(cell(1));
    writer.flush();
    expect(store.results.count(run.id)).toBe(3);
    const seqs = store.db.prepare('SELECT cell_id, seq FROM results WHERE run_id = ? ORDER BY seq').all(run.id);
    expect(seqs).toEqual([{ cell_id: 'c0', seq: 0 }, { cell_id: 'c2', seq: 2 }, { cell_id: 'c1', seq: 3 }]);
  });

  it('round-trips a cell result exactly', () => {
    const run = store.runs.create({ suitePath: '/s.yaml', suiteHash: 'h', totalCells: 1, options: runOptions });
    store.results.put(run.id, cell(7), 0);
    const [back] = [...store.results.iterate(run.id)];
    expect(back).toEqual({ ...cell(7), description: undefined, finishReason: undefined, error: undefined });
  });

  it('totals per prompt × provider with latencies sorted', () => {
    const run = store.runs.create({ suitePath: '/s.yaml', suiteHash: 'h', totalCells: 3, options: runOptions });
    [cell(30), cell(10, 'fail'), cell(20, 'error')].forEach((c, i) => store.results.put(run.id, c, i));
    const [t] = store.results.totals(run.id);
    expect(t).toMatchObject({ total: 3, passed: 1, failed: 1, errors: 1, inputTokens: 30, outputTokens: 15, latencies: [10, 20, 30] });
    expect(t!.cost).toBeCloseTo(0.003);
  });

  it('finds the latest unfinished run of a suite', () => {
    const a = store.runs.create({ suitePath: '/s.yaml', suiteHash: 'h', totalCells: 1, options: runOptions });
    store.runs.setStatus(a.id, 'completed');
    expect(store.runs.latestUnfinished('/s.yaml')).toBeUndefined();
    const b = store.runs.create({ suitePath: '/s.yaml', suiteHash: 'h', totalCells: 1, options: runOptions });
    expect(store.runs.latestUnfinished('/s.yaml')?.id).toBe(b.id);
    store.runs.setStatus(b.id, 'interrupted');
    expect(store.runs.latestUnfinished('/s.yaml')?.id).toBe(b.id);
    expect(store.runs.latestUnfinished('/other.yaml')).toBeUndefined();
    expect(store.runs.list().map((r) => r.id)).toContain(a.id);
  });
});
