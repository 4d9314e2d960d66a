import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { compareWithBaseline, findRunAtCommit, resolveBaseline, resolveBaselines } from '../../../src/report/compare/baseline.js';
import { writeJsonReport } from '../../../src/report/writers/json.js';
import { summarizeRun } from '../../../src/report/summary.js';
import { openStore, type RunRecord, type Store } from '../../../src/store/index.js';
import type { CellResult, CellStatus } from '../../../src/types.js';

let dir: string;
let store: Store;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'llmlab-baseline-'));
  store = openStore(join(dir, 'db.sqlite'));
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

const suite = { path: '/repo/suites/s.yaml', baseDir: '/repo/suites' };

function storedRun(target: Store, statuses: CellStatus[], extra: { gitSha?: string; suitePath?: string; createdAt?: number } = {}): RunRecord {
  const run = target.runs.create({
    suitePath: extra.suitePath ?? suite.path, suiteHash: 'h', totalCells: statuses.length, gitSha: extra.gitSha,
    options: { concurrency: 1, repeat: 1, cache: true, llmlabVersion: 't', gates: { maxRegression: 0.1 } },
  });
  statuses.forEach((status, i) => {
    const cell: CellResult = {
      cellId: `c${i}`, providerId: 'bot', providerLabel: 'bot', promptId: 'p', testId: `t${i}`, testIndex: i, repeatIndex: 0,
      vars: {}, prompt: 'q', output: 'a', status, score: status === 'pass' ? 1 : 0, assertions: [], latencyMs: 5,
      usage: { input: 3, output: 1, total: 4 }, cost: 0.01, cached: false,
    };
    target.results.put(run.id, cell, i);
  });
  target.runs.setStatus(run.id, 'completed');
  if (extra.createdAt !== undefined) target.db.prepare('UPDATE runs SET created_at = ? WHERE id = ?').run(extra.createdAt, run.id);
  return target.runs.get(run.id)!;
}

const all = (n: number, status: CellStatus): CellStatus[] => new Array<CellStatus>(n).fill(status);

