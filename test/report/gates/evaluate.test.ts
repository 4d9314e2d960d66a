import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { compareRuns } from '../../../src/report/compare/compare-runs.js';
import { evaluateGates, type GateInput } from '../../../src/report/gates/evaluate.js';
import { formatGateLines } from '../../../src/report/console/gates-lines.js';
import { openStore, type RunRecord, type Store } from '../../../src/store/index.js';
import type { CellResult, CellStatus } from '../../../src/types.js';

let dir: string;
let store: Store;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'llmlab-gates-'));
  store = openStore(join(dir, 'db.sqlite'));
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

const totals = (over: Partial<GateInput['totals']> = {}): GateInput['totals'] => ({
  cells: 10, passed: 10, failed: 0, errors: 0, skipped: 0, passRate: 1, cost: 0, ...over,
});

/** A stored run with one cell per status, on `provider` × prompt `p`, tests t0, t1, … */
function storedRun(statuses: CellStatus[], provider = 'bot', run?: RunRecord): RunRecord {
  const r = run ?? store.runs.create({ suitePath: '/s.yaml', suiteHash: 'h', totalCells: statuses.length, options: { concurrency: 1, repeat: 1, cache: true, llmlabVersion: 't' } });
  statuses.forEach((status, i) => {
    const cell: CellResult = {
      cellId: `${provider}${i}`, providerId: provider, providerLabel: provider, promptId: 'p', testId: `t${i}`, testIndex: i, repeatIndex: 0,
      vars: {}, prompt: 'q', output: 'a', status, score: status === 'pass' ? 1 : 0, assertions: [], latencyMs: 1, cost: 0, cached: false,
    };
    store.results.put(r.id, cell, store.results.nextSeq(r.id));
  });
  store.runs.setStatus(r.id, 'completed');
  return store.runs.get(r.id)!;
}

const times = (n: number, status: CellStatus): CellStatus[] => new Array<CellStatus>(n).fill(status);

/** The gates of `after` against `before` (both per provider), for maxRegression. */
function regression(before: Record<string, CellStatus[]>, after: Record<string, CellStatus[]>, gates: GateInput['gates']) {
  let a: RunRecord | undefined;
  let b: RunRecord | undefined;
  for (const [provider, statuses] of Object.entries(before)) a = storedRun(statuses, provider, a);
  for (const [provider, statuses] of Object.entries(after)) b = storedRun(statuses, provider, b);
  const comparison = compareRuns(store, a!, b!);
  return evaluateGates({ totals: totals(), missing: 0, gates, baseline: { comparison, ref: 'latest~1' } });
}

