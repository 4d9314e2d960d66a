/** The Runs page in-process: every run with its rates, marks and gate; the suite filter; bad input answered clearly. */
import { afterEach, describe, expect, it } from 'vitest';
import { hasStoredSummary } from '../../../src/report/stored-summary.js';
import type { CellResult } from '../../../src/types.js';
import { fixtureRuns, viewApp, viewHeaders, viewProject, type ViewProject } from '../helpers.js';

let project: ViewProject;
afterEach(() => project?.dispose());

function cell(test: number, status: CellResult['status'], provider = 'p'): CellResult {
  return {
    cellId: `${provider}:t${test}`, providerId: provider, providerLabel: provider, promptId: 'main', testId: `t${test}`,
    testIndex: test, repeatIndex: 0, vars: {}, prompt: 'q', output: 'o', status, score: status === 'pass' ? 1 : 0,
    assertions: [], latencyMs: 1, cost: 0.5, cached: false,
  };
}

describe('GET /', () => {
  it('lists every run with its suite, commit, rates with intervals, cost, gate and marks', async () => {
    project = viewProject();
    const { baseline, candidate } = fixtureRuns(project.store);
    const subset = project.store.runs.create({
      suitePath: `${project.dir}/suites/qa.yaml`, suiteHash: 'h', totalCells: 2,
      options: { concurrency: 1, repeat: 1, cache: true, llmlabVersion: 't', subset: { flags: '--first 2', select: { first: 2 }, cells: 2, suiteCells: 10 } },
    });
    [cell(0, 'pass'), cell(1, 'fail')].forEach((c, i) => project.store.results.put(subset.id, c, i));
    project.store.runs.setStatus(subset.id, 'completed');
    const { app, context } = await viewApp(project);
    const res = await app.request('/', { headers: viewHeaders(context) });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await res.text();
    for (const run of [baseline, candidate, subset]) expect(html).toContain(`href="/runs/${run.id}"`);
    expect(html).toContain('c0ffee000'); // the candidate's commit, shortened
    expect(html).toContain('subset: --first 2');
    expect(html).toContain('suites/qa.yaml'); // relative to the project
    expect(html).toMatch(/support × bot-a: <strong>\d+\.\d%<\/strong> <span class="muted">\[\d+\.\d%–\d+\.\d%\]/);
    expect(html).toContain('50.0%'); // the subset's 1 of 2
    expect(html).toContain('data-gate="fail"'); // the fixture's runs fail the default every-cell-passes gate
    expect(html).not.toMatch(/<script>(?!<\/script>)/); // no inline script
    // The description is a run's string: escaped.
    expect(html).toContain('Support bot &lt;em&gt;regression&lt;/em&gt; suite');
    expect(hasStoredSummary(project.store, candidate)).toBe(true);
  });

  it('filters by suite, and says when a suite has no runs', async () => {
    project = viewProject();
    fixtureRuns(project.store);
    const { app, context } = await viewApp(project);
    const filtered = await (await app.request('/runs?suite=%2Fsuites%2Fsupport.yaml', { headers: viewHeaders(context) })).text();
    expect(filtered).toContain('2 runs · page 1 of 1');
    const missing = await app.request('/runs?suite=%2Fnope.yaml', { headers: viewHeaders(context) });
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain('no runs of suite /nope.yaml');
  });

  it('answers an empty database with how to start, and a bad page number with a 400', async () => {
    project = viewProject();
    const { app, context } = await viewApp(project);
    expect(await (await app.request('/', { headers: viewHeaders(context) })).text()).toContain('llmlab eval &lt;suite&gt;');
    const bad = await app.request('/runs?page=-1', { headers: viewHeaders(context) });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('pages count from 0');
  });

  it('leaves a large run without a kept summary pending and answers it from /api/runs/:id/row', async () => {
    project = viewProject();
    const big = project.store.runs.create({ suitePath: '/s.yaml', suiteHash: 'h', totalCells: 25_000, options: { concurrency: 1, repeat: 1, cache: true, llmlabVersion: 't' } });
    project.store.db.transaction(() => {
      for (let i = 0; i < 25_000; i++) project.store.results.put(big.id, cell(i, 'pass'), i);
    })();
    project.store.runs.setStatus(big.id, 'completed');
    const { app, context } = await viewApp(project);
    expect(await (await app.request('/', { headers: viewHeaders(context) })).text()).toContain('data-gate="pending"');
    const row = await app.request(`/api/runs/${big.id}/row`, { headers: viewHeaders(context) });
    expect(await row.json()).toEqual({
      targets: [{ promptId: 'main', providerLabel: 'p', passRate: 1, low: expect.closeTo(0.99985, 4), high: 1, counted: 25_000 }],
      cost: 12_500,
      gate: { state: 'pass', reasons: [] },
    });
    expect(await (await app.request('/', { headers: viewHeaders(context) })).text()).toContain('data-gate="pass"');
    const unknown = await app.request('/api/runs/nope/row', { headers: viewHeaders(context) });
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { message: string } }).error.message).toContain('no run nope');
  });
});
