/**
 * The run page in-process: the report's template in the view host (nav, links, no inline script, no embedded
 * cells), 404s for unknown runs, and the rows API's answers and its 400s for bad parameters.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Hono } from 'hono';
import type { RunRecord } from '../../../src/store/index.js';
import type { RowsAnswer } from '../../../src/view/routes/run.js';
import { XSS_OUTPUT } from '../../report/html-fixture.js';
import { fixtureRuns, viewApp, viewHeaders, viewProject, type ViewProject } from '../helpers.js';

let project: ViewProject;
let app: Hono;
let headers: Record<string, string>;
let runs: { baseline: RunRecord; candidate: RunRecord };

beforeEach(async () => {
  project = viewProject();
  runs = fixtureRuns(project.store);
  const made = await viewApp(project);
  app = made.app;
  headers = viewHeaders(made.context);
});
afterEach(() => project.dispose());

const get = (path: string) => app.request(path, { headers });
const rows = async (query: string, id = runs.candidate.id) => (await get(`/api/runs/${id}/rows${query}`)).json() as Promise<RowsAnswer>;

describe('GET /runs/:id', () => {
  it("renders the report's page in the view host: nav, links, meta pointing at the rows API, scripts from /assets only", async () => {
    const res = await get(`/runs/${runs.candidate.id}`);
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('sha256-');
    const html = await res.text();
    expect(html).toContain('<nav class="view-nav"');
    expect(html).toContain('id="summary-table"');
    expect(html).toContain('id="matrix"');
    expect(html).toContain('<select id="sort"');
    // Every script element either loads from /assets or holds inert JSON.
    const scripts = [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
    for (const [, attrs, body] of scripts) {
      if (attrs!.includes('type="application/json"')) continue;
      expect(attrs).toMatch(/src="\/assets\/(view|report)\/[a-z-]+\.js"/);
      expect(body).toBe('');
    }
    expect(scripts.map(([, attrs]) => /src="([^"]+)"/.exec(attrs!)?.[1]).filter(Boolean)).toEqual([
      '/assets/view/app.js', '/assets/report/model.js', '/assets/report/dom.js', '/assets/report/detail.js',
      '/assets/report/compare.js', '/assets/report/rows.js', '/assets/report/view.js',
    ]);
    expect(html).not.toContain('http-equiv="Content-Security-Policy"');
    expect(html).toContain('<script type="application/json" id="cells">[]</script>');
    const meta = JSON.parse(/<script type="application\/json" id="meta">([\s\S]*?)<\/script>/.exec(html)![1]!);
    expect(meta).toMatchObject({ runId: runs.candidate.id, pageSize: 100, repeat: 2, baselineRunId: null, rowsUrl: `/api/runs/${runs.candidate.id}/rows` });
    expect(meta.targets).toEqual([{ promptId: 'support', providerLabel: 'bot-a' }, { promptId: 'support', providerLabel: 'bot-b' }]);
    expect(html).toContain('href="/history?suite=%2Fsuites%2Fsupport.yaml"');
    expect(html).toContain(`href="/compare?a=${runs.baseline.id}&amp;b=${runs.candidate.id}"`);
    // A run's strings are escaped; the model's markup is not on the page at all (cells come from the API).
    expect(html).toContain('Support bot &lt;em&gt;regression&lt;/em&gt; suite');
    expect(html).not.toContain('window.__pwned');
  });

  it('links no previous run for the first run of a suite, and resolves latest to the newest run', async () => {
    const first = await (await get(`/runs/${runs.baseline.id}`)).text();
    expect(first).not.toContain('id="compare-link"');
    const latest = await (await get('/runs/latest')).text();
    expect(latest).toContain(`<code>${runs.candidate.id}</code>`);
  });

  it('answers an unknown run with the 404 page', async () => {
    const res = await get('/runs/20990101-000000-ffff');
    expect(res.status).toBe(404);
    const html = await res.text();
    expect(html).toContain('no run 20990101-000000-ffff');
    expect(html).toContain('runs list');
  });
});

describe('GET /api/runs/:id/rows', () => {
  it('answers a page of rows with their cells encoded as the report embeds them, with ids', async () => {
    const page = await rows('');
    expect(page).toMatchObject({ page: 0, pages: 2, total: 155, start: 0, end: 100, counts: { all: 155, failing: 2, erroring: 1, flaky: 1 } });
    expect(page.rows).toHaveLength(100);
    expect(page.rows[0]).toMatchObject({ id: 'xss', index: 0, description: 'model answers with markup', failing: false });
    expect(page.cells).toHaveLength(400);
    const first = page.cells[0]!;
    expect(first).toMatchObject({ t: 0, id: 'xss', r: 0, o: XSS_OUTPUT, s: 'pass', d: 'model answers with markup', x: 'bot-a:support:xss:0' });
    expect(first.v).toBe('question: say <b>hi</b>');
    // The second repeat shares the first one's prompt: it points at it, within this page's cells.
    expect(page.cells[1]!.p).toBe(0);
    expect(page.cells.find((c) => c.id === 'capital' && c.t === 1)).toMatchObject({ x: 'bot-b:support:capital:0', l: 480 });
  });

  it('filters, searches, sorts, pages and locates a cell', async () => {
    expect((await rows('?filter=failing')).rows.map((r) => r.id)).toEqual(['refund', 'coin']);
    expect((await rows('?filter=erroring')).rows.map((r) => r.id)).toEqual(['timeout']);
    expect((await rows('?q=Refund')).rows.map((r) => r.id)).toEqual(['refund', 'timeout']);
    const second = await rows('?page=1');
    expect(second).toMatchObject({ page: 1, start: 100, end: 155 });
    expect(second.rows[0]!.id).toBe('filler-95');
    expect((await rows('?sort=latency&dir=desc&q=filler')).rows[0]!.id).toBe('filler-0');
    const located = await rows('?cell=bot-b%3Asupport%3Afiller-120%3A1');
    expect(located.page).toBe(1);
    expect(located.cells.some((c) => c.x === 'bot-b:support:filler-120:1')).toBe(true);
  });

  it('answers bad parameters with 400 and a hint, unknown runs and cells with 404', async () => {
    const error = async (path: string) => {
      const res = await get(path);
      return { status: res.status, body: (await res.json()) as { error: { code: string; message: string; hint?: string } } };
    };
    const url = `/api/runs/${runs.candidate.id}/rows`;
    for (const [query, hint] of [
      ['?filter=broken', 'filter is one of all, failing, erroring, flaky'],
      ['?sort=speed', 'sort is one of order, latency, cost, score'],
      ['?dir=up', 'dir is one of asc, desc'],
      ['?page=-1', 'pages count from 0'],
      ['?page=two', 'pages count from 0'],
      [`?q=${'x'.repeat(501)}`, 'at most 500 characters'],
      [`?q=${encodeURIComponent('a b c d e f g h i')}`, 'at most 8 words'],
    ] as const) {
      const { status, body } = await error(url + query);
      expect(status, query).toBe(400);
      expect(body.error.code).toBe('HTTP_400');
      expect(body.error.hint).toContain(hint);
    }
    const unknownRun = await error('/api/runs/nope/rows');
    expect(unknownRun.status).toBe(404);
    expect(unknownRun.body.error.message).toBe('no run nope');
    const unknownCell = await error(`${url}?cell=nope`);
    expect(unknownCell.status).toBe(404);
    expect(unknownCell.body.error.message).toContain('no cell nope');
    const filtered = await error(`${url}?filter=failing&cell=${encodeURIComponent('bot-a:support:capital:0')}`);
    expect(filtered.status).toBe(404);
    expect(filtered.body.error.hint).toContain('clear the filter');
  });
});
