/** The History page in-process: suites list, charts (well-formed, escaped SVG), change points, flaky tests, errors. */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hono } from 'hono';
import type { CellStatus } from '../../../src/types.js';
import { passFirst, storeHistory } from '../../report/history-fixture.js';
import { summarizeMissing } from '../../../src/view/summary-budget.js';
import { viewApp, viewHeaders, viewProject, type ViewProject } from '../helpers.js';

const SUITE = '/suites/<script>alert(1)</script>.yaml';
const PROMPT = '<script>p</script>';

let project: ViewProject;
let app: Hono;
let headers: Record<string, string>;

// Read-only tests: one project for all.
beforeAll(async () => {
  project = viewProject();
  // 8 runs: `shift` drops from 90 % to 50 % at run 4, `flat` stays at 80 %; test 0 flips on `flat` every run.
  storeHistory(project.store, 8, (i) => ({
    suitePath: SUITE,
    tests: 100,
    prompts: [PROMPT],
    providers: ['shift', 'flat'],
    testId: (test) => (test === 0 ? 'flaky-one' : `t${test}`),
    status: (test, _prompt, provider): CellStatus => {
      if (provider === 'flat') return test === 0 ? (i % 2 === 0 ? 'pass' : 'fail') : passFirst(0.8, 100)(test);
      return passFirst(i < 4 ? 0.9 : 0.5, 100)(test);
    },
  }));
  const built = await viewApp(project);
  app = built.app;
  headers = viewHeaders(built.context);
});
afterAll(() => project.dispose());

const get = (path: string) => app.request(path, { headers });
const historyOf = (suite: string, extra = '') => get(`/history?suite=${encodeURIComponent(suite)}${extra}`);

/** Each inline chart of a page, by the target it draws. */
function charts(html: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of html.matchAll(/<section class="history-target" data-prompt="[^"]*" data-provider="([^"]*)">[\s\S]*?(<svg[\s\S]*?<\/svg>)/g)) out.set(m[1]!, m[2]!);
  return out;
}

