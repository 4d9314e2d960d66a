/**
 * `mergeShards` on real SQLite files: shards' runs become one run with every cell once and the caches joined;
 * merging again changes nothing; a better row of a cell replaces a worse one; files that do not belong together
 * are refused with a clear error; and a shard is never `latest` for a baseline unless merged.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SCHEMA_VERSION } from '../../src/store/db.js';
import { DROP_GENERATED_MEDIA, DROP_VIEW_TABLES } from './downgrade.js';
import { openStore, type RunRecord, type Store } from '../../src/store/index.js';
import { mergeShards } from '../../src/store/merge.js';
import { spendBy } from '../../src/store/spend.js';
import type { CellResult, CellStatus } from '../../src/types.js';
import { thrownLlmlabError } from '../thrown.js';

let dir: string;
const open: Store[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'llmlab-merge-'));
});
afterEach(() => {
  for (const s of open.splice(0)) s.close();
  rmSync(dir, { recursive: true, force: true });
});

const CELLS = 9;
const COUNT = 3;
const runOptions = { concurrency: 8, repeat: 1, cache: true, llmlabVersion: 'test', gates: { minPassRate: 0.5 } };

/** Cell i belongs to shard i % 3 + 1, as a hash would put it somewhere. */
function cell(i: number, status: CellStatus = i % 4 === 0 ? 'fail' : 'pass'): CellResult {
  return {
    cellId: `cell-${i}`, providerId: 'mock', providerLabel: 'bot', promptId: 'p', testId: `t${i}`, testIndex: i,
    repeatIndex: 0, vars: { i }, prompt: `prompt ${i}`, output: `out ${i}`, status, score: status === 'pass' ? 1 : 0,
    assertions: [], latencyMs: i, usage: { input: 10, output: 5, total: 15 }, cost: 0.001, cached: false,
    ...(status === 'skipped' ? { skipReason: 'budget' as const } : {}),
  };
}

interface ShardSpec {
  index: number;
  count?: number;
  hash?: string;
  sha?: string;
  status?: RunRecord['status'];
  /** Replace some cells' statuses. */
  statuses?: Record<number, CellStatus>;
  createdAt?: number;
}

/** Writes a database holding the run of one shard, with one cached answer per cell. Returns its path. */
function shardFile(name: string, spec: ShardSpec, existing?: string): string {
  const path = existing ?? join(dir, name);
  const store = openStore(path);
  const count = spec.count ?? COUNT;
  const mine = Array.from({ length: CELLS }, (_, i) => i).filter((i) => (i % count) + 1 === spec.index);
  const run = store.runs.create({
    suitePath: '/repo/s.yaml', suiteHash: spec.hash ?? 'h', totalCells: mine.length, options: runOptions,
    ...(spec.sha === undefined ? {} : { gitSha: spec.sha }),
    shard: { count, present: [{ index: spec.index, cells: mine.length }], merged: false, suiteCells: CELLS },
  });
  mine.forEach((i, seq) => {
    store.results.put(run.id, cell(i, spec.statuses?.[i]), seq);
    store.cache.put(`key-${i}`, 'mock', { output: `out ${i}`, latencyMs: 1 });
  });
  store.runs.setStatus(run.id, spec.status ?? 'completed');
  if (spec.createdAt !== undefined) store.db.prepare('UPDATE runs SET created_at = ? WHERE id = ?').run(spec.createdAt, run.id);
  store.close();
  return path;
}

function target(name = 'merged.db'): Store {
  const store = openStore(join(dir, name));
  open.push(store);
  return store;
}

const cellsOf = (store: Store, run: RunRecord) => [...store.results.iterate(run.id)];
const dump = (store: Store) => ({
  runs: store.db.prepare('SELECT * FROM runs ORDER BY id').all(),
  results: store.db.prepare('SELECT * FROM results ORDER BY run_id, seq').all(),
  responses: store.db.prepare('SELECT key, output FROM responses ORDER BY key').all(),
});


