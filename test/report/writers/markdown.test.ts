import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { compareRuns } from '../../../src/report/compare/compare-runs.js';
import { DEFAULT_MAX_CHARS, renderMarkdownReport } from '../../../src/report/writers/markdown.js';
import { mdInline, preText } from '../../../src/report/writers/pr-comment/escape.js';
import { summarizeRun } from '../../../src/report/summary.js';
import type { RunRecord, Store } from '../../../src/store/index.js';
import type { CellResult, CellStatus } from '../../../src/types.js';
import { storeBaselineRun, storeCandidateRun, storeFixedRun } from '../fixed-runs.js';
import { tempStore, verdictCell } from '../helpers.js';

let t: ReturnType<typeof tempStore>;
let store: Store;
beforeEach(() => {
  t = tempStore();
  store = t.store;
});
afterEach(() => t.dispose());

function render(run: RunRecord, options: Parameters<typeof renderMarkdownReport>[3] = {}): string {
  return renderMarkdownReport(store, run, summarizeRun(store, run), options);
}

/** Run ids hold the clock: replace them for snapshots. */
function normalise(md: string, ...runs: RunRecord[]): string {
  return runs.reduce((text, run, i) => text.replaceAll(run.id, `RUN-${i}`), md);
}

/** Stores many cells in one transaction (20,000 separate commits would take most of a minute). */
function bulkRun(cells: CellResult[], at: number): RunRecord {
  let run: RunRecord | undefined;
  store.db.transaction(() => {
    run = storeFixedRun(store, cells, at);
  })();
  return run!;
}

/** What must hold whatever the content: balanced blocks, no live script, every table row as wide as its header. */
function expectIntactLayout(md: string): void {
  const count = (s: string) => md.split(s).length - 1;
  expect(count('<details>')).toBe(count('</details>'));
  expect(count('<summary>')).toBe(count('</summary>'));
  expect(count('<pre>')).toBe(count('</pre>'));
  expect(md).not.toMatch(/<script|<img|<iframe|javascript:/i);
  // Outside <pre> blocks: a `|` line inside one is output text, not a table row.
  const tableLines = md.replace(/<pre>[^]*?<\/pre>/g, '').split('\n').filter((l) => l.startsWith('|'));
  expect(tableLines.length).toBeGreaterThan(2);
  const pipes = (line: string) => line.split('|').length - 1;
  expect(new Set(tableLines.map(pipes)).size).toBe(1);
}