describe('GET /history', () => {
  it('lists the suites with runs, escaped, each linking to its history', async () => {
    const res = await get('/history');
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain(`href="/history?suite=${encodeURIComponent(SUITE)}"`);
    expect(html).toContain('/suites/&lt;script&gt;alert(1)&lt;/script&gt;.yaml');
    expect(html).not.toContain('<script>alert');
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
  });

  it('draws one well-formed SVG chart per target, every text escaped', async () => {
    const res = await historyOf(SUITE);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).not.toContain('<script>alert');
    expect(html).not.toContain('<script>p');
    const svgs = charts(html);
    expect([...svgs.keys()]).toEqual(['shift', 'flat']);
    const parser = new XMLParser({ ignoreAttributes: false });
    for (const svg of svgs.values()) {
      expect(XMLValidator.validate(svg)).toBe(true);
      const doc = parser.parse(svg) as { svg: { title: string; circle: Array<{ title: string }> } };
      // The prompt's markup is text inside the chart, not elements.
      expect(doc.svg.title).toContain(`${PROMPT} × `);
      expect(doc.svg.circle).toHaveLength(8);
      expect(doc.svg.circle[0]!.title).toMatch(/^run \d{8}-\d{6}-[0-9a-f]{4} · 2026-11-01 09:00 UTC · \d+\.\d% \[\d+\.\d%–\d+\.\d%\] · n=100$/);
    }
  });

  it('marks the change point of the series that shifted, and none on the flat one', async () => {
    const svgs = charts(await (await historyOf(SUITE)).text());
    expect(svgs.get('shift')).toContain('class="change-point"');
    expect(svgs.get('shift')).toMatch(/−40\.0 pp · p (&lt;|=) 0\.0\d\d/);
    expect(svgs.get('flat')).not.toContain('class="change-point"');
  });

  it('lists the flaky test first in the tests table, with links to its cells', async () => {
    const html = await (await historyOf(SUITE)).text();
    const rows = [...html.matchAll(/<tr data-test="([^"]*)" data-flips="(\d+)">/g)].map((m) => [m[1], Number(m[2])]);
    expect(rows[0]).toEqual(['flaky-one', 7]);
    expect(rows).toHaveLength(50);
    expect(html).toMatch(/href="\/runs\/[^"#]+#cell=flat%3A%3Cscript%3Ep%3C%2Fscript%3E%3Aflaky-one%3A0"/);
    expect(html).toContain('200 of 200 test × target rows · page 1 of 4');
  });

  it('pages and searches the tests table server-side, in the page and the API', async () => {
    const html = await (await historyOf(SUITE, '&q=FLAKY')).text();
    expect([...html.matchAll(/<tr data-test="([^"]*)"/g)].map((m) => m[1])).toEqual(['flaky-one', 'flaky-one']);
    const api = await get(`/api/history/tests?suite=${encodeURIComponent(SUITE)}&page=1`);
    expect(api.status).toBe(200);
    const body = (await api.json()) as { page: number; pages: number; rows: Array<{ testId: string }>; runIds: string[] };
    expect(body).toMatchObject({ page: 1, pages: 4 });
    expect(body.rows).toHaveLength(50);
    expect(body.runIds).toHaveLength(8);
  });

  it('charts a metric picked from the suite’s metrics, and refuses an unknown one', async () => {
    const html = await (await historyOf(SUITE, '&metric=quality')).text();
    expect(html).toContain('<option value="quality" selected>');
    expect(charts(html).size).toBe(2);
    const missing = await historyOf(SUITE, '&metric=nope');
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain('metric=pass, or one of: icontains, quality');
  });

  it('answers an unknown suite with a 404 naming where suites are listed', async () => {
    const res = await historyOf('/suites/none.yaml');
    expect(res.status).toBe(404);
    const html = await res.text();
    expect(html).toContain('no runs of suite /suites/none.yaml');
    expect(html).toContain('/history lists the 1 suite with runs');
    const api = await get(`/api/history?suite=${encodeURIComponent('/suites/none.yaml')}`);
    expect(api.status).toBe(404);
    expect(((await api.json()) as { error: { message: string } }).error.message).toContain('no runs of suite');
  });

  it('answers the history as JSON, and refuses a bad include', async () => {
    const res = await get(`/api/history?suite=${encodeURIComponent(SUITE)}`);
    const body = (await res.json()) as { runs: unknown[]; series: Array<{ providerLabel: string; changePoints: Array<{ runIndex: number }> }> };
    expect(body.runs).toHaveLength(8);
    expect(body.series.map((s) => [s.providerLabel, s.changePoints.map((c) => c.runIndex)])).toEqual([['shift', [4]], ['flat', []]]);
    expect((await historyOf(SUITE, '&include=most')).status).toBe(400);
  });
});

describe('a suite whose runs are all parts', () => {
  it('says there is no whole run and links to include=all, which shows the subset', async () => {
    const own = viewProject();
    try {
      storeHistory(own.store, 2, () => ({ suitePath: '/suites/parts.yaml', tests: 5, status: () => 'pass', options: { subset: { flags: '--first 5', select: { first: 5 }, cells: 5, suiteCells: 10 } } }));
      const { app: ownApp, context } = await viewApp(own);
      const whole = await ownApp.request('/history?suite=%2Fsuites%2Fparts.yaml', { headers: viewHeaders(context) });
      expect(whole.status).toBe(200);
      const html = await whole.text();
      expect(html).toContain('No completed whole run of this suite');
      expect(html).toContain('href="/history?suite=%2Fsuites%2Fparts.yaml&amp;include=all"');
      const all = await (await ownApp.request('/history?suite=%2Fsuites%2Fparts.yaml&include=all', { headers: viewHeaders(context) })).text();
      expect(charts(all).size).toBe(1);
      expect(all).toContain('subset: --first 5');
    } finally {
      own.dispose();
    }
  });
});

describe('runs stored before summaries were kept', () => {
  it('shows what the page could summarize, says how many wait, and shows them once the background has summarized them', async () => {
    const own = viewProject();
    try {
      storeHistory(own.store, 3, () => ({ suitePath: '/suites/old.yaml', tests: 5, status: () => 'pass' }));
      // Declared as large runs: the page's budget of cells to summarize covers the newest one only.
      own.store.db.prepare('UPDATE runs SET total_cells = 30000').run();
      const { app: ownApp, context } = await viewApp(own);
      const first = await (await ownApp.request('/history?suite=%2Fsuites%2Fold.yaml', { headers: viewHeaders(context) })).text();
      expect(context.warnings).toEqual([]);
      expect(first).toContain('1 run, oldest to newest');
      expect(first).toContain('2 runs are not shown yet');
      expect(first).not.toContain('No completed whole run');
      expect(await summarizeMissing(context, new AbortController().signal)).toBe(2);
      const later = await (await ownApp.request('/history?suite=%2Fsuites%2Fold.yaml', { headers: viewHeaders(context) })).text();
      expect(later).toContain('3 runs, oldest to newest');
      expect(later).not.toContain('not shown yet');
    } finally {
      own.dispose();
    }
  });
});
