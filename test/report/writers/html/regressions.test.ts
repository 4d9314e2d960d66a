import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeHtmlReport } from '../../../../src/report/writers/html.js';
import { DIFF_OUTPUT_CHARS, REGRESSIONS_SHOWN, regressionDiffs } from '../../../../src/report/writers/html/regressions.js';
import { compareRuns } from '../../../../src/report/compare/compare-runs.js';
import { summarizeRun } from '../../../../src/report/summary.js';
import type { RunRecord } from '../../../../src/store/index.js';
import { importReportCells } from '../../../../src/store/run-pairs.js';
import type { CellResult, CellStatus } from '../../../../src/types.js';
import { storeRun, tempStore, verdictCell } from '../../helpers.js';

let t: ReturnType<typeof tempStore>;
beforeEach(() => {
  t = tempStore();
});
afterEach(() => t.dispose());

const HOSTILE = `I'd say "yes" <script>window.__pwned=1</script> & <img src=x onerror="alert('x')">`;

function cell(prompt: string, provider: string, test: number, status: CellStatus, output: string): CellResult {
  return { ...verdictCell(prompt, provider, test, status), output };
}

/** A baseline where t0 and t1 pass, and a run where both fail: t0 with hostile markup in its new output. */
function regressedRuns(): { baseline: RunRecord; run: RunRecord } {
  const baseline = storeRun(t.store, [
    cell('p', 'bot', 0, 'pass', 'The answer is "Paris" <b>today</b>.'),
    cell('p', 'bot', 1, 'pass', 'Refunds within 30 days.'),
    cell('p', 'bot', 2, 'pass', 'unchanged'),
    cell('q', 'bot', 0, 'pass', 'q side'),
  ]);
  const run = storeRun(t.store, [
    cell('p', 'bot', 0, 'fail', `The answer is ${HOSTILE}.`),
    cell('p', 'bot', 1, 'error', ''),
    cell('p', 'bot', 2, 'pass', 'unchanged'),
    cell('q', 'bot', 0, 'pass', 'q side'),
    cell('r', 'bot', 0, 'pass', 'a new prompt'),
  ]);
  return { baseline, run };
}

function write(run: RunRecord, baseline: RunRecord): string {
  const path = join(t.dir, 'out', 'report.html');
  writeHtmlReport(path, t.store, run, summarizeRun(t.store, run), '9.9.9', { baseline: { run: baseline } });
  return readFileSync(path, 'utf8');
}

/** The regressions block of the page, up to the end of the comparison section. */
function regressionsOf(html: string): string {
  const start = html.indexOf('<div id="regression-diffs">');
  return start < 0 ? '' : html.slice(start, html.indexOf('</section>', start));
}

describe('regressionDiffs', () => {
  it('pairs each regressed cell with both outputs as a word diff, and leaves unchanged cells out', () => {
    const { baseline, run } = regressedRuns();
    const diffs = regressionDiffs(t.store, { run: baseline }, run, compareRuns(t.store, baseline, run));
    expect(diffs.total).toBe(2);
    expect(diffs.items.map((r) => [r.testId, r.status])).toEqual([['t0', 'fail'], ['t1', 'error']]);
    const [first, second] = diffs.items;
    expect(first!.baseline!.map((s) => s.text).join('')).toBe('The answer is "Paris" <b>today</b>.');
    expect(first!.current.map((s) => s.text).join('')).toBe(`The answer is ${HOSTILE}.`);
    expect(first!.baseline!.some((s) => s.kind === 'removed' && s.text.includes('Paris'))).toBe(true);
    // Words are split at punctuation: the tag's name is what changed, its brackets are shared.
    expect(first!.current.filter((s) => s.kind === 'added').map((s) => s.text)).toContain('script');
    // An errored cell has no output: the whole baseline output is gone.
    expect(second!.baseline).toEqual([{ kind: 'removed', text: 'Refunds within 30 days.' }]);
    expect(second!.current).toEqual([]);
  });

  it('shows only this run’s side for a baseline read from a report file (its cells carry verdicts only)', () => {
    const { baseline, run } = regressedRuns();
    const id = 'from-file';
    const source = importReportCells(t.store.db, id, [
      { providerLabel: 'bot', promptId: 'p', testId: 't0', testIndex: 0, repeatIndex: 0, status: 'pass' },
    ]);
    const imported = { ...baseline, id };
    const diffs = regressionDiffs(t.store, { run: imported, source }, run, compareRuns(t.store, imported, run, { source }));
    expect(diffs.items).toHaveLength(1);
    expect(diffs.items[0]!.baseline).toBeNull();
    expect(diffs.items[0]!.current).toEqual([{ kind: 'same', text: `The answer is ${HOSTILE}.` }]);
    expect(diffs.baselineNote).toMatch(/report file/);
  });

  it('caps the cells shown and the output length diffed', () => {
    const n = REGRESSIONS_SHOWN + 5;
    const long = 'word '.repeat(DIFF_OUTPUT_CHARS);
    const baseline = storeRun(t.store, Array.from({ length: n }, (_, i) => cell('p', 'bot', i, 'pass', long)));
    const run = storeRun(t.store, Array.from({ length: n }, (_, i) => cell('p', 'bot', i, 'fail', `${long}!`)));
    const diffs = regressionDiffs(t.store, { run: baseline }, run, compareRuns(t.store, baseline, run));
    expect(diffs.total).toBe(n);
    expect(diffs.items).toHaveLength(REGRESSIONS_SHOWN);
    expect(diffs.items[0]!.current.map((s) => s.text).join('').length).toBeLessThan(DIFF_OUTPUT_CHARS + 100);
  });
});

