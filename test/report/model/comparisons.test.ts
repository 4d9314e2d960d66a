import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pairedProportionDiff } from '../../../src/stats/index.js';
import { writeJsonReport } from '../../../src/report/writers/json.js';
import { summarizeRun } from '../../../src/report/summary.js';
import { formatSummaryTable } from '../../../src/report/console/table.js';
import type { Store } from '../../../src/store/index.js';
import type { CellStatus } from '../../../src/types.js';
import { promptGrid, reportValidator, storeRun, tempStore, verdictCell } from '../helpers.js';

let t: ReturnType<typeof tempStore>;
let store: Store;
beforeEach(() => {
  t = tempStore();
  store = t.store;
});
afterEach(() => t.dispose());

/** The stats library computes binomial tails through the incomplete beta function: exact to ~1e-15, not bit-exact. */
const near = (actual: number[], expected: number[]) => {
  expect(actual).toHaveLength(expected.length);
  expected.forEach((e, i) => expect(actual[i]).toBeCloseTo(e, 14));
};
const rep = <T>(n: number, row: T): T[] => Array.from({ length: n }, () => row);

/**
 * Prompt p2 beats p1 on 9 of the 10 discordant tests (t0 counts: an error is a failure). t12 (p1 skipped) and
 * t13 (p1 never ran) are not pairs, so n = 12.
 */
function nineOfTen(): Array<Array<CellStatus | undefined>> {
  return [
    ['error', 'pass'],
    ...rep<CellStatus[]>(8, ['fail', 'pass']),
    ['pass', 'fail'],
    ...rep<CellStatus[]>(2, ['pass', 'pass']),
    ['skipped', 'pass'],
    [undefined, 'pass'],
  ];
}

