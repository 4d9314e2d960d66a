/**
 * Paired comparisons of mean scores. Expected values from SciPy 1.17, `scipy.stats.ttest_rel(b, a)` (equal to
 * R's `t.test(b, a, paired = TRUE)`): a = 0.2 0.4 0.6 0.8, b = 0.5 0.6 0.7 1.0 → d = 0.3 0.2 0.1 0.2, d̄ = 0.2,
 * s_d = 0.0816497, t = 4.898979 on 3 df, p = 0.0162766, 95 % CI [0.0700772, 0.3299228].
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeJsonReport } from '../../../src/report/writers/json.js';
import { formatScoreComparisons } from '../../../src/report/console/metric-lines.js';
import { summarizeRun } from '../../../src/report/summary.js';
import { formatSummaryTable } from '../../../src/report/console/table.js';
import type { Store } from '../../../src/store/index.js';
import { reportValidator, tempStore, verdictCell } from '../helpers.js';
import { scoredCell, storeRunWith } from '../score-cells.js';

let t: ReturnType<typeof tempStore>;
let store: Store;
beforeEach(() => {
  t = tempStore();
  store = t.store;
});
afterEach(() => t.dispose());

const A = [0.2, 0.4, 0.6, 0.8];
const B = [0.5, 0.6, 0.7, 1.0];
const scores = (prompt: string, provider: string, values: number[]) =>
  values.map((v, i) => scoredCell(prompt, provider, i, v));

describe('score comparisons', () => {
  it('runs a paired t-test on b − a over the shared tests', () => {
    const s = summarizeRun(store, storeRunWith(store, [...scores('a', 'X', A), ...scores('b', 'X', B)], { prompts: ['a', 'b'] }));
    expect(s.scoreComparisons).toHaveLength(1);
    const [c] = s.scoreComparisons;
    expect(c).toMatchObject({ kind: 'prompt', a: 'a', b: 'b', on: 'X', n: 4, significant: true });
    expect(c!.meanScoreA).toBeCloseTo(0.5, 12);
    expect(c!.meanScoreB).toBeCloseTo(0.7, 12);
    expect(c!.difference).toMatchObject({ method: 'paired-t', confidence: 0.95 });
    expect(c!.difference.estimate).toBeCloseTo(0.2, 12);
    expect(c!.difference.low).toBeCloseTo(0.0700771736, 8);
    expect(c!.difference.high).toBeCloseTo(0.3299228264, 8);
    expect(c!.pValue).toBeCloseTo(0.0162766035, 8);
    // A single comparison: Holm changes nothing.
    expect(c!.adjustedPValue).toBe(c!.pValue);
    expect(c!.mde).toBeGreaterThan(0);
  });

  it('clamps the interval of a difference of [0, 1] scores to [−1, 1]', () => {
    // d = −0.9 −0.9 −0.1 −0.1: d̄ = −0.5, s_d = 0.4619, t₀.₉₇₅(3) = 3.1824 → raw CI [−1.235, 0.235].
    const s = summarizeRun(
      store,
      storeRunWith(store, [...scores('a', 'X', [1, 1, 0.2, 0.2]), ...scores('b', 'X', [0.1, 0.1, 0.1, 0.1])], { prompts: ['a', 'b'] }),
    );
    const d = s.scoreComparisons[0]!.difference;
    expect(d.estimate).toBeCloseTo(-0.5, 12);
    expect(d.low).toBe(-1);
    expect(d.high).toBeCloseTo(0.2349, 3);
  });

  it('pairs by test identity, skips unshared tests, and Holm-adjusts across the family', () => {
    // c equals a, so a–c has every difference 0 (p = 1); b–c mirrors a–b. Holm over [0.0162766, 1, 0.0162766]:
    // sorted p₁ = p₂ = 0.0162766 → 3 · p = 0.0488298 for both; the largest → max(0.0488298, 1 · 1) = 1.
    const cells = [
      ...scores('a', 'X', A),
      ...scores('b', 'X', B),
      ...scores('c', 'X', A),
      scoredCell('b', 'X', 9, 0.3), // only b has test t9: not paired
    ];
    const s = summarizeRun(store, storeRunWith(store, cells, { prompts: ['a', 'b', 'c'] }));
    expect(s.scoreComparisons.map((c) => [c.a, c.b, c.n])).toEqual([['a', 'b', 4], ['a', 'c', 4], ['b', 'c', 4]]);
    const [ab, ac, bc] = s.scoreComparisons;
    expect(ac).toMatchObject({ pValue: 1, adjustedPValue: 1, significant: false, mde: null });
    expect(ab!.adjustedPValue).toBeCloseTo(3 * 0.0162766035, 8);
    expect(bc!.adjustedPValue).toBeCloseTo(3 * 0.0162766035, 8);
    expect(bc!.difference.estimate).toBeCloseTo(-0.2, 12);
    expect(ab!.significant && bc!.significant).toBe(true);
  });

  it('is empty when every score is 0 or 1: McNemar already tests those', () => {
    const cells = [0, 1, 2].flatMap((i) => [verdictCell('a', 'X', i, 'pass'), verdictCell('b', 'X', i, i ? 'fail' : 'pass')]);
    const s = summarizeRun(store, storeRunWith(store, cells));
    expect(s.comparisons).toHaveLength(1);
    expect(s.scoreComparisons).toEqual([]);
  });

  it('prints a block under the pass-rate comparisons and validates in the JSON report', () => {
    const run = storeRunWith(store, [...scores('a', 'X', A), ...scores('b', 'X', B)], { prompts: ['a', 'b'] });
    const s = summarizeRun(store, run);
    const lines = formatScoreComparisons(s.scoreComparisons);
    expect(lines[0]).toBe('score comparisons (b − a mean score over the same tests, paired t)');
    expect(lines[1]).toMatch(/^ {2}a vs b on X: \+0\.200 \[\+0\.070, \+0\.330\], p=0\.016 \(significant; MDE 0\.\d{3} at n=4\)$/);
    const table = formatSummaryTable(s);
    expect(table.indexOf('score comparisons')).toBeGreaterThan(table.indexOf('comparisons (b − a over the same tests'));
    const path = join(t.dir, 'scores.json');
    writeJsonReport(path, store, run, s, '1');
    const report = JSON.parse(readFileSync(path, 'utf8'));
    const validate = reportValidator();
    expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
    expect(report.summary.scoreComparisons[0].difference.method).toBe('paired-t');
  });
});
