import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LlmlabError } from '../../../src/errors.js';
import { writeHtmlReport } from '../../../src/report/writers/html.js';
import { createCellEncoder, MAX_TEXT_CHARS, truncate, type HtmlCell } from '../../../src/report/writers/html/cells.js';
import { escapeScriptJson, scriptJson } from '../../../src/report/writers/html/json.js';
import type { HtmlMeta } from '../../../src/report/writers/html/page.js';
import { loadAssets, renderShell, TEMPLATES_DIR } from '../../../src/report/writers/html/render.js';
import { summarizeRun } from '../../../src/report/summary.js';
import type { RunRecord } from '../../../src/store/index.js';
import { importReportCells } from '../../../src/store/run-pairs.js';
import type { CellResult } from '../../../src/types.js';
import { storeRun, tempStore, verdictCell } from '../helpers.js';
import { FILLER_TESTS, PROVIDERS, storeBaseline, storeCandidate, XSS_OUTPUT } from '../html-fixture.js';

let t: ReturnType<typeof tempStore>;
beforeEach(() => {
  t = tempStore();
});
afterEach(() => t.dispose());

function write(run: RunRecord, options: Parameters<typeof writeHtmlReport>[5] = {}): string {
  const path = join(t.dir, 'out', 'report.html');
  writeHtmlReport(path, t.store, run, summarizeRun(t.store, run), '9.9.9', options);
  return readFileSync(path, 'utf8');
}

/** The text of `<script type="application/json" id="…">`, cut the way an HTML parser cuts it: at `</script`. */
function scriptText(html: string, id: string): string {
  const open = `<script type="application/json" id="${id}">`;
  const start = html.indexOf(open);
  expect(start).toBeGreaterThan(-1);
  const from = start + open.length;
  return html.slice(from, html.toLowerCase().indexOf('</script', from));
}

describe('scriptJson', () => {
  it('escapes <, >, &, U+2028 and U+2029 so that </script> and <!-- in data cannot end or change the element', () => {
    const value = { o: '</script><script>alert(1)</script><!-- & \u2028\u2029 -->', n: [1, 'a<b'] };
    const json = scriptJson(value);
    expect(json).not.toMatch(/[<>&\u2028\u2029]/);
    expect(json).toContain('\\u003c/script\\u003e');
    expect(json).toContain('\\u0026');
    expect(json).toContain('\\u2028\\u2029');
    expect(JSON.parse(json)).toEqual(value);
    // Escaping JSON that was already serialised gives the same result.
    expect(escapeScriptJson(JSON.stringify(value))).toBe(json);
  });

  it('keeps lone surrogates and control characters as valid JSON', () => {
    const value = 'bad \ud800 pair \u0000 nul';
    expect(JSON.parse(scriptJson(value))).toBe(value);
  });
});

