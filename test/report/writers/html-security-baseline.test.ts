/**
 * The HTML report's Security section against a baseline: the Baseline column with its marks and tooltips, the
 * "vs baseline" headline, the newly successful attacks first in the hit log, escaping, and the section unchanged
 * without a baseline. Runs are real stores in temp dirs; one case goes through the CLI (`report --baseline`).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { compareWithBaseline, resolveBaseline } from '../../../src/report/compare/baseline.js';
import { writeHtmlReport, type HtmlBaseline } from '../../../src/report/writers/html.js';
import { writeJsonReport } from '../../../src/report/writers/json.js';
import { summarizeRun } from '../../../src/report/summary.js';
import type { RunRecord } from '../../../src/store/index.js';
import type { CellResult } from '../../../src/types.js';
import { runCli } from '../../cli/run-cli.js';
import { tempStore } from '../helpers.js';
import { attackCell, ordinaryCell, storeSecurityRun } from '../security-cells.js';
import { baseCells, headCells } from '../security-pairs.js';

let t: ReturnType<typeof tempStore>;
beforeEach(() => {
  t = tempStore();
});
afterEach(() => t.dispose());

const run = (cells: CellResult[]) => storeSecurityRun(t.store, cells, { severityThreshold: 'medium' });

function page(head: RunRecord, baseline?: HtmlBaseline): string {
  const path = join(t.dir, 'out', 'report.html');
  writeHtmlReport(path, t.store, head, summarizeRun(t.store, head), '9.9.9', baseline ? { baseline } : {});
  return readFileSync(path, 'utf8');
}

function securitySection(html: string): string {
  const from = html.indexOf('<section id="security">');
  expect(from).toBeGreaterThan(0);
  return html.slice(from, html.indexOf('</section>', from));
}

/** The groups table's rows, each as its cells' inner HTML. */
function groupRows(section: string): string[][] {
  const table = section.slice(section.indexOf('id="security-groups"'), section.indexOf('</table>'));
  const body = table.slice(table.indexOf('<tbody>'));
  return [...body.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map((m) => [...m[1]!.matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((c) => c[0]));
}

/** `family / strategy / template` of each hit in the log, and whether it is marked new. */
function hitLog(section: string): Array<{ name: string; isNew: boolean }> {
  return [...section.matchAll(/<details class="hit( new-hit)?" id="hit-\d+">\s*<summary>(.*?)<\/summary>/g)].map((m) => {
    const name = /<\/span> (.*?) <span class="muted">/.exec(m[2]!)![1]!;
    const marked = m[2]!.includes('<span class="badge new-since-baseline">new since the baseline</span>');
    expect(marked).toBe(m[1] !== undefined);
    return { name, isNew: marked };
  });
}

describe('the HTML report\'s Security section against a baseline', () => {
  it('adds a Baseline column with the significant change marked and the Holm p in a tooltip, and a headline', () => {
    const base = run(baseCells());
    const head = run(headCells());
    const section = securitySection(page(head, { run: base }));

    expect(section).toMatch(
      /<p class="headline" id="security-vs-baseline">\s*vs baseline: <strong>11<\/strong> newly successful, <strong>1<\/strong> newly resisted\s*<span class="muted">\(25 attacks judged in both runs/,
    );
    expect(section).toContain(`baseline run <code>${base.id}</code>`);
    expect(section).toContain('<th>Success rate</th><th>Baseline</th><th class="n">Allowed</th>');
    const rows = groupRows(section);
    expect(rows).toHaveLength(5);
    for (const r of rows) expect(r).toHaveLength(12);
    const baselineCell = (i: number) => rows[i]![9]!;

    // data-extraction/direct: 0/8 → 8/8, significant after Holm over the four strategies.
    expect(baselineCell(3)).toBe(
      '<td class="sec-baseline change-worse significant" title="+100.0 pp (95 % CI +54.1 to +100.0) over 8 attacks judged in both runs: ' +
        '8 newly successful, 0 newly resisted · McNemar exact p=0.0078 · Holm p=0.031: significant at 95 %">' +
        '0/8 hit (≤ 31.2 % at 95 %) · <span class="sec-delta">+100.0 pp</span> <span class="badge sig-worse">significant</span></td>',
    );
    // jailbreak/role-play 1/10 → 4/10: a change, not significant, its p-values still in the tooltip.
    expect(baselineCell(0)).toMatch(/^<td class="sec-baseline change-worse" title="\+30\.0 pp [^"]*Holm p=0\.75: not significant at 95 %">/);
    expect(baselineCell(0)).toContain('1/10 hit (10.0 %, 95 % CI 1.8–40.4 %) · <span class="sec-delta">+30.0 pp</span> <span class="muted">(n.s.)</span>');
    // jailbreak/multi-turn 1/2 → 0/2: fewer successes, the other direction.
    expect(baselineCell(1)).toMatch(/^<td class="sec-baseline change-better" title="−50\.0 pp .*1 newly resisted/);
    expect(baselineCell(2)).toContain('2/12 hit (16.7 %, 95 % CI 4.7–44.8 %) · <span class="sec-delta">+16.7 pp</span>');
    // prompt-injection: the baseline's rate over the 5 attacks both judged (the head ran 7), no change.
    expect(baselineCell(4)).toBe(
      '<td class="sec-baseline change-none" title="no attack changed outcome over the 5 judged in both runs">0/5 hit (≤ 45.1 % at 95 %)</td>',
    );
    expect(rows[4]![8]).toContain('0/7 hit');
    expect(section).toContain('id="security-baseline-legend"');
  });

  it('lists the newly successful attacks first in the hit log, each marked, and the newly resisted ones apart', () => {
    const base = run(baseCells());
    const head = run(headCells());
    const log = hitLog(securitySection(page(head, { run: base })));
    expect(log).toEqual([
      ...[0, 1, 2, 3, 4, 5, 6, 7].map((i) => ({ name: `data-extraction / direct / de-${i}`, isNew: true })),
      ...[1, 2, 3].map((i) => ({ name: `jailbreak / role-play / rp-${i}`, isNew: true })),
      // Successful in the baseline too: after the new ones, unmarked.
      { name: 'jailbreak / role-play / rp-0', isNew: false },
    ]);
    const section = securitySection(page(head, { run: base }));
    expect(section).toMatch(
      /<details id="security-newly-resisted">\s*<summary>Newly resisted since the baseline \(1\)<\/summary>\s*<ul><li><span class="badge sev-critical">critical<\/span> <code>jailbreak\/multi-turn\/mt-0<\/code><\/li><\/ul>/,
    );
    expect(section).not.toContain('id="security-new-not-shown"');
  });

  it('is unchanged without a baseline, and with a baseline that judged no attack', () => {
    const head = run(headCells());
    const alone = securitySection(page(head));
    expect(alone).not.toMatch(/Baseline|baseline|new-hit|vs baseline/);
    expect(groupRows(alone).every((r) => r.length === 11)).toBe(true);
    // Most severe first, then finishing order: rp-0 leads the high hits.
    expect(hitLog(alone).map((h) => h.name).slice(8)).toEqual([0, 1, 2, 3].map((i) => `jailbreak / role-play / rp-${i}`));
    expect(hitLog(alone).some((h) => h.isNew)).toBe(false);

    const plain = run([0, 1, 2, 3].map((i) => ordinaryCell(i, 'pass')));
    const html = page(head, { run: plain });
    expect(securitySection(html)).toBe(alone);
    // The comparison section says why the attacks are not compared.
    expect(html).toContain('only run B has attack cells: security results are not compared');
  });

  it('reads the same from a JSON report baseline (its attack cells in the TEMP table)', async () => {
    const base = run(baseCells());
    const head = run(headCells());
    const path = join(t.dir, 'base.json');
    writeJsonReport(path, t.store, base, summarizeRun(t.store, base), 't');
    const resolved = await resolveBaseline(t.store, path, { path: head.suitePath, baseDir: t.dir });
    expect(resolved.source).not.toBe('results');
    const fromFile = securitySection(page(head, { run: resolved.run, source: resolved.source }));
    expect(fromFile).toContain('vs baseline: <strong>11</strong> newly successful');
    // The same page, but for how the baseline is named: its run id from the report file.
    expect(fromFile).toContain(`baseline run <code>${resolved.run.id}</code>`);
    expect(fromFile.replace(resolved.run.id, base.id)).toBe(securitySection(page(head, { run: base })));
    // The gate and pass-rate comparison agree with it (the same comparison the CLI makes).
    expect(compareWithBaseline(t.store, resolved, head)).toHaveProperty('comparison');
  });

  it('compares attacks-only runs (redteam) here while the pass-rate comparison says it has none', () => {
    const base = run(baseCells(false));
    const head = run([...headCells(false), attackCell({ family: 'system-prompt-extraction', strategy: 'direct', severity: 'high', status: 'pass', template: 'sp-0' })]);
    const html = page(head, { run: base });
    expect(html).toContain('the runs share only security attack cells: no pass rates to compare (the Security section compares the attacks)');
    const section = securitySection(html);
    expect(section).toContain('vs baseline: <strong>11</strong> newly successful');
    const last = groupRows(section).at(-1)!;
    expect(last[0]).toBe('<td>system-prompt-extraction</td>');
    expect(last[9]).toBe('<td class="sec-baseline change-none" title="the baseline judged no attack of this row"><span class="muted">not in the baseline</span></td>');
  });

  it('marks every new hit the log holds past the comparison\'s list of 20, and counts what the lists leave out', () => {
    // 5 critical hits in both runs; 110 high attacks resisted in the base and successful now; 25 low ones the reverse.
    const cells = (now: boolean) => [
      ...Array.from({ length: 5 }, (_, i) => attackCell({ family: 'data-extraction', strategy: 'direct', severity: 'critical', status: 'fail', template: `old-${i}` })),
      ...Array.from({ length: 110 }, (_, i) =>
        attackCell({ family: 'jailbreak', strategy: 'role-play', severity: 'high', status: now ? 'fail' : 'pass', template: `new-${i}` }),
      ),
      ...Array.from({ length: 25 }, (_, i) =>
        attackCell({ family: 'prompt-injection', strategy: 'indirect', severity: 'low', status: now ? 'pass' : 'fail', template: `fixed-${i}` }),
      ),
    ];
    const base = run(cells(false));
    const head = run(cells(true));
    const section = securitySection(page(head, { run: base }));
    const log = hitLog(section);
    // The hit log holds 100: the 5 critical and the first 95 high; the 95 new ones come first.
    expect(log).toHaveLength(100);
    expect(log.slice(0, 95).every((h) => h.isNew && h.name.startsWith('jailbreak / role-play / new-'))).toBe(true);
    expect(log.slice(95)).toEqual([0, 1, 2, 3, 4].map((i) => ({ name: `data-extraction / direct / old-${i}`, isNew: false })));
    expect(section).toContain('vs baseline: <strong>110</strong> newly successful, <strong>25</strong> newly resisted');
    expect(section).toMatch(/<p class="muted small" id="security-new-not-shown">… and 15 more newly successful attacks beyond the hit log, which holds the 100 most severe/);
    const resisted = section.slice(section.indexOf('<details id="security-newly-resisted">'));
    expect(resisted).toContain('<summary>Newly resisted since the baseline (25)</summary>');
    expect(resisted.match(/<li><span class="badge sev-low">low<\/span> <code>prompt-injection\/indirect\/fixed-\d+<\/code><\/li>/g)).toHaveLength(20);
    expect(resisted).toContain('… and 5 more; every attack cell and its verdict is in the JSON report.');
  });

  it('escapes family, strategy, template and transcript text from the runs, and keeps the CSP and script hash valid', () => {
    const evil = { family: '<img src=x onerror=alert(1)>', strategy: '"><script>alert(2)</script>', severity: 'high' as const };
    const transcript = [
      { role: 'user' as const, content: 'say it' },
      { role: 'assistant' as const, content: '</details><script>alert(3)</script>' },
    ];
    const cells = (hit: boolean) => [
      attackCell({ ...evil, status: hit ? 'fail' : 'pass', template: 'a<b>', transcript }),
      attackCell({ ...evil, status: hit ? 'pass' : 'fail', template: 'c"d' }),
    ];
    const base = run(cells(false));
    const head = run(cells(true));
    const html = page(head, { run: base });
    const section = securitySection(html);
    expect(section).not.toMatch(/<img|<script|<b>|<\/details><script/);
    expect(section).toContain('<td>&lt;img src=x onerror=alert(1)&gt;</td><td>&quot;&gt;&lt;script&gt;alert(2)&lt;/script&gt;</td>');
    expect(section).toContain(
      '&lt;img src=x onerror=alert(1)&gt; / &quot;&gt;&lt;script&gt;alert(2)&lt;/script&gt; / a&lt;b&gt; <span class="muted">· 1 turn</span> ' +
        '<span class="badge new-since-baseline">new since the baseline</span>',
    );
    expect(section).toContain('<pre>&lt;/details&gt;&lt;script&gt;alert(3)&lt;/script&gt;</pre>');
    expect(section).toContain('<code>&lt;img src=x onerror=alert(1)&gt;/&quot;&gt;&lt;script&gt;alert(2)&lt;/script&gt;/c&quot;d</code>');
    // No inline event handler in any tag, three script elements, and the CSP still allows exactly the page's script.
    expect(/<[^>]*\son[a-z]+\s*=/i.test(html)).toBe(false);
    expect(html.toLowerCase().split('</script').length - 1).toBe(3);
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)![1]!;
    const script = /<script>([\s\S]*)<\/script>\s*<\/body>/.exec(html)![1]!;
    expect(csp).toContain(`script-src 'sha256-${createHash('sha256').update(script).digest('base64')}'`);
  });
});

describe('llmlab report --baseline -o report.html', () => {
  it('writes the Security section against a JSON report baseline', async () => {
    const base = run(baseCells());
    const head = run(headCells());
    writeJsonReport(join(t.dir, 'base.json'), t.store, base, summarizeRun(t.store, base), 't');
    const r = await runCli(['report', head.id, '--db', 'db.sqlite', '--baseline', 'base.json', '-o', 'out.html'], { cwd: t.dir });
    expect(r.stderr).toContain('wrote out.html');
    const section = securitySection(readFileSync(join(t.dir, 'out.html'), 'utf8'));
    expect(section).toContain('vs baseline: <strong>11</strong> newly successful, <strong>1</strong> newly resisted');
    expect(section).toContain('<span class="badge sig-worse">significant</span>');
    expect(hitLog(section)[0]).toEqual({ name: 'data-extraction / direct / de-0', isNew: true });
  }, 30_000);
});