describe('mergeShards', () => {
  it('makes one run of every cell, with the shards present, their caches, and the shards\' options', () => {
    const files = [1, 2, 3].map((k) => shardFile(`s${k}.db`, { index: k, sha: 'abc' }));
    const store = target();
    const outcome = mergeShards(store, files);
    expect(outcome.created).toBe(true);
    expect(outcome.cells).toEqual({ added: CELLS, replaced: 0, duplicates: 0 });
    expect(outcome.responses).toBe(CELLS);
    const { run } = outcome;
    expect(run).toMatchObject({ status: 'completed', totalCells: CELLS, gitSha: 'abc', suiteHash: 'h', options: runOptions });
    expect(run.shard).toEqual({ count: 3, present: [1, 2, 3].map((index) => ({ index, cells: 3 })), merged: true, suiteCells: CELLS });
    expect(cellsOf(store, run).map((c) => c.cellId)).toEqual(Array.from({ length: CELLS }, (_, i) => `cell-${i}`));
    expect(store.results.totals(run.id)).toMatchObject([{ total: CELLS, passed: 6, failed: 3 }]);
    expect(store.cache.get('key-7')).toMatchObject({ output: 'out 7' });
    // Only the merged run is in the target: the shards' own runs stay in their files.
    expect(store.runs.list(10).map((r) => r.id)).toEqual([run.id]);
  });

  it('is idempotent: merging again, or a shard twice, changes nothing', () => {
    const files = [1, 2, 3].map((k) => shardFile(`s${k}.db`, { index: k }));
    const store = target();
    const first = mergeShards(store, files);
    const before = dump(store);
    const again = mergeShards(store, [...files, files[1]!]);
    expect(again.created).toBe(false);
    expect(again.run.id).toBe(first.run.id);
    expect(again.cells).toEqual({ added: 0, replaced: 0, duplicates: CELLS + 3 });
    expect(again.responses).toBe(0);
    expect(dump(store)).toEqual(before);
  });

  it('adds shards to a partial merge in place, and says what is present', () => {
    const store = target();
    const partial = mergeShards(store, [shardFile('s1.db', { index: 1 }), shardFile('s3.db', { index: 3 })]).run;
    expect(partial.shard!.present.map((p) => p.index)).toEqual([1, 3]);
    expect(partial.totalCells).toBe(6);
    const whole = mergeShards(store, [shardFile('s2.db', { index: 2 })]);
    expect(whole.created).toBe(false);
    expect(whole.run.id).toBe(partial.id);
    expect(whole.run.shard!.present.map((p) => p.index)).toEqual([1, 2, 3]);
    expect(whole.run.totalCells).toBe(CELLS);
    expect(store.results.count(whole.run.id)).toBe(CELLS);
  });

  it('keeps the better row of a cell: a resumed shard\'s verdicts replace errors, never the other way round', () => {
    const store = target();
    const broken = shardFile('s2-broken.db', { index: 2, status: 'interrupted', statuses: { 1: 'error', 4: 'skipped' } });
    const first = mergeShards(store, [shardFile('s1.db', { index: 1 }), broken, shardFile('s3.db', { index: 3 })]).run;
    expect(first.status).toBe('interrupted');
    const fixed = mergeShards(store, [shardFile('s2-fixed.db', { index: 2 })]);
    expect(fixed.cells).toMatchObject({ added: 2, replaced: 2 });
    expect(fixed.run.status).toBe('completed');
    expect(cellsOf(store, fixed.run).filter((c) => c.status === 'error' || c.status === 'skipped')).toEqual([]);
    const back = mergeShards(store, [broken]);
    expect(back.cells).toEqual({ added: 0, replaced: 0, duplicates: 3 });
    expect(store.results.count(fixed.run.id)).toBe(CELLS);
  });

  it('takes from each file its newest run\'s shards, leaving out older runs the file holds', () => {
    const path = shardFile('s1.db', { index: 1, sha: 'old', createdAt: 1 });
    shardFile('', { index: 1, sha: 'new' }, path);
    const store = target();
    const outcome = mergeShards(store, [path, shardFile('s2.db', { index: 2, sha: 'new' })]);
    expect(outcome.run.gitSha).toBe('new');
    expect(outcome.files[0]!.leftOut.map((r) => r.gitSha)).toEqual(['old']);
    // One file may hold several shards of one run (`--db` shared on one machine).
    shardFile('', { index: 3, sha: 'new' }, path);
    expect(mergeShards(store, [path]).run.shard!.present.map((p) => p.index)).toEqual([1, 2, 3]);
  });

  it('refuses shards of different suites, versions, partitions or commits: USAGE, exit 2, naming both files', () => {
    const store = target();
    const one = shardFile('s1.db', { index: 1, sha: 'abc' });
    const other = thrownLlmlabError(() => mergeShards(store, [one, shardFile('other.db', { index: 2, hash: 'other-hash', sha: 'abc' })]));
    expect(other.code).toBe('USAGE');
    expect(other.message).toMatch(/s1\.db and .*other\.db hold shards of different runs: different suites or suite versions: \/repo\/s\.yaml \(suite hash h, 9 cells\) and \/repo\/s\.yaml \(suite hash other-hash, 9 cells\)$/);
    expect(other.hint).toMatch(/one suite/);
    const split = thrownLlmlabError(() => mergeShards(store, [one, shardFile('four.db', { index: 2, count: 4, sha: 'abc' })]));
    expect(split.message).toMatch(/split 3 ways and 4 ways$/);
    const commit = thrownLlmlabError(() => mergeShards(store, [one, shardFile('later.db', { index: 2, sha: 'def' })]));
    expect(commit.message).toMatch(/made at commit abc and at def$/);
    // Nothing was written by a refused merge.
    expect(store.runs.list(10)).toEqual([]);
  });

  it('refuses files that are missing, are not databases, or hold no shard', () => {
    const store = target();
    expect(thrownLlmlabError(() => mergeShards(store, [join(dir, 'gone.db')])).code).toBe('FILE_NOT_FOUND');
    writeFileSync(join(dir, 'notes.db'), 'not sqlite at all, just some text that is long enough to be a header');
    const junk = thrownLlmlabError(() => mergeShards(store, [join(dir, 'notes.db')]));
    expect([junk.code, junk.message]).toEqual(['DATABASE_INVALID', expect.stringMatching(/notes\.db is not an llmlab database/)]);
    const whole = openStore(join(dir, 'whole.db'));
    whole.runs.create({ suitePath: '/repo/s.yaml', suiteHash: 'h', totalCells: 1, options: runOptions });
    whole.close();
    const none = thrownLlmlabError(() => mergeShards(store, [join(dir, 'whole.db')]));
    expect([none.code, none.message]).toEqual(['USAGE', expect.stringMatching(/whole\.db holds no shard$/)]);
  });
});

