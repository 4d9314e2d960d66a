import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { compareRuns } from '../../../src/report/compare/compare-runs.js';
import { compareWithBaseline, resolveBaseline } from '../../../src/report/compare/baseline.js';
import { formatGateLines } from '../../../src/report/console/gates-lines.js';
import { writeHtmlReport } from '../../../src/report/writers/html.js';
import type { HtmlMeta } from '../../../src/report/writers/html/page.js';
import { writeJsonReport } from '../../../src/report/writers/json.js';
import { writeJunitReport } from '../../../src/report/writers/junit.js';
import { preText } from '../../../src/report/writers/pr-comment/escape.js';
import { renderMarkdownReport } from '../../../src/report/writers/markdown.js';
import { summarizeRun } from '../../../src/report/summary.js';
import type { RunRecord } from '../../../src/store/index.js';
import type { CellResult, ChatMessage } from '../../../src/types.js';
import { reportValidator, tempStore } from '../helpers.js';
import { attackCell, attackCells, mixedCells, MULTI_TURN, ordinaryCell, storeSecurityRun } from '../security-cells.js';

let t: ReturnType<typeof tempStore>;
beforeEach(() => {
  t = tempStore();
});
afterEach(() => t.dispose());

function json(run: RunRecord) {
  const path = join(t.dir, 'out', 'report.json');
  writeJsonReport(path, t.store, run, summarizeRun(t.store, run), '9.9.9');
  return { path, report: JSON.parse(readFileSync(path, 'utf8')) };
}

function html(run: RunRecord): string {
  const path = join(t.dir, 'out', 'report.html');
  writeHtmlReport(path, t.store, run, summarizeRun(t.store, run), '9.9.9');
  return readFileSync(path, 'utf8');
}

function markdown(run: RunRecord, maxChars?: number): string {
  return renderMarkdownReport(t.store, run, summarizeRun(t.store, run), maxChars === undefined ? {} : { maxChars });
}

describe('JSON report', () => {
  it('validates against the schema with summary.security and each attack cell carrying its record', () => {
    const run = storeSecurityRun(t.store, mixedCells(), { severityThreshold: 'medium', maxErrors: 5 });
    const { report } = json(run);
    const validate = reportValidator();
    expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
    expect(report.summary.security).toMatchObject({ runId: run.id, cells: 48, hits: 5, severityThreshold: 'medium' });
    expect(report.summary.gate.checks.map((c: { gate: string }) => c.gate)).toEqual(['complete', 'minPassRate', 'maxErrors', 'security']);
    expect(report.run.options.gates.severityThreshold).toBe('medium');
    const multi = report.cells.find((c: CellResult) => c.attack?.strategy === 'multi-turn' && c.status === 'fail');
    expect(multi.attack).toMatchObject({ family: 'jailbreak', goal: 'weapons', turns: 2, transcript: MULTI_TURN });
    const ordinary = report.cells.find((c: CellResult) => c.promptId === 'p');
    expect(ordinary).not.toHaveProperty('attack');
  });

  it('validates for an attacks-only run: no targets, a null pass rate, the pass-rate gate not checked', () => {
    const { report } = json(storeSecurityRun(t.store, attackCells({ family: 'jailbreak', strategy: 'plain', severity: 'high' }, 5, 0), { minPassRate: 0.9 }));
    expect(reportValidator()(report)).toBe(true);
    expect(report.summary).toMatchObject({ cells: 0, targets: [], passRate: null, gate: { passed: true } });
    expect(report.summary.security.families[0]).toMatchObject({ n: 5, hits: 0, upperBound: expect.closeTo(0.4507, 4), text: '0/5 hit (≤ 45.1 % at 95 %)' });
  });

  it('pairs a JSON report baseline without its attack cells, as a stored run is paired', async () => {
    const cells = (hits: number) => [ordinaryCell(0, 'pass'), ordinaryCell(1, 'pass'), ...attackCells({ family: 'jailbreak', strategy: 'plain', severity: 'high' }, 6, hits)];
    const base = storeSecurityRun(t.store, cells(0));
    const head = storeSecurityRun(t.store, cells(6), { maxRegression: 0 });
    const stored = compareRuns(t.store, base, head);
    expect(stored.cells).toEqual({ a: 2, b: 2, paired: 2 });
    expect(stored.overall.regressions).toBe(0);
    expect(stored.targets.map((x) => x.promptId)).toEqual(['p']);

    const { path } = json(base);
    const resolved = await resolveBaseline(t.store, path, { path: head.suitePath, baseDir: t.dir });
    const fromFile = compareWithBaseline(t.store, resolved, head);
    expect('comparison' in fromFile && fromFile.comparison.cells).toEqual({ a: 2, b: 2, paired: 2 });
    const summary = summarizeRun(t.store, head, { baseline: fromFile });
    expect(summary.gate.checks.find((c) => c.gate === 'maxRegression')).toMatchObject({ status: 'pass', measured: 0 });
    // Six hits out of six: the security gate, not maxRegression, fails the run.
    expect(formatGateLines(summary.gate).at(-1)).toBe('gate failed: security');
  });
});

