/**
 * Judge agreement per target × metric (graderRepeat > 1) and grading cost in the summary, from stored cells.
 * Expected values by hand from Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", §C (nominal).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeJsonReport } from '../../../src/report/writers/json.js';
import { formatMetrics } from '../../../src/report/console/metric-lines.js';
import { summarizeRun } from '../../../src/report/summary.js';
import { formatSummaryTable } from '../../../src/report/console/table.js';
import type { CellResult } from '../../../src/types.js';
import { reportValidator, tempStore } from '../helpers.js';
import { gradedCell, storeRunWith } from '../score-cells.js';

let t: ReturnType<typeof tempStore>;
beforeEach(() => (t = tempStore()));
afterEach(() => t.dispose());

/** A cell whose `metric` assertion was judged in rounds `verdicts` (pass by majority), costing `cost`. */
function judgedCell(test: number, verdicts: boolean[], cost = 0.001, provider = 'A', metric = 'llm-rubric'): CellResult {
  const passes = verdicts.filter(Boolean).length;
  const pass = passes * 2 > verdicts.length;
  const cell = gradedCell('p', provider, test, [[metric, passes / verdicts.length, pass]]);
  cell.assertions[0] = { ...cell.assertions[0]!, judgeVerdicts: verdicts, cost };
  return { ...cell, gradingCost: cost };
}

describe('judge agreement', () => {
  it('gives Krippendorff alpha and percent agreement over outputs × rounds', () => {
    const T = true;
    const F = false;
    const run = storeRunWith(t.store, [judgedCell(0, [T, F, T]), judgedCell(1, [T, T, T]), judgedCell(2, [F, F, F])]);
    const [m] = summarizeRun(t.store, run).metrics;
    // 9 pairable values, 5 T and 4 F. D_o = (1/9)·(9 − (4 + 1))/(3 − 1) = 2/9 (units 2 and 3 agree fully);
    // D_e = (81 − 25 − 16)/(9·8) = 5/9; α = 1 − (2/9)/(5/9) = 0.6. Percent: (2/6 + 1 + 1)/3 = 7/9.
    expect(m!.judgeAgreement!.alpha).toBeCloseTo(0.6, 12);
    expect(m!.judgeAgreement!.percent).toBeCloseTo(7 / 9, 12);
    expect(m!.judgeAgreement).toMatchObject({ units: 3, raters: 3 });
  });

  it('handles units with different round counts, and is null where alpha is undefined', () => {
    const T = true;
    const F = false;
    // Units (T,F) and (T,T,F): n = 5, T = 3, F = 2. D_o = (1/5)·[(4 − 2)/1 + (9 − 5)/2] = 4/5;
    // D_e = (25 − 9 − 4)/(5·4) = 3/5; α = 1 − (4/5)/(3/5) = −1/3. Percent: (0/2 + 2/6)/2 = 1/6.
    const mixed = summarizeRun(t.store, storeRunWith(t.store, [judgedCell(0, [T, F]), judgedCell(1, [T, T, F])])).metrics[0]!;
    expect(mixed.judgeAgreement!.alpha).toBeCloseTo(-1 / 3, 12);
    expect(mixed.judgeAgreement!.percent).toBeCloseTo(1 / 6, 12);
    expect(mixed.judgeAgreement).toMatchObject({ units: 2, raters: 3 });
    // Every verdict the same: no variation, so D_e = 0 and alpha is undefined; agreement is total.
    const unanimous = summarizeRun(t.store, storeRunWith(t.store, [judgedCell(0, [T, T, T]), judgedCell(1, [T, T, T])])).metrics[0]!;
    expect(unanimous.judgeAgreement).toEqual({ alpha: null, percent: 1, units: 2, raters: 3 });
  });

  it('is absent for metrics judged once, and for metrics that are not model-graded', () => {
    const cells = [judgedCell(0, [true]), judgedCell(1, [false]), gradedCell('p', 'A', 2, [['equals', 1, true]])];
    const metrics = summarizeRun(t.store, storeRunWith(t.store, cells)).metrics;
    expect(metrics.map((m) => [m.metric, m.judgeAgreement])).toEqual([
      ['equals', undefined],
      ['llm-rubric', undefined],
    ]);
  });

  it('shows on the console metrics line', () => {
    const run = storeRunWith(t.store, [judgedCell(0, [true, false, true]), judgedCell(1, [true, true, true]), judgedCell(2, [false, false, false])]);
    const lines = formatMetrics(summarizeRun(t.store, run).metrics);
    expect(lines[0]).toMatch(/judge rounds' Krippendorff α and agreement, outputs × rounds\)$/);
    expect(lines[1]).toMatch(/^  p × A {2}llm-rubric {2}score 0\.556 .* n=3 {2}judges α=0\.600 agree 77\.8% \(3 × 3\)$/);
  });
});

describe('grading cost', () => {
  it('adds up per target and in total, apart from the generation cost, and fits the report schema', () => {
    const cells = [judgedCell(0, [true, true], 0.002), judgedCell(1, [true, false], 0.003), judgedCell(0, [true, true], 0.004, 'B')];
    cells[0]!.cost = 0.01;
    const run = storeRunWith(t.store, cells);
    const summary = summarizeRun(t.store, run);
    expect(summary.gradingCost).toBeCloseTo(0.009, 15);
    expect(summary.cost).toBeCloseTo(0.01, 15);
    expect(summary.targets.map((x) => [x.providerLabel, x.gradingCost])).toEqual([
      ['A', expect.closeTo(0.005, 15)],
      ['B', expect.closeTo(0.004, 15)],
    ]);
    expect(formatSummaryTable(summary)).toContain('grading (judge and embedding calls): $0.009, not in cost above');
    const path = join(t.dir, 'report.json');
    writeJsonReport(path, t.store, run, summary, 'test');
    const report = JSON.parse(readFileSync(path, 'utf8'));
    const validate = reportValidator();
    expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
    expect(report.cells[0]).toMatchObject({ gradingCost: 0.002, assertions: [{ cost: 0.002, judgeVerdicts: [true, true] }] });
    expect(report.summary.metrics[0].judgeAgreement).toEqual({ alpha: expect.any(Number), percent: 0.5, units: 2, raters: 2 });
  });

  it('is 0 when nothing was model-graded', () => {
    const summary = summarizeRun(t.store, storeRunWith(t.store, [gradedCell('p', 'A', 0, [['equals', 1, true]])]));
    expect(summary.gradingCost).toBe(0);
    expect(formatSummaryTable(summary)).not.toContain('grading');
  });
});