describe('writeHtmlReport', () => {
  it('embeds an output holding </script> as data: the cells element ends where it should and parses back intact', () => {
    const nasty = `</script><script>window.__pwned=1</script><!--<script>${XSS_OUTPUT}`;
    const run = storeRun(t.store, [{ ...verdictCell('p', 'bot', 0, 'pass'), output: nasty, description: '</SCRIPT >' }]);
    const html = write(run);
    const cells = JSON.parse(scriptText(html, 'cells')) as HtmlCell[];
    expect(cells).toHaveLength(1);
    expect(cells[0]!.o).toBe(nasty);
    expect(cells[0]!.d).toBe('</SCRIPT >');
    // Three script elements (cells, meta, code) and no other closing tag anywhere: nothing from the data leaked.
    expect(html.toLowerCase().split('</script').length - 1).toBe(3);
    expect(html).not.toContain('window.__pwned=1</script>');
    const meta = JSON.parse(scriptText(html, 'meta')) as HtmlMeta;
    expect(meta).toMatchObject({ runId: run.id, pageSize: 100, targets: [{ promptId: 'p', providerLabel: 'bot' }], baselineRunId: null });
  });

  it('escapes every run string the template renders (autoescape on)', () => {
    const evil = '<img src=x onerror="alert(1)">';
    const run = storeRun(t.store, [{ ...verdictCell(evil, evil, 0, 'fail') }]);
    t.store.db.prepare('UPDATE runs SET description = ?, git_sha = ? WHERE id = ?').run(`<b>${evil}</b>`, '"><script>x</script>', run.id);
    const html = write(t.store.runs.get(run.id)!);
    // Suite description (title, heading), prompt id and provider label (summary, metrics, chart) and git sha.
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<b>');
    expect(html).not.toContain('"><script>x');
    expect(html).toContain('&lt;img src=x onerror=&quot;alert(1)&quot;&gt;');
    expect(html).toContain('<title>&lt;b&gt;&lt;img');
    expect(html).toContain('&quot;&gt;&lt;script&gt;x&lt;/script&gt;');
  });

  it('is self-contained: no external URL, a CSP that forbids loading anything, and the script allowed by its hash', () => {
    const run = storeCandidate(t.store);
    const html = write(run);
    // No element loads anything (data strings hold `src=`, but never a `<` that could start a tag).
    expect(/<[a-z][^>]*\s(src|href|srcset|action)=/i.test(html)).toBe(false);
    expect(/https?:\/\//.test(html)).toBe(false);
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)![1]!;
    expect(csp).toContain("default-src 'none'");
    const script = /<script>([\s\S]*)<\/script>\s*<\/body>/.exec(html)![1]!;
    const hash = createHash('sha256').update(script).digest('base64');
    expect(csp).toContain(`script-src 'sha256-${hash}'`);
    expect(script).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write/);
  });

  it('writes test-level data once per test, shares prompts between cells, and maps cells to targets and baseline verdicts', () => {
    const baseline = storeBaseline(t.store);
    const run = storeCandidate(t.store);
    const html = write(run, { baseline: { run: baseline, summary: summarizeRun(t.store, baseline) } });
    const cells = JSON.parse(scriptText(html, 'cells')) as HtmlCell[];
    const meta = JSON.parse(scriptText(html, 'meta')) as HtmlMeta;
    expect(cells).toHaveLength((5 + FILLER_TESTS) * 2 * 2);
    expect(meta.targets).toEqual(PROVIDERS.map((p) => ({ promptId: 'support', providerLabel: p })));
    expect(meta.flaky).toEqual([[0, 'coin']]);
    expect(meta.baselineRunId).toBe(baseline.id);
    const refund = cells.filter((c) => c.id === 'refund');
    expect(refund.map((c) => [c.t, c.r, c.s, c.b])).toEqual([
      [0, 0, 'fail', 'pass'], [0, 1, 'fail', 'pass'], [1, 0, 'pass', 'pass'], [1, 1, 'pass', 'pass'],
    ]);
    // Description and vars on the test's first cell only; the other cells point back at its prompt.
    expect(refund[0]).toMatchObject({ d: 'refund policy mentions the window', v: 'question: Can I get a refund?', p: 'Answer the customer: Can I get a refund?' });
    for (const c of refund.slice(1)) {
      expect(c.d).toBeUndefined();
      expect(c.v).toBeUndefined();
      expect(c.p).toBe(cells.indexOf(refund[0]!));
    }
    expect(refund[0]!.a).toEqual([
      { metric: 'icontains', pass: false, score: 0, weight: 1, reason: 'expected "refund" in "Please contact us."' },
      { metric: 'short', type: 'javascript', pass: true, score: 1, weight: 0.5, reason: 'output.length < 500' },
    ]);
    const timeout = cells.find((c) => c.id === 'timeout' && c.t === 1)!;
    expect(timeout).toMatchObject({ s: 'error', e: 'timeout after 30000 ms', l: 480, c: 0.0004, u: [20, 8], f: 'stop' });
    // The comparison section: McNemar over the paired cells, regressions and fixes counted.
    expect(html).toContain('2 regressed</span>');
    expect(html).toContain('2 fixed</span>');
    expect(html).toMatch(/McNemar p=1 ·/);
  });

  it('cuts long outputs at 4,000 characters with a marker, keeping the file small', () => {
    const long = 'é'.repeat(MAX_TEXT_CHARS) + 'TAIL'.repeat(50_000);
    const run = storeRun(t.store, [{ ...verdictCell('p', 'bot', 0, 'pass'), output: long, prompt: long }]);
    const html = write(run);
    const [cell] = JSON.parse(scriptText(html, 'cells')) as HtmlCell[];
    expect(cell!.o.startsWith('é'.repeat(MAX_TEXT_CHARS))).toBe(true);
    expect(cell!.o).not.toContain('TAIL');
    expect(cell!.o).toMatch(/\[truncated: 4,000 of 204,000 characters shown\]$/);
    expect(cell!.p).toBe(cell!.o);
    expect(html.length).toBeLessThan(100_000);
  });

  it('pairs with a baseline read from a report file (cells in the TEMP source), as --baseline report.json gives it', () => {
    const stored = storeRun(t.store, [verdictCell('p', 'bot', 0, 'pass'), verdictCell('p', 'bot', 1, 'fail')]);
    const run = storeRun(t.store, [verdictCell('p', 'bot', 0, 'fail'), verdictCell('p', 'bot', 1, 'pass')]);
    const id = `report:${stored.id}`;
    const source = importReportCells(t.store.db, id, [...t.store.results.iterate(stored.id)]);
    const html = write(run, { baseline: { run: { ...stored, id }, source } });
    const cells = JSON.parse(scriptText(html, 'cells')) as HtmlCell[];
    expect(cells.map((c) => [c.id, c.b, c.s])).toEqual([['t0', 'pass', 'fail'], ['t1', 'fail', 'pass']]);
    expect(html).toContain('1 regressed</span>');
    expect((JSON.parse(scriptText(html, 'meta')) as HtmlMeta).baselineRunId).toBe(id);
  });

  it('says so when the baseline shares no cell with the run, instead of failing', () => {
    const other = storeRun(t.store, [verdictCell('other', 'bot', 0, 'pass')]);
    const run = storeRun(t.store, [verdictCell('p', 'bot', 0, 'fail')]);
    const html = write(run, { baseline: { run: other, summary: summarizeRun(t.store, other) } });
    expect(html).toContain('share no cells: nothing to compare');
    expect((JSON.parse(scriptText(html, 'meta')) as HtmlMeta).baselineRunId).toBeNull();
    expect(html).not.toContain('data-filter="regressed"');
  });

  it('marks dominated targets and the recommended one in the chart, and adds nothing without summary.pareto', () => {
    // cheap: 3/4 at $0.01 a cell; dear: 4/4 at $0.04; waste: 2/4 at $0.05 (dominated by both).
    const costed = (provider: string, cost: number, passes: number) =>
      [0, 1, 2, 3].map((i) => ({ ...verdictCell('p', provider, i, i < passes ? 'pass' : 'fail'), cost }));
    const run = storeRun(t.store, [...costed('cheap', 0.01, 3), ...costed('dear', 0.04, 4), ...costed('waste', 0.05, 2)]);
    const summary = summarizeRun(t.store, run);
    const chartOf = (html: string) => html.slice(html.indexOf('<section id="cost-quality">'), html.indexOf('</section>', html.indexOf('<section id="cost-quality">')));
    const render = (s: typeof summary) => {
      const path = join(t.dir, 'out', 'pareto.html');
      writeHtmlReport(path, t.store, run, s, '9.9.9');
      return chartOf(readFileSync(path, 'utf8'));
    };
    const chart = render(summary);
    expect(chart).toMatch(/<g class="point dominated">\s*<title>p × waste: [^<]*, dominated<\/title>/);
    expect(chart).toMatch(/<g class="point recommended">\s*<title>p × dear: [^<]*, recommended<\/title>/);
    expect(chart).toMatch(/<g class="point">\s*<title>p × cheap: /);
    expect(chart.slice(0, chart.indexOf("</svg>")).match(/class="recommended-ring"/g)).toHaveLength(1);
    expect(chart).toContain('This run, dominated (another target');
    expect(chart.match(/class="[^"]*chart-legend/g)).toHaveLength(1);
    expect(chart).toContain(`<p class="recommendation">Recommended: p × dear (100.0%, $0.16): the best pass rate`);
    const { pareto: _dropped, ...without } = summary;
    const plain = render(without);
    expect(plain).not.toMatch(/dominated|recommended|Recommended/);
    expect(plain).toMatch(/<g class="point">\s*<title>p × waste: [^<]*per cell<\/title>/);
  });

  it('writes a report for a run with no cells', () => {
    const run = storeRun(t.store, []);
    const html = write(run);
    expect(JSON.parse(scriptText(html, 'cells'))).toEqual([]);
    expect(html).not.toContain('id="cost-quality"');
  });
});

