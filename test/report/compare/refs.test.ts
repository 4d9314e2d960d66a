/**
 * What `latest` and `latest~N` mean, everywhere alike: the newest runs of the suite when a suite is named or implied
 * (`eval --baseline`, `report --baseline`), of all runs otherwise (`report latest`, `compare`); a baseline's skip
 * lone shards and subsets, and an explicit run id names any run.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findRunAtCommit, resolveBaseline } from '../../../src/report/compare/baseline.js';
import { findRun } from '../../../src/report/compare/refs.js';
import { openStore, type RunRecord, type RunSubset, type Store } from '../../../src/store/index.js';

let dir: string;
let store: Store;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'llmlab-refs-'));
  store = openStore(join(dir, 'db.sqlite'));
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

const A = { path: '/repo/a.yaml', baseDir: '/repo' };
const SUBSET: RunSubset = { flags: '--filter refund', select: { filter: 'refund' }, cells: 2, suiteCells: 8 };
let clock = 0;

function stored(suitePath: string, extra: { subset?: RunSubset; shard?: boolean; gitSha?: string } = {}): RunRecord {
  const run = store.runs.create({
    suitePath, suiteHash: 'h', totalCells: 8, ...(extra.gitSha ? { gitSha: extra.gitSha } : {}),
    options: { concurrency: 1, repeat: 1, cache: true, llmlabVersion: 't', ...(extra.subset ? { subset: extra.subset } : {}) },
    ...(extra.shard ? { shard: { count: 2, present: [{ index: 1, cells: 4 }], merged: false, suiteCells: 8 } } : {}),
  });
  store.runs.setStatus(run.id, 'completed');
  store.db.prepare('UPDATE runs SET created_at = ? WHERE id = ?').run(++clock, run.id);
  return store.runs.get(run.id)!;
}

describe('latest and latest~N', () => {
  it('the store keeps a subset\'s record, and lists whole runs and one suite\'s runs on demand', () => {
    const whole = stored(A.path);
    const subset = stored(A.path, { subset: SUBSET });
    const other = stored('/repo/b.yaml');
    expect(store.runs.get(subset.id)!.options.subset).toEqual(SUBSET);
    expect(store.runs.list(10).map((r) => r.id)).toEqual([other.id, subset.id, whole.id]);
    expect(store.runs.list(10, { wholeRuns: true }).map((r) => r.id)).toEqual([other.id, whole.id]);
    expect(store.runs.list(10, { suitePath: A.path }).map((r) => r.id)).toEqual([subset.id, whole.id]);
    expect(store.runs.list(10, { suitePath: A.path, wholeRuns: true }).map((r) => r.id)).toEqual([whole.id]);
  });

  it('without a suite, `latest` is the newest run of any suite, a subset included (what `report latest` shows)', () => {
    stored(A.path);
    const subset = stored(A.path, { subset: SUBSET });
    const other = stored('/repo/b.yaml');
    expect(findRun(store, 'latest').id).toBe(other.id);
    expect(findRun(store, 'latest~1').id).toBe(subset.id);
    expect(findRun(store, 'latest', { suitePath: A.path }).id).toBe(subset.id);
  });

  it('a baseline\'s latest~N is the suite\'s own whole runs: subsets, lone shards and other suites are skipped', async () => {
    const older = stored(A.path);
    const newer = stored(A.path);
    const subset = stored(A.path, { subset: SUBSET });
    stored(A.path, { shard: true });
    stored('/repo/b.yaml');
    expect((await resolveBaseline(store, 'latest', A)).run.id).toBe(newer.id);
    expect((await resolveBaseline(store, 'latest~1', A)).run.id).toBe(older.id);
    // Asked by id, a subset is a baseline like any run.
    expect((await resolveBaseline(store, subset.id, A)).run.id).toBe(subset.id);
    await expect(resolveBaseline(store, 'latest~2', A)).rejects.toMatchObject({ code: 'RUN_NOT_FOUND' });
    expect(() => findRun(store, 'latest~2', { wholeRuns: true, suitePath: A.path })).toThrow(
      `no run \`latest~2\` among the whole runs of /repo/a.yaml in ${store.path}`,
    );
  });

  it('git:REF never picks a subset run as the base', () => {
    const whole = stored(A.path, { gitSha: 'abc' });
    stored(A.path, { gitSha: 'abc', subset: SUBSET });
    expect(findRunAtCommit(store, 'abc', A.path, undefined)!.id).toBe(whole.id);
  });
});