describe('paired comparisons', () => {
  it('pairs two prompts by test: 9 of 10 discordant pairs → McNemar exact p = 2·11/1024 = 0.021484375', () => {
    const s = summarizeRun(store, storeRun(store, promptGrid('bot', ['p1', 'p2'], nineOfTen())));
    expect(s.comparisons).toHaveLength(1);
    const c = s.comparisons[0]!;
    expect(c).toMatchObject({ kind: 'prompt', a: 'p1', b: 'p2', on: 'bot', n: 12, aOnly: 1, bOnly: 9 });
    // p1 passes t9, t10, t11 (3 of 12); p2 passes all but t9 (11 of 12).
    expect(c.passRateA).toBe(3 / 12);
    expect(c.passRateB).toBe(11 / 12);
    expect(c.difference.estimate).toBeCloseTo(8 / 12, 15);
    // P(X ≤ 1) for X ~ Bin(10, ½) is (1 + 10)/1024; two-sided doubles it.
    near([c.pValue, c.adjustedPValue], [0.021484375, 0.021484375]);
    expect(c.significant).toBe(true);
    // The interval is the stats library's Newcombe interval for the same 2×2 table [2, 1, 9, 0].
    const table = [...rep(2, [true, true] as const), [true, false] as const, ...rep(9, [false, true] as const)];
    const expected = pairedProportionDiff(table)!;
    expect(c.difference).toEqual({ estimate: expected.estimate, low: expected.low, high: expected.high, method: 'newcombe', confidence: 0.95 });
    expect(c.difference.low).toBeGreaterThan(0);
    // d_i: nine +1, one −1, two 0 → s² = (10 − 12·(2/3)²)/11, se = √(s²/12) = 0.188025; MDE = 2.801585·se = 0.5268.
    expect(c.mde).toBeCloseTo(2.801585 * Math.sqrt((10 - 12 * (2 / 3) ** 2) / 11 / 12), 5);
  });

  it('prints one line per comparison after the table', () => {
    const s = summarizeRun(store, storeRun(store, promptGrid('bot', ['p1', 'p2'], nineOfTen())));
    const lines = formatSummaryTable(s).split('\n');
    const at = lines.indexOf('comparisons (b − a over the same tests, McNemar exact p)');
    expect(at).toBeGreaterThan(0);
    const d = s.comparisons[0]!.difference;
    const pts = (x: number) => `${x < 0 ? '−' : '+'}${Math.abs(x * 100).toFixed(1)}`;
    expect(lines[at + 1]).toBe(`  p1 vs p2 on bot: +66.7 pts [${pts(d.low)}, ${pts(d.high)}], p=0.021 (significant; MDE 53 pts at n=12)`);
    expect(lines.slice(at + 2)).toEqual([]);
  });

  it('adjusts across three prompt comparisons with Holm: two raw p < 0.05 that do not survive', () => {
    // Per test: [p1, p2, p3]. p1 vs p2: b=1, c=9 → p = 22/1024. p1 vs p3: b=0, c=1 → p = 1.
    // p2 vs p3: b=8, c=1 → p = 2·(1 + 9)/512 = 0.0390625.
    const rows = [...rep<CellStatus[]>(8, ['fail', 'pass', 'fail']), ['fail', 'pass', 'pass'], ['pass', 'fail', 'pass']] as CellStatus[][];
    const s = summarizeRun(store, storeRun(store, promptGrid('bot', ['p1', 'p2', 'p3'], rows)));
    expect(s.comparisons.map((c) => [c.a, c.b, c.aOnly, c.bOnly, c.n])).toEqual([
      ['p1', 'p2', 1, 9, 10],
      ['p1', 'p3', 0, 1, 10],
      ['p2', 'p3', 8, 1, 10],
    ]);
    near(s.comparisons.map((c) => c.pValue), [0.021484375, 1, 0.0390625]);
    // Holm, sorted ascending: 3·0.021484375 = 0.064453125; 2·0.0390625 = 0.078125; 1·1 = 1 (R: p.adjust(…, "holm")).
    near(s.comparisons.map((c) => c.adjustedPValue), [0.064453125, 1, 0.078125]);
    expect(s.comparisons.map((c) => c.significant)).toEqual([false, false, false]);
    expect(formatSummaryTable(s)).toContain(
      'comparisons (b − a over the same tests, McNemar exact p, Holm-adjusted across 3)',
    );
    expect(formatSummaryTable(s)).toMatch(/\n {2}p1 vs p2 on bot: \+80\.0 pts \[.+\], p=0\.021, Holm p=0\.064 \(not significant; MDE \d+ pts at n=10\)/);
  });

  it('compares prompts on the same provider and providers on the same prompt, never across both', () => {
    const cells = [0, 1, 2, 3].flatMap((test) => [
      verdictCell('short', 'x', test, 'pass'),
      verdictCell('long', 'x', test, test < 2 ? 'pass' : 'fail'),
      verdictCell('short', 'y', test, test === 0 ? 'pass' : 'fail'),
      verdictCell('long', 'y', test, 'fail'),
    ]);
    const s = summarizeRun(store, storeRun(store, cells));
    expect(s.comparisons.map((c) => `${c.kind}: ${c.a} vs ${c.b} on ${c.on} ${c.passRateA}→${c.passRateB}`)).toEqual([
      'prompt: short vs long on x 1→0.5',
      'prompt: short vs long on y 0.25→0',
      'provider: x vs y on short 1→0.25',
      'provider: x vs y on long 0.5→0',
    ]);
    // No discordant pairs would leave the MDE unknown; here each has some, so it is a number.
    expect(s.comparisons.every((c) => typeof c.mde === 'number')).toBe(true);
  });

  it('pairs repeats by repeat index', () => {
    const cells = [0, 1, 2].flatMap((repeat) => [
      verdictCell('p1', 'bot', 0, repeat === 0 ? 'pass' : 'fail', repeat),
      verdictCell('p2', 'bot', 0, 'pass', repeat),
    ]);
    const [c] = summarizeRun(store, storeRun(store, cells)).comparisons;
    expect(c).toMatchObject({ n: 3, aOnly: 0, bOnly: 2 });
  });

  it('has nothing to compare with one target, or when two targets share no finished test', () => {
    const one = summarizeRun(store, storeRun(store, promptGrid('bot', ['p'], [['pass'], ['fail']])));
    expect(one.comparisons).toEqual([]);
    expect(formatSummaryTable(one)).not.toMatch(/comparisons/);
    const disjoint = summarizeRun(store, storeRun(store, promptGrid('bot', ['p1', 'p2'], [['pass', 'skipped'], ['error', undefined]])));
    expect(disjoint.comparisons).toEqual([]);
    expect(formatSummaryTable(disjoint)).not.toMatch(/comparisons/);
  });

  it('reads verdicts without outputs, grouped by test and repeat', () => {
    const run = storeRun(store, promptGrid('bot', ['p1', 'p2'], nineOfTen()));
    const rows = [...store.results.verdicts(run.id)];
    expect(Object.keys(rows[0]!).sort()).toEqual(['promptId', 'providerLabel', 'repeatIndex', 'status', 'testId']);
    // t0–t11 give 2 verdicts each, t12 and t13 one each (p1 skipped, p1 missing).
    expect(rows).toHaveLength(26);
    expect(rows.some((r) => (r.status as string) === 'skipped')).toBe(false);
    const groups = rows.map((r) => `${r.testId}/${r.repeatIndex}`);
    expect(groups.filter((g, i) => i > 0 && g !== groups[i - 1] && groups.indexOf(g) < i)).toEqual([]);
  });

  it('writes the comparisons into a JSON report the strict schema accepts, and rejects unknown fields', () => {
    const run = storeRun(store, promptGrid('bot', ['p1', 'p2'], nineOfTen()));
    const path = join(t.dir, 'r.json');
    writeJsonReport(path, store, run, summarizeRun(store, run), '1');
    const report = JSON.parse(readFileSync(path, 'utf8'));
    const validate = reportValidator();
    expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
    expect(report.summary.comparisons[0]).toMatchObject({ a: 'p1', b: 'p2', n: 12, significant: true });
    near([report.summary.comparisons[0].pValue], [0.021484375]);
    const extra = structuredClone(report);
    extra.summary.comparisons[0].oddsRatio = 9;
    expect(validate(extra)).toBe(false);
    const noAdjusted = structuredClone(report);
    delete noAdjusted.summary.comparisons[0].adjustedPValue;
    expect(validate(noAdjusted)).toBe(false);
    const wrongMethod = structuredClone(report);
    wrongMethod.summary.comparisons[0].difference.method = 'wald';
    expect(validate(wrongMethod)).toBe(false);
  });
});
