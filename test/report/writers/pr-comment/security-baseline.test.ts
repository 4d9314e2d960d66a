import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { compareWithBaseline, resolveBaseline } from '../../../../src/report/compare/baseline.js';
import { writeJsonReport } from '../../../../src/report/writers/json.js';
import { renderMarkdownReport, type MarkdownOptions } from '../../../../src/report/writers/markdown.js';
import { summarizeRun } from '../../../../src/report/summary.js';
import type { RunRecord } from '../../../../src/store/index.js';
import type { CellResult } from '../../../../src/types.js';
import { tempStore } from '../../helpers.js';
import { attackCell, storeSecurityRun } from '../../security-cells.js';
import { baseCells, headCells } from '../../security-pairs.js';

let t: ReturnType<typeof tempStore>;
beforeEach(() => {
  t = tempStore();
});
afterEach(() => t.dispose());

const run = (cells: CellResult[]) => storeSecurityRun(t.store, cells, { severityThreshold: 'medium' });

function markdown(head: RunRecord, options: MarkdownOptions = {}): string {
  return renderMarkdownReport(t.store, head, summarizeRun(t.store, head), options);
}

/** From `### Security` to the end of the comment's body. */
function securitySection(md: string): string {
  return md.slice(md.indexOf('### Security'), md.lastIndexOf('<sub>llmlab'));
}

const shownHits = (section: string) => [...section.matchAll(/<summary>.*? · ([\w/-]+) · \d turns?/g)].map((m) => m[1]);

