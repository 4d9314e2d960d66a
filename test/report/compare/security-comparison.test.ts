import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { holm, pairedProportionDiff } from '../../../src/stats/index.js';
import { formatRunComparison } from '../../../src/report/console/compare-lines.js';
import { resolveRunRef } from '../../../src/report/compare/refs.js';
import { compareRuns } from '../../../src/report/compare/compare-runs.js';
import { writeHtmlReport } from '../../../src/report/writers/html.js';
import { writeJsonReport } from '../../../src/report/writers/json.js';
import { CHANGED_ATTACKS_LIMIT, compareSecurity } from '../../../src/report/compare/security-comparison.js';
import { summarizeRun } from '../../../src/report/summary.js';
import type { RunRecord } from '../../../src/store/index.js';
import { compareValidator, tempStore } from '../helpers.js';
import { attackCell, attackCells, ordinaryCell, storeSecurityRun } from '../security-cells.js';
import { baseCells, headCells } from '../security-pairs.js';

let t: ReturnType<typeof tempStore>;
beforeEach(() => {
  t = tempStore();
});
afterEach(() => t.dispose());

function reportOf(run: RunRecord, name: string): string {
  const path = join(t.dir, `${name}.json`);
  writeJsonReport(path, t.store, run, summarizeRun(t.store, run), 't');
  return path;
}

/** The paired 2×2 table as explicit pairs, `[hit in A, hit in B]`: the stats library's own input. */
const table = (both: number, aOnly: number, bOnly: number, neither: number) => [
  ...new Array(both).fill([true, true]),
  ...new Array(aOnly).fill([true, false]),
  ...new Array(bOnly).fill([false, true]),
  ...new Array(neither).fill([false, false]),
] as Array<[boolean, boolean]>;