describe('Markdown PR comment', () => {
  it('matches the snapshots of the fixed run, with and without a baseline', async () => {
    const baseline = storeBaselineRun(store);
    const run = storeCandidateRun(store);
    const withBaseline = render(run, { baseline, generator: 'llmlab test' });
    expectIntactLayout(withBaseline);
    await expect(normalise(withBaseline, baseline, run)).toMatchFileSnapshot('__snapshots__/pr-comment.md');
    const alone = render(run, { generator: 'llmlab test' });
    expectIntactLayout(alone);
    await expect(normalise(alone, run)).toMatchFileSnapshot('__snapshots__/pr-comment-no-baseline.md');
  });

  it('marks significant regressions and improvements, and not-significant changes as such', () => {
    const cells = (prompt: string, statuses: CellStatus[]) =>
      statuses.map((s, i) => ({ ...verdictCell(prompt, 'bot', i, s), description: `${prompt} test ${i}` }));
    const rep = (n: number, s: CellStatus) => Array.from({ length: n }, () => s);
    const baseline = storeFixedRun(store, [...cells('worse', rep(12, 'pass')), ...cells('better', rep(12, 'fail')), ...cells('same', rep(12, 'pass'))], 1);
    const run = storeFixedRun(store, [...cells('worse', rep(12, 'fail')), ...cells('better', rep(12, 'pass')), ...cells('same', ['fail', ...rep(11, 'pass')])], 2);
    const md = render(run, { baseline });
    const row = (prompt: string) => md.split('\n').find((l) => l.startsWith(`| ${prompt} | bot |`))!;
    // 12 discordant pairs one way: McNemar p = 2·0.5^12, Holm ×3 = 0.00146 → "p=0.0015".
    expect(row('worse')).toContain('| **−100.0 pp** 🔴 (p=0.0015) | 12 ↓ · 0 ↑ |');
    expect(row('better')).toContain('| **+100.0 pp** 🟢 (p=0.0015) | 0 ↓ · 12 ↑ |');
    expect(row('same')).toContain('| −8.3 pp (n.s., p=1) | 1 ↓ · 0 ↑ |');
    expect(md).toMatch(/<summary><b>Regressed: passed in the baseline, fail now<\/b> \(13\)<\/summary>/);
    expect(md).toMatch(/<summary><b>Fixed: failed in the baseline, pass now<\/b> \(12\)<\/summary>/);
    expect(md).toContain('**❌ worse test 0 <code>t0</code> · worse × bot · fail**');
    expect(md).toContain('- ✅ better test 3 <code>t3</code> · better × bot · pass');
    expect(md).toContain('🔴/🟢 significant at 95 %');
    // Cost deltas: the fixture's cells cost nothing.
    expect(row('worse')).toMatch(/\| 0 \| ±0 \|$/);
  });

  it('shows a model output that tries to break out of the comment as text', () => {
    const attack = '</details><script>alert(1)</script>|x| ``` `code` <img src=x onerror=alert(2)> @octocat #12 $x$ **b**';
    const cell: CellResult = {
      ...verdictCell('p|q', 'bot|<b>', 0, 'fail'),
      description: `desc ${attack}`,
      vars: { question: attack },
      output: `${attack}\n\n# heading\n| a | b |\n</pre>`,
      assertions: [{ type: 'equals', metric: 'equals', pass: false, score: 0, weight: 1, reason: `expected ${attack}` }],
    };
    const run = storeFixedRun(store, [cell, verdictCell('p|q', 'bot|<b>', 1, 'pass')], 1);
    const md = render(run);
    expectIntactLayout(md);
    // Every table row keeps its 5 columns (6 pipes), the target names' pipes included.
    expect(md).toContain('| p&#124;q | bot&#124;&#60;b&#62; | 50.0 % (1/2) |');
    expect(md).toContain('&#60;/details&#62;&#60;script&#62;alert(1)&#60;/script&#62;&#124;x&#124;');
    expect(md).toContain('@&#8203;octocat #&#8203;12 &#36;x&#36; &#42;&#42;b&#42;&#42;');
    // Inside <pre>, markup is encoded and Markdown is inert; the block cannot be closed early.
    const pre = md.slice(md.indexOf('<pre>'), md.indexOf('</pre>') + 6);
    expect(pre).toBe(`<pre>${preText(cell.output, 1000)}</pre>`);
    expect(pre).toContain('&#60;/details&#62;&#60;script&#62;alert(1)&#60;/script&#62;|x|');
    expect(pre).toContain('&#60;/pre&#62;</pre>');
    expect(md.split('</details>')).toHaveLength(2);
  });

  // Stores and renders two runs of 20,000 cells with long texts: seconds of CPU, more on a loaded machine.
  it('stays under 65,536 characters for 20,000 cells with long outputs, and says what it left out', { timeout: 30_000 }, () => {
    const statuses: CellStatus[] = ['pass', 'fail', 'fail', 'error', 'pass'];
    // The baseline passed everything; its outputs are never shown, so they stay short.
    const cells = (regressing: boolean): CellResult[] =>
      Array.from({ length: 5000 }, (_, i) =>
        ['one', 'two'].flatMap((prompt) =>
          ['bot-a', 'bot-b'].map((provider) => ({
            ...verdictCell(prompt, provider, i, regressing ? statuses[i % 5]! : 'pass'),
            description: `question ${i} ${'with a long description '.repeat(20)}`,
            vars: { q: `v${i}`.repeat(regressing ? 50 : 1) },
            output: regressing ? `answer ${i} <b>|</b> `.repeat(150) : 'ok',
            error: regressing && i % 5 === 3 ? `HTTP 500 ${'x'.repeat(2000)}` : undefined,
            assertions: regressing ? [{ type: 'equals', metric: 'equals', pass: false, score: 0, weight: 1, reason: 'r'.repeat(600) }] : [],
          })),
        ),
      ).flat();
    const baseline = bulkRun(cells(false), 1);
    const run = bulkRun(cells(true), 2);
    expect(store.results.count(run.id)).toBe(20_000);
    const md = render(run, { baseline });
    expect(md.length).toBeLessThanOrEqual(DEFAULT_MAX_CHARS);
    expect(md.length).toBeLessThan(65_536);
    expectIntactLayout(md);
    // 3 in 5 tests regress on each of 4 targets: 12,000 regressed, 4,000 of them errors.
    expect(md).toMatch(/<summary><b>Regressed: passed in the baseline, fail now<\/b> \(12000\)<\/summary>/);
    const shown = md.match(/^\*\*❌ .* · (fail|error)\*\*$/gm) ?? [];
    expect(shown.length).toBeGreaterThan(0);
    const listed = md.slice(md.indexOf('Regressed'), md.indexOf('Errored'));
    const regressedShown = listed.match(/^\*\*[❌⚠]/gmu)!.length;
    expect(listed).toContain(`… and ${12000 - regressedShown} more (see the HTML report / artifact)`);
    expect(md).toMatch(/<summary><b>Errored<\/b> \(4000\)<\/summary>/);
    expect(md).toMatch(/Trimmed to fit a GitHub comment: outputs cut to \d+ characters, lists to \d+ items/);
    expect(md).toMatch(/… \(\d+ more chars\)<\/pre>/);
  });

  it('honours a smaller maxChars, down to a bare verdict', () => {
    const baseline = storeBaselineRun(store);
    const run = storeCandidateRun(store);
    for (const maxChars of [3000, 1500, 400]) {
      const md = render(run, { baseline, maxChars });
      expect(md.length).toBeLessThanOrEqual(maxChars);
      expect(md).toMatch(/^## ❌ llmlab · Capitals · gate failed\n/);
    }
  });

  it('uses a comparison made by the caller, or says why there is none', () => {
    const baseline = storeBaselineRun(store);
    const run = storeCandidateRun(store);
    const given = render(run, { baseline: { comparison: compareRuns(store, baseline, run), ref: 'git:main' } });
    expect(given).toContain(`baseline \`${baseline.id}\` (git:main)`);
    expect(given).toContain('| Δ vs baseline |');
    const none = render(run, { baseline: { unavailable: 'baseline git:main shares no tests with this run', ref: 'git:main' } });
    expect(none).toContain('> ⚠️ baseline git:main shares no tests with this run');
    expect(none).not.toContain('Δ vs baseline');
    const other = storeFixedRun(store, [verdictCell('x', 'y', 0, 'pass')], 3);
    expect(render(run, { baseline: other })).toContain(`> ⚠️ baseline ${other.id} shares no cells with this run: no deltas`);
  });
});

describe('Markdown escaping', () => {
  it('folds lines, cuts, and neutralises block syntax at the start of a line', () => {
    expect(mdInline('a\nb\r\n\tc')).toBe('a b c');
    expect(mdInline('# title')).toBe('&#35; title');
    expect(mdInline('1. item')).toBe('&#49;. item');
    expect(mdInline('- item')).toBe('&#45; item');
    expect(mdInline('x'.repeat(10), 4)).toBe('xxxx…');
    expect(mdInline('\u0000a\u001b[31mb')).toBe('a[31mb'.replace('[', '&#91;'));
    // Of 100 characters, 2 were dropped (CR, BEL) and 3 shown.
    expect(preText('ab\r\ncd\u0007', 3, 100)).toBe('ab\n… (95 more chars)');
    // Never splits a surrogate pair.
    expect(preText('a😀b', 2)).toBe('a… (3 more chars)');
  });
});
