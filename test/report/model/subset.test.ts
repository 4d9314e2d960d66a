/** The subset line every report prints, and the gate verdict that says it judged a subset. */
import { describe, expect, it } from 'vitest';
import { formatGateLines } from '../../../src/report/console/gates-lines.js';
import { evaluateGates } from '../../../src/report/gates/evaluate.js';
import { subsetLine, subsetOf } from '../../../src/report/model/subset.js';

describe('subset line', () => {
  it('counts with thousands separators and names the flags', () => {
    expect(subsetLine({ flags: '--filter refund', cells: 40, suiteCells: 2000 })).toBe('subset: 40 of 2,000 cells (--filter refund)');
  });

  it('is absent for a whole run', () => {
    expect(subsetOf({ options: { concurrency: 1, repeat: 1, cache: true, llmlabVersion: 't' } })).toBeUndefined();
  });

  it('follows the gate verdict, passed or failed', () => {
    const totals = { passed: 1, failed: 1, errors: 0, skipped: 0, cells: 2, passRate: 0.5, cost: 0 };
    const subset = 'subset: 2 of 8 cells (--first 1)';
    const failed = formatGateLines(evaluateGates({ totals, missing: 0, gates: {}, subset }));
    expect(failed.at(-1)).toBe('gate failed: minPassRate — judged a subset: 2 of 8 cells (--first 1)');
    const passed = formatGateLines(evaluateGates({ totals, missing: 0, gates: { minPassRate: 0.5 }, subset }));
    expect(passed.at(-1)).toBe('gate passed (1 gate checked) — judged a subset: 2 of 8 cells (--first 1)');
  });
});