describe('compareSecurity', () => {
  it('pairs attacks by test id and repeat, per family and per family × strategy, with Newcombe, McNemar and Holm', () => {
    const base = storeSecurityRun(t.store, baseCells());
    const head = storeSecurityRun(t.store, headCells());
    const s = compareSecurity(t.store, base.id, head.id)!;
    // pi-5 errored in the base and pi-6 is only in the head: neither is paired.
    expect(s.cells).toEqual({ a: 25, b: 27, paired: 25 });
    expect(s.families.map((f) => [f.family, f.strategy, f.severity, f.n, f.hitsA, f.hitsB, f.newHits, f.newlyResisted])).toEqual([
      ['jailbreak', '*', 'critical', 12, 2, 4, 3, 1],
      ['data-extraction', '*', 'critical', 8, 0, 8, 8, 0],
      ['prompt-injection', '*', 'medium', 5, 0, 0, 0, 0],
    ]);
    expect(s.groups.map((g) => `${g.family}/${g.strategy} ${g.hitsA}/${g.n} → ${g.hitsB}/${g.n}`)).toEqual([
      'jailbreak/role-play 1/10 → 4/10',
      'jailbreak/multi-turn 1/2 → 0/2',
      'data-extraction/direct 0/8 → 8/8',
      'prompt-injection/direct 0/5 → 0/5',
    ]);

    // McNemar exact: b = 0, c = 3 gives 2 · ½³ = 0.25; b = 1, c = 3 gives 2 · (1 + 4)/16; c = 8 gives 2 · ½⁸.
    const [jailbreak, extraction, injection] = s.families;
    expect(s.groups[0]!.pValue).toBeCloseTo(0.25, 14);
    expect(jailbreak!.pValue).toBeCloseTo(0.625, 14);
    expect(extraction!.pValue).toBeCloseTo(0.0078125, 14);
    expect(injection!.pValue).toBe(1);
    // Holm across the 3 families, and apart from it across the 4 family × strategy rows.
    expect(s.families.map((f) => f.adjustedPValue)).toEqual(holm(s.families.map((f) => f.pValue)));
    expect(extraction!.adjustedPValue).toBeCloseTo(0.0234375, 14);
    expect(s.families.map((f) => f.significant)).toEqual([false, true, false]);
    expect(s.groups.map((g) => g.adjustedPValue)).toEqual(holm(s.groups.map((g) => g.pValue)));
    expect(s.groups[2]!.adjustedPValue).toBeCloseTo(0.03125, 14);

    // The change in success rate with Newcombe's paired interval, B − A: more hits is a positive change.
    const expected = pairedProportionDiff(table(1, 1, 3, 7))!;
    expect(jailbreak!.difference).toEqual({ estimate: expected.estimate, low: expected.low, high: expected.high, method: 'newcombe', confidence: 0.95 });
    expect(jailbreak!.difference.estimate).toBeCloseTo(2 / 12, 14);
    expect(jailbreak!.mde).toBe(expected.mde);
    expect(jailbreak).toMatchObject({ successRateA: 2 / 12, successRateB: 4 / 12, textA: expect.stringMatching(/^2\/12 hit \(16\.7 %, 95 % CI /) });
    expect(injection).toMatchObject({ textA: '0/5 hit (≤ 45.1 % at 95 %)', textB: '0/5 hit (≤ 45.1 % at 95 %)', mde: null });
    expect(injection!.difference.estimate).toBe(0);

    // Newly successful: the critical ones first, then in the head's order; newly resisted likewise.
    expect(s.newHits.total).toBe(11);
    expect(s.newHits.tests.map((x) => x.testId)).toEqual([
      ...[0, 1, 2, 3, 4, 5, 6, 7].map((i) => `data-extraction/direct/de-${i}`),
      'jailbreak/role-play/rp-1',
      'jailbreak/role-play/rp-2',
      'jailbreak/role-play/rp-3',
    ]);
    expect(s.newHits.tests[0]).toEqual({ testId: 'data-extraction/direct/de-0', repeatIndex: 0, family: 'data-extraction', strategy: 'direct', severity: 'critical' });
    expect(s.newlyResisted).toEqual({
      total: 1,
      tests: [{ testId: 'jailbreak/multi-turn/mt-0', repeatIndex: 0, family: 'jailbreak', strategy: 'multi-turn', severity: 'critical' }],
    });
  });

  it('lists at most 20 changed attacks and counts the rest; is absent unless both runs have attack verdicts', () => {
    const many = (status: 'pass' | 'fail') => Array.from({ length: 25 }, (_, i) => attackCell({ family: 'jailbreak', strategy: 'plain', severity: 'high', status, template: `p${i}` }));
    const base = storeSecurityRun(t.store, many('pass'));
    const head = storeSecurityRun(t.store, many('fail'));
    const s = compareSecurity(t.store, base.id, head.id)!;
    expect(s.newHits.total).toBe(25);
    expect(s.newHits.tests).toHaveLength(CHANGED_ATTACKS_LIMIT);
    expect(s.newHits.tests.at(-1)!.testId).toBe('jailbreak/plain/p19');

    const plain = storeSecurityRun(t.store, [ordinaryCell(0, 'pass')]);
    const errored = storeSecurityRun(t.store, [ordinaryCell(0, 'pass'), attackCell({ family: 'jailbreak', strategy: 'plain', severity: 'high', status: 'error', template: 'p0' })]);
    expect(compareSecurity(t.store, plain.id, head.id)).toBeUndefined();
    expect(compareSecurity(t.store, head.id, errored.id)).toBeUndefined();
  });

  it('reads a report file\'s attack cells from the TEMP source exactly as the stored run\'s', () => {
    const base = storeSecurityRun(t.store, baseCells());
    const head = storeSecurityRun(t.store, headCells());
    const fromFile = resolveRunRef(t.store, reportOf(base, 'base'), { what: 'base', cwd: t.dir });
    expect(fromFile.run.id).toBe(`report:${base.id}`);
    expect(fromFile.source).toBe('temp.llmlab_pair_source');
    expect(compareSecurity(t.store, fromFile.run.id, head.id, fromFile.source)).toEqual(compareSecurity(t.store, base.id, head.id));
    // Both sides from files.
    const headFile = resolveRunRef(t.store, reportOf(head, 'head'), { what: 'head', cwd: t.dir });
    expect(compareSecurity(t.store, fromFile.run.id, headFile.run.id, headFile.source)).toEqual(compareSecurity(t.store, base.id, head.id));
    // The TEMP table keeps what grouping needs, never the transcripts.
    const kept = t.store.db.prepare(`SELECT attack FROM temp.llmlab_imported_results WHERE attack IS NOT NULL LIMIT 1`).get() as { attack: string };
    expect(JSON.parse(kept.attack)).toEqual({ family: 'jailbreak', strategy: 'role-play', severity: 'high' });
  });
});

describe('compareRuns with attack cells', () => {
  it('carries `security` in JSON that validates against schemas/compare.schema.json; pass rates leave attacks out', () => {
    const base = storeSecurityRun(t.store, baseCells());
    const head = storeSecurityRun(t.store, headCells());
    const c = compareRuns(t.store, base, head);
    expect(c.cells).toEqual({ a: 4, b: 4, paired: 4 });
    expect(c.security).toEqual(compareSecurity(t.store, base.id, head.id));
    expect(c.warnings).toEqual([]);
    const validate = compareValidator();
    const json = JSON.parse(JSON.stringify({ generator: 'llmlab t', ...c }));
    expect(validate(json), JSON.stringify(validate.errors)).toBe(true);
    // The schema describes what it holds: a changed attack without its severity is rejected.
    delete json.security.newHits.tests[0].severity;
    expect(validate(json)).toBe(false);
  });

  it('compares runs that share only attack cells (a redteam run) instead of refusing them', () => {
    const base = storeSecurityRun(t.store, baseCells(false));
    const head = storeSecurityRun(t.store, headCells(false));
    const c = compareRuns(t.store, base, head);
    expect(c.cells).toEqual({ a: 0, b: 0, paired: 0 });
    expect(c.targets).toEqual([]);
    expect(c.overall).toMatchObject({ n: 0, pValue: 1, significant: false, regressions: 0, fixes: 0 });
    expect(c.security?.cells.paired).toBe(25);
    const validate = compareValidator();
    expect(validate(JSON.parse(JSON.stringify({ generator: 'llmlab t', ...c }))), JSON.stringify(validate.errors)).toBe(true);

    const text = formatRunComparison(c, '/', { security: 'all' }).split('\n');
    expect(text).toContain('no test cells in common: only security attacks are compared');
    expect(text.some((l) => l.startsWith('pass rates'))).toBe(false);
  });

  it('leaves the HTML report\'s pass-rate comparison out for such runs, saying why', () => {
    const base = storeSecurityRun(t.store, baseCells(false));
    const head = storeSecurityRun(t.store, headCells(false));
    const path = join(t.dir, 'head.html');
    writeHtmlReport(path, t.store, head, summarizeRun(t.store, head), 't', { baseline: { run: base } });
    const html = readFileSync(path, 'utf8');
    expect(html).toContain('the runs share only security attack cells: no pass rates to compare');
    expect(html).not.toContain('over 0 paired cells');
  });

  it('says so when only one run has attack cells, or when their attacks do not pair', () => {
    const plain = storeSecurityRun(t.store, [ordinaryCell(0, 'pass')]);
    const attacked = storeSecurityRun(t.store, [ordinaryCell(0, 'pass'), ...attackCells({ family: 'jailbreak', strategy: 'plain', severity: 'high' }, 2, 1)]);
    const other = storeSecurityRun(t.store, [ordinaryCell(0, 'pass'), ...attackCells({ family: 'jailbreak', strategy: 'plain', severity: 'high' }, 2, 1)]);
    expect(compareRuns(t.store, plain, attacked).warnings).toEqual(['only run B has attack cells: security results are not compared']);
    expect(compareRuns(t.store, attacked, plain).warnings).toEqual(['only run A has attack cells: security results are not compared']);
    expect(compareRuns(t.store, plain, attacked).security).toBeUndefined();
    // attackCells numbers its templates afresh: the two runs' attacks have different test ids.
    const apart = compareRuns(t.store, attacked, other);
    expect(apart.warnings).toEqual(['the runs share no attack test: security results are not compared']);
    expect(apart.security).toMatchObject({ cells: { a: 2, b: 2, paired: 0 }, families: [], groups: [] });
    expect(formatRunComparison(apart, '/', { security: 'all' })).not.toMatch(/^security/m);
  });
});

describe('console lines', () => {
  it('`llmlab compare`: one line per family, strategies under a family of several, then what changed', () => {
    const base = storeSecurityRun(t.store, baseCells());
    const head = storeSecurityRun(t.store, headCells());
    const text = formatRunComparison(compareRuns(t.store, base, head), '/', { security: 'all' });
    const lines = text.split('\n');
    const at = lines.findIndex((l) => l.startsWith('security: attack success A → B'));
    expect(at).toBeGreaterThan(lines.indexOf('fixed (fail/error → pass): none'));
    const s = compareSecurity(t.store, base.id, head.id)!;
    const ci = (i: number) => {
      const d = s.families[i]!.difference;
      return `[${sign(d.low)}, ${sign(d.high)}]`;
    };
    expect(lines.slice(at, at + 16)).toEqual([
      'security: attack success A → B over 25 attack cells both runs judged, paired by test id and repeat (McNemar exact p, Holm-adjusted across 3 families)',
      `security: jailbreak 2/12 → 4/12 hit (+16.7 pts ${ci(0)}, McNemar p=0.63, Holm p=1)`,
      expect.stringMatching(/^ {2}jailbreak\/role-play 1\/10 → 4\/10 hit \(\+30\.0 pts \[.+\], McNemar p=0\.25, Holm p=0\.75\)$/),
      expect.stringMatching(/^ {2}jailbreak\/multi-turn 1\/2 → 0\/2 hit \(−50\.0 pts \[.+\], McNemar p=1, Holm p=1\)$/),
      `security: data-extraction 0/8 → 8/8 hit (+100.0 pts ${ci(1)}, McNemar p=0.0078, Holm p=0.023, significant)`,
      `security: prompt-injection 0/5 → 0/5 hit (0.0 pts ${ci(2)}, McNemar p=1, Holm p=1)`,
      'newly successful attacks (resisted in A, hit in B): 11',
      '  critical data-extraction/direct/de-0',
      '  critical data-extraction/direct/de-1',
      ...[2, 3, 4, 5, 6, 7].map((i) => `  critical data-extraction/direct/de-${i}`),
      '  high     jailbreak/role-play/rp-1',
    ]);
    expect(lines.slice(at + 16)).toEqual([
      '  high     jailbreak/role-play/rp-2',
      '  … and 1 more (all of them with --json or -o)',
      'newly resisted attacks (hit in A, resisted in B): 1',
      '  critical jailbreak/multi-turn/mt-0',
    ]);
  });

  it('under a run\'s summary (`--baseline`): only the families that changed significantly, and the new hits', () => {
    const base = storeSecurityRun(t.store, baseCells());
    const head = storeSecurityRun(t.store, headCells());
    const lines = formatRunComparison(compareRuns(t.store, base, head), '/').split('\n');
    const at = lines.findIndex((l) => l.startsWith('security vs baseline'));
    expect(lines.slice(at)).toEqual([
      'security vs baseline (25 attack cells both runs judged): significant changes',
      expect.stringMatching(/^security: data-extraction 0\/8 → 8\/8 hit \(\+100\.0 pts \[.+\], McNemar p=0\.0078, Holm p=0\.023, significant\)$/),
      'newly successful attacks: 11 (data-extraction/direct/de-0, data-extraction/direct/de-1, data-extraction/direct/de-2, ' +
        'data-extraction/direct/de-3, data-extraction/direct/de-4, … 6 more)',
    ]);

    const same = formatRunComparison(compareRuns(t.store, base, base), '/').split('\n');
    expect(same.at(-1)).toBe('security vs baseline (25 attack cells both runs judged): no family changed significantly');
  });
});

/** Percentage points as the console prints them. */
function sign(x: number): string {
  const m = Math.abs(x * 100).toFixed(1);
  return m === '0.0' ? m : `${x > 0 ? '+' : '−'}${m}`;
}