describe('the HTML report’s regressed outputs', () => {
  it('puts the baseline’s output beside this run’s, the word diff marked with <del> and <ins>', () => {
    const { baseline, run } = regressedRuns();
    const block = regressionsOf(write(run, baseline));
    expect(block.match(/<div class="regression">/g)).toHaveLength(2);
    const start = block.indexOf('<div class="regression">');
    const first = block.slice(start, block.indexOf('<div class="regression">', start + 1));
    expect(first).toContain('<span class="desc">t0</span> · p × bot · <span class="badge st-pass">pass</span> → <span class="badge st-fail">fail</span>');
    expect(first).toContain('<div class="side side-baseline"><div class="side-label">Baseline</div><pre class="output">The answer is &quot;<del>Paris</del>');
    expect(first).toContain('<div class="side side-current"><div class="side-label">This run</div><pre class="output">The answer is <ins>I&#39;d say </ins>&quot;<ins>yes</ins>');
    // Each side holds only its own marks.
    const [baseSide, currentSide] = first.split('<div class="side side-current">');
    expect(baseSide).not.toContain('<ins>');
    expect(currentSide).not.toContain('<del>');
  });

  it('escapes hostile output inside the diff: no live tag, quotes and ampersands as entities', () => {
    const { baseline, run } = regressedRuns();
    const html = write(run, baseline);
    const block = regressionsOf(html);
    expect(block).not.toMatch(/<script|<img|<b>/i);
    const text = block.replace(/<\/?(ins|del)>/g, '');
    expect(text).toContain('I&#39;d say &quot;yes&quot; &lt;script&gt;window.__pwned=1&lt;/script&gt; &amp; &lt;img src=x onerror=&quot;alert(&#39;x&#39;)&quot;&gt;.');
    expect(text).toContain('The answer is &quot;Paris&quot; &lt;b&gt;today&lt;/b&gt;.');
    // The only tags inside the outputs are the diff's own marks.
    const inside = [...block.matchAll(/<pre class="output">([\s\S]*?)<\/pre>/g)].map((m) => m[1]!);
    expect(inside.length).toBe(4);
    for (const text of inside) expect(text.replace(/<\/?(ins|del)>/g, '')).not.toMatch(/[<>"]/);
    // The CSP stays as strict as before: no inline handlers, no style or script sources added.
    expect(html).toMatch(/content="default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-[^']+'; img-src data:;/);
  });

  it('adds a Δ-vs-baseline column to the summary table, `new` for a target the baseline lacks', () => {
    const { baseline, run } = regressedRuns();
    const html = write(run, baseline);
    const table = html.slice(html.indexOf('<table class="data" id="summary-table">'), html.indexOf('</table>', html.indexOf('id="summary-table"')));
    expect(table).toContain('>Δ vs baseline (pts)</th>');
    expect([...table.matchAll(/<td class="n baseline-delta">([^<]*)<\/td>/g)].map((m) => m[1])).toEqual(['−66.7', '0.0', 'new', '−50.0']);
    const path = join(t.dir, 'out', 'plain.html');
    writeHtmlReport(path, t.store, run, summarizeRun(t.store, run), '9.9.9');
    const plain = readFileSync(path, 'utf8');
    expect(plain).not.toContain('baseline-delta');
    expect(plain).not.toContain('id="regression-diffs"');
  });
});
