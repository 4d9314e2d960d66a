import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatGateLines } from '../../../src/report/console/gates-lines.js';
import { summarizeRun } from '../../../src/report/summary.js';
import type { Gates } from '../../../src/suite-settings.js';
import type { CellResult } from '../../../src/types.js';
import { tempStore } from '../helpers.js';
import { BASE, pairedCells, recipe, storeFinetuneRun, storeJobs, TUNED } from '../finetune-runs.js';
import type { RunFinetune } from '../../../src/store/runs.js';

let t: ReturnType<typeof tempStore>;
beforeEach(() => (t = tempStore()));
afterEach(() => t.dispose());

function gateOf(cells: CellResult[], finetune: Gates['finetune'], r: RunFinetune = recipe()) {
  const summary = summarizeRun(t.store, storeFinetuneRun(t.store, cells, [r], { minPassRate: 0, finetune }));
  return { checks: summary.gate.checks.filter((c) => c.gate === 'finetune'), gate: summary.gate };
}

describe('the finetune gate', () => {
  it('passes a clear win whose interval lies above the margin', () => {
    const { checks, gate } = gateOf(pairedCells('p', TUNED, [20, 2, 10, 8]), {});
    expect(checks).toHaveLength(1);
    expect(checks[0]).toMatchObject({ status: 'pass', recipe: 'support-v2', measuredText: 'support-v2: +20.0 pts [+3.1, +35.3] (n=40)' });
    expect(gate.passed).toBe(true);
    expect(formatGateLines(gate)).toContain('gate finetune: pass — support-v2: +20.0 pts [+3.1, +35.3] (n=40), threshold > 0.0 pts (lower bound of the interval)');
  });

  it('fails a small noisy win when significance is required, and passes it when not', () => {
    const cells = pairedCells('p', TUNED, [30, 3, 5, 2]);
    const strict = gateOf(cells, { requireSignificance: true }).checks[0]!;
    expect(strict.status).toBe('fail');
    expect(strict.reason).toMatch(/^support-v2: the interval's lower bound −\d+\.\d pts is not above the margin 0\.0 pts \(not significant\)$/);
    t.dispose();
    t = tempStore();
    expect(gateOf(cells, { requireSignificance: false }).checks[0]!.status).toBe('pass');
  });

  it('fails a loss beyond a negative margin, and tolerates one within it without significance', () => {
    const cells = pairedCells('p', TUNED, [30, 3, 1, 6]);
    expect(gateOf(cells, { margin: -0.1, requireSignificance: false }).checks[0]!.status).toBe('pass');
    t.dispose();
    t = tempStore();
    const check = gateOf(cells, { margin: -0.02, requireSignificance: false }).checks[0]!;
    expect(check.status).toBe('fail');
    expect(check.reason).toBe('support-v2: the pass-rate difference −5.0 pts is not above the margin −2.0 pts');
  });

  it('fails a significant metric drop even when the pass rate wins', () => {
    const cells = pairedCells('p', TUNED, [30, 0, 10, 0], { metric: 'tone', scores: { base: 0.8, tuned: 0.5 } });
    const check = gateOf(cells, {}).checks[0]!;
    expect(check.status).toBe('fail');
    expect(check.reason).toBe('support-v2: metric tone dropped 0.30 (0.80 → 0.50, Holm p<0.001)');
  });

  it('fails a forgetting drop beyond maxForgetting, and not a small one', () => {
    const r = recipe([{ label: TUNED }], { forgetting: [{ name: 'gsm8k', path: 'suites/gsm8k.yaml', prompts: ['q'] }] });
    const main = pairedCells('p', TUNED, [20, 0, 20, 0]);
    const big = gateOf([...main, ...pairedCells('forgetting:gsm8k/q', TUNED, [10, 20, 0, 10], { from: 100 })], {}, r).checks[0]!;
    expect(big.status).toBe('fail');
    expect(big.reason).toBe('support-v2: forgetting gsm8k dropped 50.0 pts, more than maxForgetting 5.0 pts');
    t.dispose();
    t = tempStore();
    // A 10-point drop from 2 discordant pairs of 20 is beyond 5 points but not significant: it fails only without significance.
    const noisy = [...main, ...pairedCells('forgetting:gsm8k/q', TUNED, [15, 2, 0, 3], { from: 100 })];
    expect(gateOf(noisy, {}, r).checks[0]!.status).toBe('pass');
    t.dispose();
    t = tempStore();
    expect(gateOf(noisy, { requireSignificance: false }, r).checks[0]!.status).toBe('fail');
  });

  it('fails with the job\'s error when the training failed and its cells were skipped', () => {
    const r = recipe();
    storeJobs(t.store, r, 'invalid file format: line 3 has no assistant message');
    const skipped = pairedCells('p', TUNED, [10, 0, 0, 0]).map((c) =>
      c.providerLabel === BASE ? c : { ...c, status: 'skipped' as const, skipReason: 'finetune' as const, error: 'training failed' });
    const { checks, gate } = gateOf(skipped, {}, r);
    expect(checks[0]).toMatchObject({
      status: 'fail', measured: null, measuredText: 'support-v2: not evaluated',
      reason: `support-v2: ${TUNED}: invalid file format: line 3 has no assistant message`,
    });
    expect(gate.passed).toBe(false);
  });

  it('reports the comparison without a gate when the suite sets no gates.finetune', () => {
    const summary = summarizeRun(t.store, storeFinetuneRun(t.store, pairedCells('p', TUNED, [30, 3, 5, 2]), [recipe()], { minPassRate: 0 }));
    expect(summary.finetunes).toHaveLength(1);
    expect(summary.gate.checks.map((c) => c.gate)).toEqual(['minPassRate']);
  });

  it('counts forgetting cells toward maxErrors and maxCostUsd, like attack cells', () => {
    const r = recipe([{ label: TUNED }], { forgetting: [{ name: 'gsm8k', path: 'suites/gsm8k.yaml', prompts: ['q'] }] });
    const forgetting = pairedCells('forgetting:gsm8k/q', TUNED, [1, 0, 0, 0], { from: 100 }).map((c) => ({ ...c, cost: 0.5 }));
    forgetting[0] = { ...forgetting[0]!, status: 'error', error: 'timeout' };
    const summary = summarizeRun(t.store, storeFinetuneRun(t.store, [...pairedCells('p', TUNED, [2, 0, 0, 0]), ...forgetting], [r], { maxErrors: 0, maxCostUsd: 0.5 }));
    expect(summary.errors).toBe(0);
    expect(summary.gate.checks.find((c) => c.gate === 'maxErrors')).toMatchObject({ status: 'fail', measured: 1 });
    expect(summary.gate.checks.find((c) => c.gate === 'maxCostUsd')).toMatchObject({ status: 'fail', measured: 1 });
  });
});
