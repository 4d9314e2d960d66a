import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pairedProportionDiff, wilson } from '../../../src/stats/index.js';
import { formatRunComparison } from '../../../src/report/console/compare-lines.js';
import { compareRuns, findRun, tryCompareRuns } from '../../../src/report/compare/compare-runs.js';
import type { RunRecord, Store } from '../../../src/store/index.js';
import type { CellResult, CellStatus } from '../../../src/types.js';
import { thrownLlmlabError } from '../../thrown.js';
import { compareValidator, tempStore, verdictCell } from '../helpers.js';

let t: ReturnType<typeof tempStore>;
let store: Store;
beforeEach(() => {
  t = tempStore();
  store = t.store;
});
afterEach(() => t.dispose());

/** A stored run of `cells`, written in the order given (as a run that finished them in that order). */
function run(cells: CellResult[], suite: { path?: string; hash?: string; createdAt?: number } = {}): RunRecord {
  const r = store.runs.create({
    suitePath: suite.path ?? '/suites/s.yaml', suiteHash: suite.hash ?? 'h1', totalCells: cells.length,
    options: { concurrency: 1, repeat: 1, cache: true, llmlabVersion: 't' }, gitSha: 'abcdef0123456789',
  });
  cells.forEach((c, i) => store.results.put(r.id, c, i));
  store.runs.setStatus(r.id, 'completed');
  if (suite.createdAt !== undefined) store.db.prepare('UPDATE runs SET created_at = ? WHERE id = ?').run(suite.createdAt, r.id);
  return store.runs.get(r.id)!;
}

/** Cells of one target, test i getting `statuses[i]`, with a description and the given index offset. */
function cells(prompt: string, provider: string, statuses: CellStatus[], extra: Partial<CellResult> = {}): CellResult[] {
  return statuses.map((s, i) => ({ ...verdictCell(prompt, provider, i, s), description: `test number ${i}`, ...extra }));
}
const rep = (n: number, s: CellStatus): CellStatus[] => Array.from({ length: n }, () => s);
/** Exact to ~1e-15 (binomial tails go through the incomplete beta function), not bit-exact. */
const near = (actual: number, expected: number) => expect(actual).toBeCloseTo(expected, 14);