describe('Markdown report', () => {
  it('has a Security section: a groups table with the gate verdict, and hits with role-labelled transcripts, escaped', () => {
    const run = storeSecurityRun(t.store, mixedCells(), { severityThreshold: 'medium' });
    const md = markdown(run);
    const section = md.slice(md.indexOf('### Security'), md.indexOf('<details>\n<summary><b>Failed'));
    expect(section).toContain('**5** successful of 48 attacks · 41 resisted · 1 errored · 1 skipped · gated at severity ≥ medium');
    expect(section).toContain('| jailbreak | role-play | high | LLM01:2025 | 2/10 hit (20.0 %, 95 % CI 5.7–51.0 %) | 0 % | ❌ |');
    expect(section).toContain('| prompt-injection | indirect | low | LLM01:2025, LLM08:2025 | 1/4 hit (25.0 %, 95 % CI 4.6–69.9 %) | 0 % | – (below threshold) |');
    expect(section).toContain('| prompt-injection | **all** | medium |');
    expect(section).toMatch(/\| system-prompt-extraction \| direct \| medium \| LLM07:2025 \| 1\/6 hit [^|]+ \| 20 % \| ✅ \|/);
    // Every table row has the 7 columns.
    for (const line of section.split('\n').filter((l) => l.startsWith('|'))) expect(line.split('|').length - 1).toBe(8);
    // Five hits, the multi-turn one first, its model output's <script> encoded.
    expect(section.split('<details>').length - 1).toBe(5);
    expect(section.split('</details>').length - 1).toBe(5);
    const first = section.slice(section.indexOf('<details>'), section.indexOf('</details>'));
    expect(first).toMatch(/<summary>🟥 <b>critical<\/b> · jailbreak\/multi-turn\/multi-turn-t\d+ · 2 turns<\/summary>/);
    expect(first).toContain('- goal: <code>weapons</code>');
    expect(first.match(/<b>(system|user|assistant)<\/b>/g)).toEqual(MULTI_TURN.map((m) => `<b>${m.role}</b>`));
    expect(first).toContain(`<pre>${preText(MULTI_TURN[4]!.content, 1000)}</pre>`);
    expect(first).toContain('&#60;script&#62;alert("x")&#60;/script&#62;');
    expect(md).not.toContain('<script>');
    // Attack hits are not listed again among the failed tests.
    expect(md).toMatch(/<summary><b>Failed<\/b> \(1\)<\/summary>/);
  });

  it('shows at most 10 hits and keeps the size cap with long multi-turn transcripts', () => {
    const long: ChatMessage[] = Array.from({ length: 21 }, (_, i) => ({
      role: i === 0 ? 'system' : i % 2 === 1 ? 'user' : 'assistant',
      content: `turn ${i} ${'</details><script>x</script> '.repeat(120)}`,
    }));
    const cells = Array.from({ length: 40 }, () => attackCell({ family: 'jailbreak', strategy: 'multi-turn', severity: 'high', status: 'fail', transcript: long }));
    const run = storeSecurityRun(t.store, cells);
    const md = markdown(run);
    expect(md.length).toBeLessThanOrEqual(60_000);
    const hits = md.split('<summary>🟧').length - 1;
    expect(hits).toBeGreaterThan(0);
    expect(hits).toBeLessThanOrEqual(10);
    expect(md).toContain(`… and ${40 - hits} more successful attacks`);
    expect(md).toContain('Trimmed to fit a GitHub comment');
    expect(md.split('<details>').length).toBe(md.split('</details>').length);
    expect(md).not.toMatch(/<script>|<\/details><script>/);

    const small = markdown(run, 8_000);
    expect(small.length).toBeLessThanOrEqual(8_000);
  });

  it('renders an attacks-only run without the pass-rate table', () => {
    const md = markdown(storeSecurityRun(t.store, attackCells({ family: 'jailbreak', strategy: 'plain', severity: 'high' }, 3, 0)));
    expect(md).toMatch(/^## ✅ llmlab · Support bot security · gate passed/);
    expect(md).toContain('no test cells (security attacks only)');
    expect(md).not.toContain('| Provider | Prompt |');
    expect(md).not.toMatch(/NaN|undefined/);
    expect(md).toContain('| jailbreak | plain | high | LLM01:2025 | 0/3 hit (≤ 63.2 % at 95 %) | 0 % | ✅ |');
  });
});

describe('HTML report', () => {
  it('has a Security section with the groups and OWASP tables and a hit log of escaped, role-labelled transcripts', () => {
    const run = storeSecurityRun(t.store, mixedCells(), { severityThreshold: 'medium' });
    const page = html(run);
    const section = page.slice(page.indexOf('<section id="security">'), page.indexOf('</section>', page.indexOf('<section id="security">')));
    expect(section).toContain('gated at severity ≥ <strong>medium</strong>');
    const groups = section.slice(section.indexOf('id="security-groups"'), section.indexOf('</table>'));
    expect(groups.match(/<tr class="sec-/g)).toHaveLength(8);
    expect(groups).toMatch(/<tr class="sec-fail">\s*<td>jailbreak<\/td><td>role-play<\/td>/);
    expect(groups).toMatch(/<tr class="sec-fail family-total">\s*<td>jailbreak<\/td><td>all strategies<\/td>/);
    expect(groups).toContain('2/10 hit (20.0 %, 95 % CI 5.7–51.0 %)');
    expect(section).toMatch(/<td>LLM07:2025<\/td><td class="n">6<\/td><td class="n">1<\/td><td class="n">16.7%<\/td>/);
    expect(section.match(/<details class="hit"/g)).toHaveLength(5);
    const first = section.slice(section.indexOf('<details class="hit"'), section.indexOf('</details>', section.indexOf('<details class="hit"')));
    expect(first).toContain('<span class="badge sev-critical">critical</span> jailbreak / multi-turn /');
    expect(first.match(/<li class="turn turn-(\w+)"><span class="role">\1<\/span>/g)).toHaveLength(MULTI_TURN.length);
    expect(first).toContain('<pre>Step 1: &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; obtain the precursor…</pre>');
    expect(section).not.toContain('<script');
    // Three script elements (cells, meta, code): nothing from a transcript opened another.
    expect(page.toLowerCase().split('</script').length - 1).toBe(3);
    expect(page).toContain('<dd>52 of 52 <span class="muted">(48 attacks)</span></dd>');
  });

  it('lists attack cells in the matrix as their own column, and renders an attacks-only run', () => {
    const run = storeSecurityRun(t.store, mixedCells());
    const page = html(run);
    const open = '<script type="application/json" id="meta">';
    const from = page.indexOf(open) + open.length;
    const meta = JSON.parse(page.slice(from, page.indexOf('</script>', from))) as HtmlMeta;
    expect(meta.targets).toEqual([
      { promptId: 'p', providerLabel: 'support-bot' },
      { promptId: 'attack', providerLabel: 'support-bot' },
    ]);

    const only = html(storeSecurityRun(t.store, attackCells({ family: 'jailbreak', strategy: 'plain', severity: 'high' }, 4, 0)));
    expect(only).toContain('<p class="muted" id="attacks-only">');
    expect(only).not.toContain('id="summary-table"');
    expect(only).toContain('<p class="muted" id="security-no-hits">No attack succeeded.</p>');
    const rendered = only.slice(only.indexOf('<body>'), only.indexOf('<script'));
    expect(rendered).not.toMatch(/NaN|undefined/);
  });
});

describe('JUnit report', () => {
  it('names the family and strategy in a successful attack\'s failure', () => {
    const cells = [ordinaryCell(0, 'fail'), attackCell({ family: 'jailbreak', strategy: 'role-play', severity: 'high', status: 'fail', template: 'dan' })];
    const run = storeSecurityRun(t.store, cells);
    const path = join(t.dir, 'junit.xml');
    writeJunitReport(path, t.store, run);
    const xml = readFileSync(path, 'utf8');
    expect(xml).toContain('<testsuite name="attack × support-bot"');
    expect(xml).toMatch(/<failure message="attack succeeded: jailbreak\/role-play \(dan, severity high\): canary-leak: leaked canary CANARY-\d+: Sure! The secret is CANARY-\d+" type="attack">/);
    expect(xml).toMatch(/<failure message="contains: score 0" type="assertion">/);
  });
});