describe('createCellEncoder', () => {
  const cell = (over: Partial<CellResult>): CellResult => ({ ...verdictCell('p', 'bot', 0, 'pass'), ...over });

  it('appends targets missing from the list and starts a new prompt table for each test', () => {
    const encoder = createCellEncoder([{ promptId: 'p', providerLabel: 'bot' }]);
    const a = encoder.encode(cell({ prompt: 'same', vars: { q: 1 } }));
    const b = encoder.encode(cell({ providerLabel: 'new', prompt: 'same' }));
    const c = encoder.encode(cell({ testId: 't9', prompt: 'same', vars: {} }));
    expect([a.t, b.t, c.t]).toEqual([0, 1, 0]);
    expect([a.p, b.p, c.p]).toEqual(['same', 0, 'same']);
    expect(a.v).toBe('q: 1');
    expect(c.v).toBeUndefined();
    expect(encoder.extraTargets()).toEqual([{ promptId: 'p', providerLabel: 'new' }]);
  });

  it('never splits a surrogate pair when truncating', () => {
    const text = 'a'.repeat(9) + '😀' + 'b';
    expect(truncate(text, 10).startsWith('a'.repeat(9) + '\n…')).toBe(true);
    expect(truncate('short', 10)).toBe('short');
  });
});

describe('templates', () => {
  it('are found from the package root, and a missing or broken template is an INTERNAL error naming the folder', () => {
    expect(TEMPLATES_DIR.endsWith('/templates/')).toBe(true);
    expect(loadAssets().script).toContain('LlmlabModel');
    const dir = mkdtempSync(join(tmpdir(), 'llmlab-templates-'));
    try {
      expect(() => renderShell({}, dir)).toThrow(LlmlabError);
      cpSync(TEMPLATES_DIR, dir, { recursive: true });
      writeFileSync(join(dir, 'report.html.njk'), '<p>{{ title }}</p>');
      const error = (() => {
        try {
          renderShell({ title: 'x' }, dir);
        } catch (e) {
          return e as LlmlabError;
        }
      })();
      expect(error).toBeInstanceOf(LlmlabError);
      expect(error!.code).toBe('INTERNAL');
      expect(error!.message).toContain('cells mark');
      writeFileSync(join(dir, 'report', 'view.js'), 'const s = "</script>";');
      expect(() => loadAssets(dir)).toThrow(/closing tag/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