describe('gates', () => {
  it('without minPassRate every cell must pass (the default gate)', () => {
    const ok = evaluateGates({ totals: totals(), missing: 0, gates: {} });
    expect(ok).toMatchObject({ passed: true, reasons: [], baseline: null });
    expect(ok.checks).toEqual([expect.objectContaining({ gate: 'minPassRate', status: 'pass', threshold: 1, default: true })]);
    const bad = evaluateGates({ totals: totals({ passed: 8, failed: 1, errors: 1, passRate: 0.8 }), missing: 0, gates: {} });
    expect(bad.passed).toBe(false);
    expect(bad.reasons).toEqual(['1 failed and 1 errored cells (set gates.minPassRate to tolerate some)']);
  });

  it('minPassRate passes at the threshold exactly, despite float noise, and fails below it', () => {
    const at = evaluateGates({ totals: totals({ passed: 7, failed: 3, passRate: 7 / 10 }), missing: 0, gates: { minPassRate: 0.7 } });
    expect(at.passed).toBe(true);
    const below = evaluateGates({ totals: totals({ passed: 6, failed: 4, passRate: 0.6 }), missing: 0, gates: { minPassRate: 0.7 } });
    expect(below.reasons).toEqual(['pass rate 60.0% is below minPassRate 70.0%']);
    expect(below.checks[0]).toMatchObject({ status: 'fail', measured: 0.6, threshold: 0.7, measuredText: '60.0% (6 of 10 cells)', thresholdText: '≥ 70.0%' });
    expect(below.minPassRate).toBe(0.7);
  });

  it('maxErrors counts errored cells; maxCostUsd the run cost', () => {
    const input = { totals: totals({ passed: 7, errors: 3, passRate: 0.7, cost: 1.25 }), missing: 0 };
    const ok = evaluateGates({ ...input, gates: { minPassRate: 0, maxErrors: 3, maxCostUsd: 1.25 } });
    expect(ok.checks.map((c) => [c.gate, c.status])).toEqual([['minPassRate', 'pass'], ['maxErrors', 'pass'], ['maxCostUsd', 'pass']]);
    const bad = evaluateGates({ ...input, gates: { minPassRate: 0, maxErrors: 2, maxCostUsd: 1 } });
    expect(bad.reasons).toEqual(['3 cells errored, more than maxErrors 2', 'cost $1.25 is above maxCostUsd $1.00']);
    // Judge and embedding calls are paid for too.
    const judged = evaluateGates({ totals: totals({ cost: 0.75, gradingCost: 0.5 }), missing: 0, gates: { maxCostUsd: 1 } });
    expect(judged.checks[1]).toMatchObject({ status: 'fail', measured: 1.25, measuredText: '$1.25 ($0.75 generation + $0.50 grading)' });
  });

  it('fails a run with cells that never ran, first', () => {
    const r = evaluateGates({ totals: totals(), missing: 2, gates: {} });
    expect(r.checks[0]).toMatchObject({ gate: 'complete', status: 'fail', measured: 2 });
    expect(r.reasons[0]).toMatch(/2 cells did not run/);
  });

  it('fails a run the budget stopped: its skipped cells did not run either', () => {
    const r = evaluateGates({ totals: totals(), missing: 0, budgetSkipped: 6, gates: {} });
    expect(r.passed).toBe(false);
    expect(r.checks[0]).toMatchObject({ gate: 'complete', status: 'fail', measured: 6 });
    expect(r.reasons[0]).toBe('6 cells skipped by the budget; resume with a larger --budget-usd');
    const both = evaluateGates({ totals: totals(), missing: 2, budgetSkipped: 6, gates: {} });
    expect(both.checks[0]).toMatchObject({ measured: 8, measuredText: '2 cells did not run, 6 skipped by the budget' });
  });

  it('reports maxRegression as not checked without a baseline, or with one that shares no tests', () => {
    const none = evaluateGates({ totals: totals(), missing: 0, gates: { maxRegression: 0.02 } });
    expect(none.passed).toBe(true);
    expect(none.checks[1]).toMatchObject({ gate: 'maxRegression', status: 'not-checked', measured: null, reason: expect.stringMatching(/^not checked: no baseline/) });
    const apart = evaluateGates({ totals: totals(), missing: 0, gates: { maxRegression: 0.02 }, baseline: { unavailable: 'baseline run X shares no tests with this run' } });
    expect(apart.checks[1]).toMatchObject({ status: 'not-checked', reason: 'not checked: baseline run X shares no tests with this run' });
  });

  it('maxRegression: a big drop on tiny n passes when significance is required, fails when not', () => {
    // 3 of 3 → 0 of 3: a 100-point drop, but McNemar's exact p = 2·0.5³ = 0.25.
    const before = { bot: times(3, 'pass') };
    const after = { bot: times(3, 'fail') };
    const lenient = regression(before, after, { maxRegression: 0.02 });
    expect(lenient.passed).toBe(true);
    const check = lenient.checks.find((c) => c.gate === 'maxRegression')!;
    expect(check).toMatchObject({ status: 'pass', measured: 1, requireSignificance: true, target: { providerLabel: 'bot', n: 3, adjustedPValue: expect.closeTo(0.25, 12), significant: false } });
    expect(check.reason).toBe('p × bot dropped 100.0 pts, but not significantly (McNemar, Holm p=0.25, n=3): could be noise');
    expect(lenient.baseline).toEqual({ runId: expect.any(String), ref: 'latest~1' });

    const strict = regression(before, after, { maxRegression: 0.02, requireSignificance: false });
    expect(strict.passed).toBe(false);
    expect(strict.reasons).toEqual(['p × bot: pass rate dropped 100.0 pts, more than the 2.0 pts tolerated']);
  });

  it('maxRegression fails on a significant drop beyond the tolerance, and tolerates a small one', () => {
    // 12 regressions, no fix: p = 2·0.5¹² ≈ 0.00049.
    const big = regression({ bot: times(20, 'pass') }, { bot: [...times(12, 'fail'), ...times(8, 'pass')] }, { maxRegression: 0.02 });
    expect(big.passed).toBe(false);
    expect(big.reasons[0]).toMatch(/^p × bot: pass rate dropped 60\.0 pts, more than the 2\.0 pts tolerated, and significant \(McNemar, Holm p<0\.001\)$/);
    // 1 of 50 tests regressed: a 2-point drop is within a 2-point tolerance (0.98 − 1 is not "more than 0.02").
    const small = regression({ bot: times(50, 'pass') }, { bot: [...times(1, 'fail'), ...times(49, 'pass')] }, { maxRegression: 0.02, requireSignificance: false });
    expect(small.passed).toBe(true);
    expect(small.checks[1]).toMatchObject({ status: 'pass', measured: expect.closeTo(0.02, 9) });
  });

  it('maxRegression adjusts p-values across targets with Holm', () => {
    // Alone, 6 regressions give p = 0.03125 (significant); with a second target the Holm-adjusted p is 0.0625.
    const six = [...times(6, 'fail'), ...times(4, 'pass')];
    const one = regression({ a: times(10, 'pass') }, { a: six }, { maxRegression: 0.05 });
    expect(one.passed).toBe(false);
    const two = regression({ a: times(10, 'pass'), b: times(10, 'pass') }, { a: six, b: six }, { maxRegression: 0.05 });
    expect(two.passed).toBe(true);
    expect(two.checks[1]!.target).toMatchObject({ adjustedPValue: expect.closeTo(0.0625, 12), significant: false });
  });

  it('prints one line per gate with measured value, threshold and verdict, then the overall verdict', () => {
    const r = evaluateGates({
      totals: totals({ passed: 9, failed: 1, passRate: 0.9, cost: 0.004 }),
      missing: 0,
      gates: { minPassRate: 0.95, maxErrors: 0, maxCostUsd: 2, maxRegression: 0.02 },
    });
    expect(formatGateLines(r)).toEqual([
      'gate minPassRate: FAIL — 90.0% (9 of 10 cells), threshold ≥ 95.0%: pass rate 90.0% is below minPassRate 95.0%',
      'gate maxErrors: pass — 0 errored cells, threshold ≤ 0',
      'gate maxCostUsd: pass — $0.004, threshold ≤ $2.00',
      'gate maxRegression: not checked — no baseline (run with --baseline <run | report.json | git:REF>), threshold drop ≤ 2.0 pts, significant drops only',
      'gate failed: minPassRate',
    ]);
  });
});
