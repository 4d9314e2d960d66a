import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeJsonReport } from '../../src/report/writers/json.js';
import { percentile } from '../../src/report/shared.js';
import { summarizeRun } from '../../src/report/summary.js';
import { formatSummaryTable } from '../../src/report/console/table.js';
import { openStore, type Store } from '../../src/store/index.js';
import type { CellResult } from '../../src/types.js';

let dir: string;
let store: Store;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'llmlab-report-'));
  store = openStore(join(dir, 'db.sqlite'));
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

function cell(i: number, status: CellResult['status'], provider = 'a', latencyMs = i * 10): CellResult {
  return {
    cellId: `${provider}${i}`, providerId: provider, providerLabel: provider, promptId: 'p', testId: `t${i}`, testIndex: i,
    repeatIndex: 0, vars: { i }, prompt: 'q', output: '<script>alert(1)</script>', status, score: status === 'pass' ? 1 : 0,
    assertions: [], latencyMs, usage: { input: 10, output: 2, total: 12 }, cost: 0.5, cached: i === 0,
  };
}

function storedRun(cells: CellResult[], totalCells = cells.length, minPassRate?: number) {
  const run = store.runs.create({
    suitePath: '/s.yaml', suiteHash: 'h', totalCells,
    options: { concurrency: 8, repeat: 1, cache: true, llmlabVersion: 't', minPassRate },
  });
  cells.forEach((c, i) => store.results.put(run.id, c, i));
  store.runs.setStatus(run.id, 'completed');
  return store.runs.get(run.id)!;
}

describe('run summary', () => {
  it('totals per target and overall; errors count against the pass rate', () => {
    const run = storedRun([cell(0, 'pass'), cell(1, 'fail'), cell(2, 'error'), cell(3, 'pass', 'b')]);
    const s = summarizeRun(store, run);
    expect(s).toMatchObject({ cells: 4, passed: 2, failed: 1, errors: 1, passRate: 0.5, cost: 2, cachedCells: 1 });
    expect(s.tokens).toEqual({ input: 40, output: 8, total: 48 });
    expect(s.targets.map((t) => [t.providerLabel, t.passRate])).toEqual([['a', 1 / 3], ['b', 1]]);
    expect(s.gate.passed).toBe(false);
    expect(s.gate.reasons[0]).toMatch(/1 failed and 1 errored/);
  });

  it('gates on minPassRate and counts cells that never ran', () => {
    const ok = summarizeRun(store, storedRun([cell(0, 'pass'), cell(1, 'fail')], 2, 0.5));
    expect(ok.gate).toMatchObject({ passed: true, reasons: [], minPassRate: 0.5, baseline: null });
    expect(ok.gate.checks).toEqual([expect.objectContaining({ gate: 'minPassRate', status: 'pass', measured: 0.5, threshold: 0.5 })]);
    const low = summarizeRun(store, storedRun([cell(0, 'pass'), cell(1, 'fail')], 2, 0.9));
    expect(low.gate.reasons).toEqual(['pass rate 50.0% is below minPassRate 90.0%']);
    const partial = summarizeRun(store, storedRun([cell(0, 'pass')], 3));
    expect(partial.gate.reasons[0]).toMatch(/2 cells did not run/);
  });

  it('uses nearest-rank percentiles', () => {
    expect(percentile([], 0.5)).toBeNull();
    expect(percentile([5], 0.95)).toBe(5);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.5)).toBe(5);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.95)).toBe(10);
  });

  it('prints a table with a row per target and a total', () => {
    const table = formatSummaryTable(summarizeRun(store, storedRun([cell(0, 'pass'), cell(1, 'fail', 'b')])));
    expect(table.split('\n')[0]).toMatch(/^prompt\s+provider\s+pass\s+fail\s+error\s+rate/);
    // Wilson 95 %: 1/1 → [n/(n + z²), 1] = [0.207, 1]; 1/2 → [0.095, 0.905].
    expect(table).toMatch(/\ba\s+1\s+0\s+0\s+100\.0% \[20\.7–100\.0\]\s/);
    expect(table).toMatch(/total\s+1\s+1\s+0\s+50\.0% \[9\.5–90\.5\]\s/);
  });

  it('writes a JSON report that parses, with every cell, streamed from the store', () => {
    const cells = Array.from({ length: 1000 }, (_, i) => cell(i, i % 3 ? 'pass' : 'fail'));
    const run = storedRun(cells);
    const path = join(dir, 'out', 'report.json');
    writeJsonReport(path, store, run, summarizeRun(store, run), '9.9.9');
    const report = JSON.parse(readFileSync(path, 'utf8'));
    expect(report.schemaVersion).toBe(1);
    expect(report.generator).toBe('llmlab 9.9.9');
    expect(report.run).toMatchObject({ id: run.id, status: 'completed', suite: { path: '/s.yaml', hash: 'h' } });
    expect(report.summary.cells).toBe(1000);
    expect(report.cells).toHaveLength(1000);
    expect(report.cells[1]).toMatchObject({ cellId: 'a1', status: 'pass', output: '<script>alert(1)</script>' });
    const validate = reportValidator();
    expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
  });

  it('writes a valid JSON report for a run with no cells', () => {
    const run = storedRun([]);
    const path = join(dir, 'empty.json');
    writeJsonReport(path, store, run, summarizeRun(store, run), '1');
    const report = JSON.parse(readFileSync(path, 'utf8'));
    expect(report.cells).toEqual([]);
    expect(reportValidator()(report)).toBe(true);
  });
});

function reportValidator() {
  const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
  addFormats.default(ajv);
  return ajv.compile(JSON.parse(readFileSync(new URL('../../schemas/report.schema.json', import.meta.url), 'utf8')));
}

describe('target order', () => {
  it('follows the suite (providers, then prompts) when the run recorded it, not the finishing order', () => {
    const run = store.runs.create({
      suitePath: '/s.yaml', suiteHash: 'h', totalCells: 3,
      options: { concurrency: 8, repeat: 1, cache: true, llmlabVersion: 't', providers: ['b', 'a'], prompts: ['p'] },
    });
    [cell(0, 'pass', 'a'), cell(1, 'pass', 'b')].forEach((c, i) => store.results.put(run.id, c, i));
    expect(summarizeRun(store, run).targets.map((t) => t.providerLabel)).toEqual(['b', 'a']);
  });
});