describe('lone shards and `latest`', () => {
  it('a baseline\'s `latest` and `git:` skip lone shards but take merged runs; resume finds its own shard', () => {
    const store = target('all.db');
    const whole = store.runs.create({ suitePath: '/repo/s.yaml', suiteHash: 'h', totalCells: CELLS, options: runOptions, gitSha: 'abc' });
    store.db.prepare("UPDATE runs SET created_at = 1, status = 'completed' WHERE id = ?").run(whole.id);
    const files = [1, 2].map((k) => shardFile(`s${k}.db`, { index: k, sha: 'abc', status: 'interrupted' }));
    shardFile('', { index: 3, sha: 'abc', status: 'interrupted' }, store.path);
    const lone = store.runs.list(1)[0]!;
    expect(lone.shard?.merged).toBe(false);
    expect(store.runs.list(5, { wholeRuns: true }).map((r) => r.id)).toEqual([whole.id]);
    expect(store.runs.atCommit('abc').map((r) => r.id)).toEqual([whole.id]);
    expect(store.runs.latestUnfinished('/repo/s.yaml', { index: 3, count: 3 })?.id).toBe(lone.id);
    expect(store.runs.latestUnfinished('/repo/s.yaml', { index: 2, count: 3 })).toBeUndefined();
    expect(store.runs.latestUnfinished('/repo/s.yaml')).toBeUndefined();
    expect(spendBy(store.db, 'suite')).toMatchObject([{ runs: 1, cells: 3 }]);
    // Merging into the file that holds shard 3: its shard counts, and the merged run is a baseline candidate.
    const merged = mergeShards(store, [...files, store.path]).run;
    // `llmlab cost` counts each call once: the merged run holds shard 3's cells now.
    expect(spendBy(store.db, 'suite')).toMatchObject([{ runs: 1, cells: CELLS, calls: CELLS }]);
    expect(merged.shard!.present.map((p) => p.index)).toEqual([1, 2, 3]);
    expect(store.runs.list(5, { wholeRuns: true }).map((r) => r.id)).toContain(merged.id);
    expect(store.runs.list(5, { wholeRuns: true }).map((r) => r.id)).not.toContain(lone.id);
    expect(store.runs.latestUnfinished('/repo/s.yaml', { index: 3, count: 3 })?.id).toBe(lone.id);
  });
});

describe('upgrading a version-4 database (before shards)', () => {
  it('gives runs a shard column; the old runs are whole runs, still `latest` and still resumable', () => {
    const path = join(dir, 'old.db');
    const old = openStore(path);
    const done = old.runs.create({ suitePath: '/repo/s.yaml', suiteHash: 'h', totalCells: 1, options: runOptions });
    old.results.put(done.id, cell(0), 0);
    old.runs.setStatus(done.id, 'completed');
    const unfinished = old.runs.create({ suitePath: '/repo/s.yaml', suiteHash: 'h', totalCells: 2, options: runOptions });
    old.close();
    // Make the file exactly what version 4 wrote: no shard column.
    const raw = new Database(path);
    raw.exec('ALTER TABLE responses DROP COLUMN tool_calls');
    raw.exec('ALTER TABLE results DROP COLUMN tool_calls');
    raw.exec('ALTER TABLE responses DROP COLUMN logprobs');
    raw.exec('DROP TABLE finetune_jobs');
    raw.exec('DROP TABLE gateway_requests; DROP TABLE gateway_keys; DROP TABLE gateway_outcomes');
    raw.exec(DROP_GENERATED_MEDIA);
    raw.exec(DROP_VIEW_TABLES);
    raw.exec('ALTER TABLE runs DROP COLUMN shard');
    raw.pragma('user_version = 4');
    raw.close();

    const store = openStore(path);
    open.push(store);
    expect(store.db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(store.runs.get(done.id)).not.toHaveProperty('shard');
    expect(store.runs.list(5, { wholeRuns: true }).map((r) => r.id).sort()).toEqual([done.id, unfinished.id].sort());
    expect(store.runs.latestUnfinished('/repo/s.yaml')?.id).toBe(unfinished.id);
    expect(store.runs.atCommit('x')).toEqual([]);
    expect([...store.results.iterate(done.id)].map((c) => c.cellId)).toEqual(['cell-0']);
    // The upgraded file takes shards like a new one, and merges.
    shardFile('', { index: 1 }, path);
    store.close();
    open.pop();
    const merged = target();
    expect(mergeShards(merged, [path]).run.shard!.present).toEqual([{ index: 1, cells: 3 }]);
  });
});