describe('compareRuns', () => {
  it('matches cells by test identity, not by position or test index', () => {
    const a = run(cells('p', 'bot', ['pass', 'pass', 'fail', 'fail']));
    // Run B finished the tests in reverse, and the suite moved them (different test_index): t0 and t2 flipped.
    const b = run(
      cells('p', 'bot', ['fail', 'pass', 'pass', 'fail'])
        .map((c) => ({ ...c, testIndex: 10 - c.testIndex }))
        .reverse(),
    );
    const c = compareRuns(store, a, b);
    expect(c.cells).toEqual({ a: 4, b: 4, paired: 4 });
    expect(c.targets).toHaveLength(1);
    const target = c.targets[0]!;
    expect(target).toMatchObject({ promptId: 'p', providerLabel: 'bot', n: 4, regressions: 1, fixes: 1 });
    expect(target.regressed).toEqual([{ testId: 't0', repeatIndex: 0, description: 'test number 0', statusA: 'pass', statusB: 'fail' }]);
    expect(target.fixed).toEqual([{ testId: 't2', repeatIndex: 0, description: 'test number 2', statusA: 'fail', statusB: 'pass' }]);
    // One discordant pair each way: McNemar p = min(1, 2·P(X ≤ 1 | Bin(2, ½))) = 1.
    expect(target.pValue).toBe(1);
    expect(target.significant).toBe(false);
    expect(c.warnings).toEqual([]);
  });

  it('10 regressions and no fix: McNemar exact p = 2·0.5^10 = 0.001953125, significant, all listed with descriptions', () => {
    const a = run(cells('p', 'bot', [...rep(10, 'pass'), ...rep(5, 'pass'), ...rep(5, 'fail')]));
    const b = run(cells('p', 'bot', [...rep(8, 'fail'), 'error', 'error', ...rep(5, 'pass'), ...rep(5, 'fail')]));
    const c = compareRuns(store, a, b);
    const target = c.targets[0]!;
    expect(target).toMatchObject({ n: 20, regressions: 10, fixes: 0, significant: true });
    near(target.pValue, 0.001953125);
    near(target.adjustedPValue, 0.001953125);
    // A passes 15 of 20, B 5 of 20; intervals are the stats library's Wilson and Newcombe intervals.
    const wA = wilson(15, 20)!;
    expect(target.passRateA).toEqual({ passed: 15, n: 20, rate: 0.75, low: wA.low, high: wA.high, method: 'wilson', confidence: 0.95 });
    expect(target.passRateB.rate).toBe(0.25);
    const pairs = [...rep(10, 'pass').map(() => [true, false] as const), ...Array.from({ length: 5 }, () => [true, true] as const), ...Array.from({ length: 5 }, () => [false, false] as const)];
    const expected = pairedProportionDiff(pairs)!;
    expect(target.difference).toEqual({ estimate: -0.5, low: expected.low, high: expected.high, method: 'newcombe', confidence: 0.95 });
    expect(target.difference.high).toBeLessThan(0);
    expect(target.mde).toBeCloseTo(expected.mde!, 12);
    // An error is a failure: t8 and t9 regressed pass → error.
    expect(target.regressed.map((r) => `${r.testId}:${r.statusB}`)).toEqual([
      ...Array.from({ length: 8 }, (_, i) => `t${i}:fail`), 't8:error', 't9:error',
    ]);
    expect(target.regressed[3]!.description).toBe('test number 3');
    expect(target.fixed).toEqual([]);
    // One target: the overall line is the same test.
    expect(c.overall).toMatchObject({ n: 20, regressions: 10, fixes: 0, significant: true });
  });

  it('counts tests and targets present in only one run, and pairs the rest', () => {
    const a = run([...cells('p', 'bot', ['pass', 'pass', 'pass']), verdictCell('old', 'bot', 0, 'pass')]);
    const b = run([
      ...cells('p', 'bot', ['pass', 'fail']),
      { ...verdictCell('p', 'bot', 7, 'pass'), testId: 'new-1' },
      { ...verdictCell('p', 'bot', 8, 'pass'), testId: 'new-2' },
      verdictCell('p', 'other-bot', 0, 'fail'),
      // Skipped cells have no verdict: not paired, not counted.
      { ...verdictCell('p', 'bot', 2, 'skipped') },
    ]);
    const c = compareRuns(store, a, b);
    expect(c.cells).toEqual({ a: 4, b: 5, paired: 2 });
    expect(c.onlyInA).toEqual({ tests: 0, testIds: [] });
    expect(c.onlyInB).toEqual({ tests: 2, testIds: ['new-1', 'new-2'] });
    expect(c.targetsOnlyInA).toEqual([{ promptId: 'old', providerLabel: 'bot' }]);
    expect(c.targetsOnlyInB).toEqual([{ promptId: 'p', providerLabel: 'other-bot' }]);
    expect(c.targets.map((x) => [x.promptId, x.providerLabel, x.n, x.regressions])).toEqual([['p', 'bot', 2, 1]]);

    const onlyA = run(cells('p', 'bot', ['pass', 'pass', 'pass']));
    const fewer = run(cells('p', 'bot', ['pass']));
    expect(compareRuns(store, onlyA, fewer).onlyInA).toEqual({ tests: 2, testIds: ['t1', 't2'] });
  });

  it('writes JSON that validates against schemas/compare.schema.json', () => {
    const validate = compareValidator();
    const a = run([...cells('p', 'bot', ['pass', 'pass', 'fail', 'error']), verdictCell('old', 'bot', 0, 'pass')], { hash: 'h1' });
    const b = run([...cells('p', 'bot', ['fail', 'pass', 'pass', 'pass', 'pass']), verdictCell('p', 'new', 0, 'fail')], { hash: 'h2' });
    const comparison = { generator: 'llmlab test', ...compareRuns(store, a, b) };
    expect(comparison.targets[0]!.regressed).toHaveLength(1);
    expect(comparison.warnings).not.toEqual([]);
    // Through JSON, as the CLI writes it.
    const ok = validate(JSON.parse(JSON.stringify(comparison)));
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
    // The schema is strict: an unknown key is an error.
    expect(validate({ ...comparison, extra: 1 })).toBe(false);
    expect(validate({ ...comparison, overall: { ...comparison.overall, extra: 1 } })).toBe(false);
  });

  it('Holm-adjusts across targets; the overall line pools every paired cell', () => {
    // bot × p: 10 regressions (p = 2^-9). bot × q: 1 regression, 5 fixes (p = 2·7/64 = 0.21875).
    const a = run([...cells('p', 'bot', rep(10, 'pass')), ...cells('q', 'bot', ['pass', ...rep(5, 'fail'), 'pass'])]);
    const b = run([...cells('p', 'bot', rep(10, 'fail')), ...cells('q', 'bot', ['fail', ...rep(5, 'pass'), 'pass'])]);
    const c = compareRuns(store, a, b);
    const [p, q] = c.targets;
    expect([p!.promptId, q!.promptId]).toEqual(['p', 'q']);
    near(p!.pValue, 0.001953125);
    near(q!.pValue, 0.21875);
    // Holm (R: p.adjust(c(0.001953125, 0.21875), "holm")): 2·0.001953125, then max(0.00390625, 1·0.21875).
    near(p!.adjustedPValue, 0.00390625);
    near(q!.adjustedPValue, 0.21875);
    expect([p!.significant, q!.significant]).toEqual([true, false]);
    // Pooled: b = 11, c = 5, n = 17 → p = 2·P(X ≤ 5 | Bin(16, ½)) = 2·6885/65536 (R: binom.test(5, 16)$p.value).
    expect(c.overall).toMatchObject({ n: 17, regressions: 11, fixes: 5, significant: false });
    near(c.overall.pValue, (2 * 6885) / 65536);
    near(c.overall.adjustedPValue, c.overall.pValue);
  });

  it('sums cost and tokens and takes the median latency over paired cells only', () => {
    const at = (i: number, status: CellStatus, cost: number, latencyMs: number, tokens: [number, number]) => ({
      ...verdictCell('p', 'bot', i, status), cost, latencyMs, usage: { input: tokens[0], output: tokens[1], total: tokens[0] + tokens[1] },
    });
    const a = run([at(0, 'pass', 0.01, 100, [10, 5]), at(1, 'pass', 0.02, 300, [10, 5]), at(2, 'pass', 0.5, 200, [10, 5]), at(9, 'pass', 9, 9000, [99, 99])]);
    const b = run([at(0, 'pass', 0.03, 50, [20, 10]), at(1, 'pass', 0.04, 70, [20, 10]), at(2, 'pass', 0.1, 60, [20, 10])]);
    const { usage } = compareRuns(store, a, b).overall;
    expect(usage.a.cost).toBeCloseTo(0.53, 12);
    expect(usage.b.cost).toBeCloseTo(0.17, 12);
    expect(usage.a.tokens).toEqual({ input: 30, output: 15, total: 45 });
    expect(usage.b.tokens).toEqual({ input: 60, output: 30, total: 90 });
    expect([usage.a.latencyP50Ms, usage.b.latencyP50Ms]).toEqual([200, 60]);
  });

  it('warns when the suites differ or the suite changed, and still compares what matches', () => {
    const a = run(cells('p', 'bot', ['pass']), { path: '/suites/a.yaml' });
    const b = run(cells('p', 'bot', ['pass']), { path: '/suites/b.yaml' });
    expect(compareRuns(store, a, b).warnings).toEqual([
      'the runs are of different suites (/suites/a.yaml and /suites/b.yaml); only the cells they share are compared',
    ]);
    const changed = run(cells('p', 'bot', ['fail']), { path: '/suites/a.yaml', hash: 'h2' });
    const c = compareRuns(store, a, changed);
    expect(c.warnings).toEqual(['the suite changed between the runs (hash h1 → h2); only the cells they share are compared']);
    expect(c.targets[0]!.regressions).toBe(1);
  });

  it('compares a run with itself (every difference zero) and says so', () => {
    const a = run(cells('p', 'bot', ['pass', 'fail', 'error']));
    const c = compareRuns(store, a, a);
    expect(c.warnings).toEqual([`both sides are run ${a.id}: every difference is zero`]);
    expect(c.overall).toMatchObject({ n: 3, regressions: 0, fixes: 0, pValue: 1, significant: false, mde: null });
  });

  it('says when two runs share no cell: a result for reports and gates, a USAGE error for `llmlab compare`', () => {
    const a = run(cells('p', 'bot', ['pass']));
    const b = run(cells('p', 'other-bot', ['pass']));
    expect(tryCompareRuns(store, a, b)).toEqual({
      nothingInCommon: `runs ${a.id} and ${b.id} share no cells: nothing to compare`,
      hint: expect.stringContaining('compare two runs of the same suite'),
    });
    const error = thrownLlmlabError(() => compareRuns(store, a, b));
    expect(error).toMatchObject({ code: 'USAGE', message: `runs ${a.id} and ${b.id} share no cells: nothing to compare` });
  });

  it('finds runs by id, `latest` and `latest~N`; RUN_NOT_FOUND otherwise', () => {
    const older = run(cells('p', 'bot', ['pass']), { createdAt: 1_000 });
    const newer = run(cells('p', 'bot', ['pass']), { createdAt: 2_000 });
    expect(findRun(store, 'latest').id).toBe(newer.id);
    expect(findRun(store, 'latest~0').id).toBe(newer.id);
    expect(findRun(store, 'latest~1').id).toBe(older.id);
    expect(findRun(store, older.id).id).toBe(older.id);
    for (const ref of ['latest~2', 'nope', 'latest~x']) {
      expect(() => findRun(store, ref)).toThrow(expect.objectContaining({ code: 'RUN_NOT_FOUND', hint: expect.stringMatching(/llmlab runs/) }));
    }
  });

  it('prints the runs, one line per target, then the regressed and fixed tests, capped at 10', () => {
    const a = run([...cells('p', 'bot', [...rep(12, 'pass'), 'fail']), ...cells('q', 'bot', ['pass', 'pass'])]);
    const b = run([...cells('p', 'bot', [...rep(12, 'fail'), 'pass']), ...cells('q', 'bot', ['pass', 'pass'])]);
    const text = formatRunComparison(compareRuns(store, a, b), '/suites');
    const lines = text.split('\n');
    expect(lines[0]).toBe('compare B against A over 15 paired cells (matched by provider, prompt, test and repeat)');
    expect(lines[1]).toMatch(new RegExp(`^A  ${a.id}  s\\.yaml  \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC  git abcdef0123$`));
    expect(lines[3]).toBe('pass rates A → B, b − a (McNemar exact p, Holm-adjusted across 2 targets)');
    // 12 regressions, 1 fix: p = 2·P(X ≤ 1 | Bin(13, ½)) = 2·14/8192 = 0.00342; Holm over (0.00342, 1) doubles it.
    expect(lines[4]).toMatch(
      /^ {2}p × bot: 92\.3% \[66\.7–98\.6\] → 7\.7% \[1\.4–33\.3\]: −84\.6 pts \[−\d+\.\d, −\d+\.\d\], p=0\.0034, Holm p=0\.0068 \(significant; MDE \d+ pts at n=13\); 12 regressed, 1 fixed$/,
    );
    expect(lines[5]).toMatch(/^ {2}q × bot: 100\.0% .* → 100\.0% .*: 0\.0 pts .*p=1, Holm p=1 \(not significant; n=2\); 0 regressed, 0 fixed$/);
    expect(lines[6]).toMatch(/^ {2}overall: /);
    expect(lines[7]).toBe('cost $0 → $0, tokens 0 → 0, p50 latency 1 → 1 ms (over the paired cells)');
    expect(lines[8]).toBe('regressed (pass → fail/error): 12');
    expect(lines[9]).toBe('  p × bot  t0 "test number 0"  pass → fail');
    expect(lines.slice(19, 22)).toEqual([
      '  … and 2 more (all of them with --json or -o)',
      'fixed (fail/error → pass): 1',
      '  p × bot  t12 "test number 12"  fail → pass',
    ]);
    expect(lines).toHaveLength(22);
  });
});
