/**
 * Repeat statistics, hand-checked. One target, repeat 4, four tests (P pass, F fail, E error):
 *   t0 PPPP (c = 4), t1 PPFF (c = 2, a tie), t2 FFFF (c = 0), t3 PFEF (c = 1, one error).
 * Pairwise agreement Σ_v n_v(n_v − 1) / (n(n − 1)), n(n − 1) = 12: t0 12/12, t1 (2 + 2)/12, t2 12/12,
 * t3 (0 + 6)/12 → consistency (1 + 1/3 + 1 + 1/2)/4 = 0.7083333.
 * pass@1 = mean c/n = (1 + 0.5 + 0 + 0.25)/4 = 0.4375; pass@4 = 1 − C(4 − c, 4)/C(4, 4) = [c > 0] → 3/4.
 * Majority vote needs c > n/2: only t0 → 0.25, with one tie (t1). Flaky: t1 (2/4) and t3 (1/4, 1 error).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeJsonReport } from '../../../src/report/writers/json.js';
import { FLAKY_CONSOLE_LIMIT, formatRepeats } from '../../../src/report/console/metric-lines.js';
import { summarizeRun } from '../../../src/report/summary.js';
import { formatSummaryTable } from '../../../src/report/console/table.js';
import type { Store } from '../../../src/store/index.js';
import type { CellStatus } from '../../../src/types.js';
import { reportValidator, tempStore, verdictCell } from '../helpers.js';
import { storeRunWith } from '../score-cells.js';

let t: ReturnType<typeof tempStore>;
let store: Store;
beforeEach(() => {
  t = tempStore();
  store = t.store;
});
afterEach(() => t.dispose());

const STATUS: Record<string, CellStatus> = { P: 'pass', F: 'fail', E: 'error' };

/** `rows[i]` spells test i's verdicts across repeats, e.g. 'PFEF'. */
function repeatCells(prompt: string, provider: string, rows: string[]) {
  return rows.flatMap((row, test) => [...row].map((v, r) => verdictCell(prompt, provider, test, STATUS[v]!, r)));
}

const HAND_CHECKED = ['PPPP', 'PPFF', 'FFFF', 'PFEF'];

describe('repeat summary', () => {
  it('computes consistency, pass@1, pass@N, majority vote and the flaky list', () => {
    const s = summarizeRun(store, storeRunWith(store, repeatCells('p', 'A', HAND_CHECKED), { repeat: 4 }));
    expect(s.repeats).toHaveLength(1);
    const [r] = s.repeats;
    expect(r).toMatchObject({ promptId: 'p', providerLabel: 'A', repeat: 4, tests: 4, majorityVotePassRate: 0.25, majorityTies: 1 });
    expect(r!.consistency).toBeCloseTo(0.7083333333, 9);
    expect(r!.passAtK).toEqual([
      { k: 1, value: 0.4375, tests: 4 },
      { k: 4, value: 0.75, tests: 4 },
    ]);
    expect(r!.flaky).toEqual([
      { testId: 't1', description: null, n: 4, passes: 2, errors: 0 },
      { testId: 't3', description: null, n: 4, passes: 1, errors: 1 },
    ]);
  });

  it('uses the unbiased pass@k estimator, not the share of passing repeats', () => {
    // repeat 3, one test passing once: pass@1 = 1/3, pass@3 = 1 − C(2, 3)/C(3, 3) = 1; majority 0; agreement 1/3.
    const [r] = summarizeRun(store, storeRunWith(store, repeatCells('p', 'A', ['PFF']), { repeat: 3 })).repeats;
    expect(r!.passAtK[0]!.value).toBeCloseTo(1 / 3, 12);
    expect(r!.passAtK[1]).toEqual({ k: 3, value: 1, tests: 1 });
    expect(r!.majorityVotePassRate).toBe(0);
    expect(r!.consistency).toBeCloseTo(1 / 3, 12);
  });

  it('leaves tests with fewer than k repeats out of pass@k (an interrupted run)', () => {
    const [r] = summarizeRun(store, storeRunWith(store, repeatCells('p', 'A', ['PP', 'F']), { repeat: 2 })).repeats;
    // pass@1 over both tests: (1 + 0)/2; pass@2 only over t0: 1. Consistency only t0 has a pair: 1.
    expect(r!.passAtK).toEqual([
      { k: 1, value: 0.5, tests: 2 },
      { k: 2, value: 1, tests: 1 },
    ]);
    expect(r!.consistency).toBe(1);
  });

  it('is empty without repeats', () => {
    const s = summarizeRun(store, storeRunWith(store, repeatCells('p', 'A', ['P', 'F'])));
    expect(s.repeats).toEqual([]);
    expect(formatSummaryTable(s)).not.toContain('repeats (');
  });

  it('keeps targets apart and in suite order', () => {
    const cells = [...repeatCells('p', 'A', ['PP', 'PF']), ...repeatCells('p', 'B', ['FF', 'FF'])];
    const s = summarizeRun(store, storeRunWith(store, cells, { repeat: 2, providers: ['B', 'A'], prompts: ['p'] }));
    expect(s.repeats.map((r) => [r.providerLabel, r.flaky.length, r.consistency])).toEqual([
      ['B', 0, 1],
      ['A', 1, 0.5],
    ]);
  });
});

describe('repeats console block', () => {
  it('prints a line per target and its flaky tests', () => {
    const s = summarizeRun(store, storeRunWith(store, repeatCells('p', 'A', HAND_CHECKED), { repeat: 4 }));
    const lines = formatRepeats(s.repeats);
    expect(lines).toEqual([
      'repeats (4 per test; consistency = share of repeat pairs with the same verdict)',
      '  p × A: consistency 0.708, pass@1 43.8%, pass@4 75.0%, majority vote 25.0% (1 tied, counted as not passing), 2 flaky of 4 tests',
      '    flaky (passed/repeats): t1 2/4, t3 1/4',
    ]);
    expect(formatSummaryTable(s)).toContain(lines.join('\n'));
  });

  it(`lists at most ${FLAKY_CONSOLE_LIMIT} flaky tests on the console and all of them in the JSON report`, () => {
    const rows = Array.from({ length: 25 }, () => 'PF');
    const run = storeRunWith(store, repeatCells('p', 'A', rows), { repeat: 2 });
    const summary = summarizeRun(store, run);
    const flakyLine = formatRepeats(summary.repeats)[2]!;
    expect(flakyLine.match(/\d\/2/g)).toHaveLength(FLAKY_CONSOLE_LIMIT);
    expect(flakyLine).toMatch(/, … 5 more in the JSON report$/);
    const path = join(t.dir, 'repeats.json');
    writeJsonReport(path, store, run, summary, '1');
    const report = JSON.parse(readFileSync(path, 'utf8'));
    const validate = reportValidator();
    expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
    expect(report.summary.repeats[0].flaky).toHaveLength(25);
    expect(report.summary.repeats[0].flaky[24]).toEqual({ testId: 't24', description: null, n: 2, passes: 1, errors: 0 });
  });
});