describe('--baseline refs', () => {
  it('resolves latest, latest~N and run ids to stored runs; an unknown ref is RUN_NOT_FOUND with a hint', async () => {
    const a = storedRun(store, all(3, 'pass'), { createdAt: 1 });
    const b = storedRun(store, all(3, 'pass'), { createdAt: 2 });
    expect((await resolveBaseline(store, 'latest', suite)).run.id).toBe(b.id);
    expect(await resolveBaseline(store, 'latest~1', suite)).toMatchObject({ run: { id: a.id }, source: 'results', label: `run ${a.id} (latest~1)` });
    expect((await resolveBaseline(store, a.id, suite)).label).toBe(`run ${a.id}`);
    await expect(resolveBaseline(store, 'latest~5', suite)).rejects.toMatchObject({
      code: 'RUN_NOT_FOUND',
      message: '--baseline `latest~5` names no stored run, report file or git commit',
      hint: expect.stringMatching(/git:main/),
    });
  });

  it('takes one suite unless the ref is git:', async () => {
    await expect(resolveBaselines(store, 'latest', [suite, { path: '/repo/t.yaml', baseDir: '/repo' }])).rejects.toMatchObject({
      code: 'USAGE',
      hint: expect.stringMatching(/git:REF/),
    });
    await expect(resolveBaselines(store, ['a', 'b'], [suite])).rejects.toMatchObject({ code: 'USAGE' });
  });

  it('pairs a report file by test identity, in a TEMP table that never reaches the database file', async () => {
    // The report comes from another machine's database: 4 of 4 passed there.
    const other = openStore(join(dir, 'other.sqlite'));
    const base = storedRun(other, all(4, 'pass'));
    const reportPath = join(dir, 'base.json');
    writeJsonReport(reportPath, other, base, summarizeRun(other, base), 't');
    other.close();

    const head = storedRun(store, ['fail', 'fail', 'pass', 'pass', 'pass']);
    const baseline = await resolveBaseline(store, reportPath, suite, dir);
    expect(baseline).toMatchObject({ run: { id: `report:${base.id}`, suitePath: suite.path }, label: `report ${reportPath} (run ${base.id})` });
    const compared = compareWithBaseline(store, baseline, head);
    if (!('comparison' in compared)) throw new Error('expected a comparison');
    const { comparison } = compared;
    expect(comparison.cells).toEqual({ a: 4, b: 5, paired: 4 });
    expect(comparison.onlyInB.testIds).toEqual(['t4']);
    expect(comparison.overall).toMatchObject({ regressions: 2, fixes: 0, usage: { a: { cost: 0.04, tokens: { total: 16 } } } });
    expect(comparison.targets[0]!.regressed.map((t) => t.testId)).toEqual(['t0', 't1']);

    const gate = summarizeRun(store, head, { baseline: compared }).gate;
    expect(gate.baseline).toEqual({ runId: `report:${base.id}`, ref: reportPath });
    expect(gate.checks.find((c) => c.gate === 'maxRegression')).toMatchObject({ status: 'pass', measured: 0.5, target: { significant: false } });

    store.close();
    store = openStore(join(dir, 'db.sqlite'));
    const tables = store.db.prepare(`SELECT name FROM sqlite_master WHERE name LIKE 'llmlab%'`).all();
    expect(tables).toEqual([]);
    expect(store.runs.list().map((r) => r.id)).toEqual([head.id]);
  });

  it('rejects a missing or malformed report file with exit-2 errors', async () => {
    await expect(resolveBaseline(store, 'nope.json', suite, dir)).rejects.toMatchObject({ code: 'FILE_NOT_FOUND', message: '--baseline nope.json: no such report file' });
    writeFileSync(join(dir, 'bad.json'), '{"schemaVersion": 1, "run": {"id": "x", "suite": {"path": "/s"}}, "cells": [{"providerLabel": "a"}]}');
    await expect(resolveBaseline(store, 'bad.json', suite, dir)).rejects.toMatchObject({
      code: 'USAGE',
      message: '--baseline bad.json: not an llmlab JSON report (cells[0] has no promptId)',
    });
    writeFileSync(join(dir, 'broken.json'), '{');
    await expect(resolveBaseline(store, 'broken.json', suite, dir)).rejects.toMatchObject({ message: expect.stringMatching(/cannot parse it/) });
  });

  it('says why there is no comparison when the baseline shares no tests', async () => {
    const a = storedRun(store, all(2, 'pass'), { createdAt: 1 });
    store.db.prepare(`UPDATE results SET test_id = 'renamed-' || test_id WHERE run_id = ?`).run(a.id);
    const b = storedRun(store, all(2, 'pass'), { createdAt: 2 });
    const baseline = await resolveBaseline(store, a.id, suite);
    expect(compareWithBaseline(store, baseline, b)).toEqual({ unavailable: `baseline run ${a.id} shares no tests with this run`, ref: a.id });
  });

  it('finds the run at a commit by the suite path inside the repository, completed runs first', () => {
    const sha = 'a'.repeat(40);
    const worktree = storedRun(store, all(1, 'pass'), { gitSha: sha, suitePath: '/tmp/llmlab-base/suites/s.yaml', createdAt: 1 });
    const newer = storedRun(store, all(1, 'pass'), { gitSha: sha, suitePath: '/tmp/llmlab-base/suites/s.yaml', createdAt: 2 });
    store.runs.setStatus(newer.id, 'interrupted');
    storedRun(store, all(1, 'pass'), { gitSha: sha, suitePath: '/tmp/llmlab-base/other/s.yaml', createdAt: 3 });
    storedRun(store, all(1, 'pass'), { gitSha: 'b'.repeat(40), createdAt: 4 });
    expect(findRunAtCommit(store, sha, suite.path, 'suites/s.yaml')?.id).toBe(worktree.id);
    expect(findRunAtCommit(store, sha, suite.path, undefined)).toBeUndefined();
    expect(findRunAtCommit(store, 'c'.repeat(40), suite.path, 'suites/s.yaml')).toBeUndefined();
  });
});