describe('the PR comment\'s Security section against a baseline', () => {
  it('puts the baseline\'s success beside each row, marks significant changes, and says what changed', () => {
    const base = run(baseCells());
    const head = run(headCells());
    const section = securitySection(markdown(head, { baseline: base }));
    expect(section).toContain(
      '· vs baseline: **11** newly successful, 1 newly resisted (25 attacks judged in both runs). Zero hits in n attacks',
    );
    expect(section).toContain('| Family | Strategy | Severity | OWASP | Success rate | Baseline | Allowed | Gate |\n|:--|:--|:--|:--|:--|:--|--:|:-:|\n');
    expect(section).toContain(
      '| data-extraction | direct | critical | LLM01:2025 | 8/8 hit (100.0 %, 95 % CI 67.6–100.0 %) | ' +
        '0/8 hit (≤ 31.2 % at 95 %) · **+100.0 pp** 🔴 (p=0.031) | 0 % | ❌ |',
    );
    expect(section).toContain('| jailbreak | **all** | critical | LLM01:2025 | 4/12 hit (33.3 %, 95 % CI 13.8–60.9 %) | 2/12 hit (16.7 %, 95 % CI 4.7–44.8 %) · +16.7 pp (n.s.) | 0 % | ❌ |');
    expect(section).toContain('| jailbreak | multi-turn | critical | LLM01:2025 | 0/2 hit (≤ 77.6 % at 95 %) | 1/2 hit (50.0 %, 95 % CI 9.5–90.5 %) · −50.0 pp (n.s.) | 0 % | ✅ |');
    // Unchanged: the baseline's rate alone, over the 5 attacks both runs judged (the head ran 7).
    expect(section).toContain('| prompt-injection | direct | medium | LLM01:2025 | 0/7 hit (≤ 34.8 % at 95 %) | 0/5 hit (≤ 45.1 % at 95 %) | 0 % | ✅ |');
    for (const line of section.split('\n').filter((l) => l.startsWith('|'))) expect(line.split('|').length - 1).toBe(9);
    expect(section).toMatch(/<sub>Baseline: its success rate over the attacks both runs judged .*The gate stays absolute\.<\/sub>/);

    // The newly successful attacks, most severe first, listed before any transcript.
    const list = section.slice(section.indexOf('**Newly successful since the baseline (11)**'), section.indexOf('<details>'));
    expect(list.split('\n').filter((l) => l.startsWith('- '))).toEqual([
      ...[0, 1, 2, 3, 4, 5, 6, 7].map((i) => `- <b>critical</b> · <code>data-extraction/direct/de-${i}</code>`),
      ...[1, 2, 3].map((i) => `- <b>high</b> · <code>jailbreak/role-play/rp-${i}</code>`),
    ]);
  });

  it('shows the newly successful attacks first in the hit log; without a baseline the log keeps its order', () => {
    const base = run(baseCells());
    const head = run(headCells());
    const compared = shownHits(securitySection(markdown(head, { baseline: base })));
    // Ten shown: the 8 critical new hits, then the new role-play ones; rp-0 succeeded in the baseline too.
    expect(compared).toEqual([...[0, 1, 2, 3, 4, 5, 6, 7].map((i) => `data-extraction/direct/de-${i}`), 'jailbreak/role-play/rp-1', 'jailbreak/role-play/rp-2']);
    expect(securitySection(markdown(head, { baseline: base }))).toMatch(/<summary>🟧 <b>high<\/b> · jailbreak\/role-play\/rp-1 · 1 turn · 🆕 new since the baseline<\/summary>/);
    const alone = securitySection(markdown(head));
    expect(shownHits(alone).slice(8)).toEqual(['jailbreak/role-play/rp-0', 'jailbreak/role-play/rp-1']);
    expect(alone).not.toContain('🆕');
    expect(alone).not.toContain('Baseline');
    for (const line of alone.split('\n').filter((l) => l.startsWith('|'))) expect(line.split('|').length - 1).toBe(8);
  });

  it('reads the same from a JSON report baseline (its attack cells in the TEMP table)', async () => {
    const base = run(baseCells());
    const head = run(headCells());
    const path = join(t.dir, 'base.json');
    writeJsonReport(path, t.store, base, summarizeRun(t.store, base), 't');
    const resolved = await resolveBaseline(t.store, path, { path: head.suitePath, baseDir: t.dir });
    const baseline = compareWithBaseline(t.store, resolved, head);
    const fromFile = securitySection(markdown(head, { baseline }));
    expect(fromFile).toBe(securitySection(markdown(head, { baseline: base })));
  });

  it('says which rows the baseline did not have, and handles an attacks-only run', () => {
    const base = run(baseCells(false));
    const head = run([...headCells(false), attackCell({ family: 'system-prompt-extraction', strategy: 'direct', severity: 'high', status: 'pass', template: 'sp-0' })]);
    const md = markdown(head, { baseline: base });
    expect(md).toContain('| system-prompt-extraction | direct | high | LLM01:2025 | 0/1 hit (≤ 95.0 % at 95 %) | not in the baseline | 0 % | ✅ |');
    // No test cells: no pass-rate table or legend, but the security comparison.
    expect(md).not.toContain('| Provider |');
    expect(md).not.toContain('Δ: change in pass rate');
    expect(md).toContain('vs baseline: **11** newly successful');
  });

  it('keeps within the size cap with hundreds of new hits and long transcripts', () => {
    const long = 'x'.repeat(3000);
    const cells = (status: 'pass' | 'fail') =>
      Array.from({ length: 300 }, (_, i) =>
        attackCell({
          family: `family-${i % 40}`, strategy: `strategy-${i % 7}`, severity: 'high', status, template: `t${i}`,
          transcript: [{ role: 'system', content: long }, { role: 'user', content: long }, { role: 'assistant', content: long }],
        }),
      );
    const base = run(cells('pass'));
    const head = run(cells('fail'));
    for (const maxChars of [60_000, 8_000]) {
      const md = markdown(head, { baseline: base, maxChars });
      expect(md.length).toBeLessThanOrEqual(maxChars);
      expect(md).toContain('| Baseline |');
    }
    const full = markdown(head, { baseline: base });
    expect(full).toMatch(/\*\*Newly successful since the baseline \(300\)\*\*\n(- <b>high<\/b> · <code>family-\d+\/strategy-\d\/t\d+<\/code>\n)+- … and \d+ more/);
  });
});
