/**
 * The Compare page in-process over the HTML report's fixture runs (the candidate regresses `refund` on bot-a and
 * fixes `filler-7` on bot-b): the picker, the page's paired comparison, the rows API per mode, paging, search,
 * diffs that give both texts back, the cache following a run that changed, and mistakes answered clearly.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { WordDiffSegment } from '../../../src/report/compare/word-diff.js';
import type { RunRecord, Store } from '../../../src/store/index.js';
import type { CellResult } from '../../../src/types.js';
import type { CompareRowsPage } from '../../../src/view/compare-rows.js';
import { fixtureRuns, viewApp, viewHeaders, viewProject, type ViewProject } from '../helpers.js';

let project: ViewProject;
afterEach(() => project?.dispose());

/** The fixture's runs, the candidate one second newer (runs made in the same millisecond order by random id). */
function runs(store: Store): { baseline: RunRecord; candidate: RunRecord } {
  const { baseline, candidate } = fixtureRuns(store);
  store.db.prepare('UPDATE runs SET created_at = ? WHERE id = ?').run(baseline.createdAt - 1000, baseline.id);
  return { baseline: store.runs.get(baseline.id)!, candidate };
}

async function setup() {
  project = viewProject();
  const fixture = runs(project.store);
  const { app, context } = await viewApp(project);
  const get = (path: string) => app.request(path, { headers: viewHeaders(context) });
  const rows = async (query: string): Promise<CompareRowsPage> => {
    const res = await get(`/api/compare/rows?a=${fixture.baseline.id}&b=${fixture.candidate.id}${query}`);
    expect(res.status).toBe(200);
    return (await res.json()) as CompareRowsPage;
  };
  return { ...fixture, get, rows };
}

const sideA = (segments: WordDiffSegment[]) => segments.filter((s) => s.kind !== 'added').map((s) => s.text).join('');
const sideB = (segments: WordDiffSegment[]) => segments.filter((s) => s.kind !== 'removed').map((s) => s.text).join('');

function copyRun(store: Store, from: RunRecord, edit: (cell: CellResult) => CellResult | undefined, suitePath = from.suitePath): RunRecord {
  const run = store.runs.create({ suitePath, suiteHash: from.suiteHash, totalCells: from.totalCells, options: from.options });
  let seq = 0;
  for (const cell of [...store.results.iterate(from.id)]) {
    const edited = edit(cell);
    if (edited) store.results.put(run.id, edited, seq++);
  }
  store.runs.setStatus(run.id, 'completed');
  return store.runs.get(run.id)!;
}

describe('GET /compare', () => {
  it('without two runs, offers a picker: B the newest run, A the run before it of the same suite', async () => {
    const { baseline, candidate, get } = await setup();
    const res = await get('/compare');
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('<form method="get" action="/compare"');
    expect(html).toMatch(new RegExp(`<select name="a"[^]*?<option value="${baseline.id}" selected>${baseline.id} · /suites/support.yaml · `));
    expect(html).toMatch(new RegExp(`<select name="b"[^]*?<option value="${candidate.id}" selected>`));
    // One side named: the picker keeps it and fills in the other.
    const half = await (await get(`/compare?a=${candidate.id}`)).text();
    expect(half).toMatch(new RegExp(`<select name="a"[^]*?<option value="${candidate.id}" selected>`));
  });

  it('says when there is no run to compare yet', async () => {
    project = viewProject();
    const { app, context } = await viewApp(project);
    const html = await (await app.request('/compare', { headers: viewHeaders(context) })).text();
    expect(html).toContain('No runs are stored yet');
  });

  it('shows both runs, the per-target paired comparison, and the regression and the fix', async () => {
    const { baseline, candidate, get } = await setup();
    const res = await get(`/compare?a=${baseline.id}&b=${candidate.id}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await res.text();
    expect(html).toContain(`<code>${baseline.id}</code>`);
    expect(html).toContain(`<code>${candidate.id}</code>`);
    expect(html).toContain('git <code>ba5e00000000</code>');
    expect(html).toContain('Support bot &lt;em&gt;regression&lt;/em&gt; suite');
    expect(html).toContain('<span class="badge change-regressed">2 regressed</span>');
    expect(html).toContain('<span class="badge change-fixed">2 fixed</span>');
    expect(html).toContain('over 620 paired cells · McNemar p=1 ·');
    // bot-a: 2 regressions, no fix → McNemar's exact p 0.5, Holm-adjusted with bot-b's 0.5 to 1; −0.6 pp.
    expect(html).toMatch(/<tr class="" data-target="support × bot-a">[^]*?<td class="n">−0\.6 pp [^]*?<td class="n regressed-count">2<\/td><td class="n">0<\/td>\s*<td class="n">0\.5<\/td><td class="n">1<\/td>/);
    expect(html).toMatch(/<div class="compare-changed" id="compare-regressed">[^]*<li data-test="refund" data-target="support × bot-a">[^]*2 repeats/);
    expect(html).toMatch(/<div class="compare-changed" id="compare-fixed">[^]*<li data-test="filler-7" data-target="support × bot-b">/);
    expect(html).not.toMatch(/id="compare-regressed">[^]*filler-7[^]*id="compare-fixed"/);
    expect(html).toContain('<script src="/assets/view/compare.js"></script>');
    expect(html).not.toMatch(/<script>(?!<\/script>)/);
  });

  it('takes `latest` for a run id, and warns when both sides are the same run', async () => {
    const { candidate, get } = await setup();
    const html = await (await get('/compare?a=latest&b=latest')).text();
    expect(html).toContain(`both sides are run ${candidate.id}: every difference is zero`);
    expect(html).toContain('0 regressed');
  });

  it('says that runs with no cell in common have nothing to compare, as a page rather than an error', async () => {
    const { baseline, get } = await setup();
    const other = copyRun(project.store, baseline, (c) => ({ ...c, testId: `renamed-${c.testId}` }), '/suites/other.yaml');
    const res = await get(`/compare?a=${baseline.id}&b=${other.id}`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain(`<p class="warning" id="compare-nothing">runs ${baseline.id} and ${other.id} share no cells: nothing to compare</p>`);
    expect(html).not.toContain('compare.js');
    const api = await get(`/api/compare/rows?a=${baseline.id}&b=${other.id}&mode=all`);
    expect(((await api.json()) as CompareRowsPage).total).toBe(0);
  });

  it('compares attack success when the runs share only attack cells', async () => {
    project = viewProject();
    const attackRun = (hits: boolean[]): RunRecord => {
      const run = project.store.runs.create({ suitePath: '/suites/redteam.yaml', suiteHash: 'h', totalCells: hits.length, options: { concurrency: 1, repeat: 1, cache: true, llmlabVersion: 't' } });
      hits.forEach((hit, i) => {
        const attack = { family: 'prompt-injection', strategy: 'direct', severity: 'high', transcript: [], turns: 1 } as unknown as CellResult['attack'];
        project.store.results.put(run.id, {
          cellId: `bot:attack:inj-${i}:0`, providerId: 'bot', providerLabel: 'bot', promptId: 'attack', testId: `inj-${i}`, testIndex: i, repeatIndex: 0,
          vars: {}, prompt: 'p', output: hit ? 'leaked' : 'refused', status: hit ? 'fail' : 'pass', score: 0, assertions: [], latencyMs: 1, cost: 0, cached: false, attack,
        }, i);
      });
      project.store.runs.setStatus(run.id, 'completed');
      return project.store.runs.get(run.id)!;
    };
    const a = attackRun([false, false, false, true]);
    const b = attackRun([true, false, false, true]);
    const { app, context } = await viewApp(project);
    const res = await app.request(`/compare?a=${a.id}&b=${b.id}`, { headers: viewHeaders(context) });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('share only security attack cells: no pass rates to compare');
    expect(html).toMatch(/<section id="compare-security">[^]*4 attack cells paired[^]*1 newly successful, 0 newly resisted[^]*<td>prompt-injection<\/td><td class="n">4<\/td>/);
  });

  it('answers an unknown run with a 404 page', async () => {
    const { baseline, get } = await setup();
    const res = await get(`/compare?a=${baseline.id}&b=nope`);
    expect(res.status).toBe(404);
    expect(await res.text()).toContain('no run nope');
  });
});

describe('GET /api/compare/rows', () => {
  it('lists changed pairs by default, and counts every mode', async () => {
    const { baseline, candidate, rows } = await setup();
    const page = await rows('');
    expect(page).toMatchObject({ a: baseline.id, b: candidate.id, mode: 'changed', q: '', page: 0, pages: 1, pageSize: 50, total: 4, start: 0, end: 4 });
    expect(page.totals).toEqual({ changed: 4, regressed: 2, fixed: 2, all: 620 });
    expect(page.rows.map((r) => [r.testId, r.providerLabel, r.repeatIndex, r.change])).toEqual([
      ['refund', 'bot-a', 0, 'regressed'],
      ['refund', 'bot-a', 1, 'regressed'],
      ['filler-7', 'bot-b', 0, 'fixed'],
      ['filler-7', 'bot-b', 1, 'fixed'],
    ]);
    const refund = page.rows[0]!;
    expect(refund).toMatchObject({
      promptId: 'support',
      description: 'refund policy mentions the window',
      a: { cellId: 'bot-a:support:refund:0', status: 'pass', output: 'Refunds within 30 days.', error: null },
      b: { cellId: 'bot-a:support:refund:0', status: 'fail', output: 'Please contact us.', error: null },
      prompt: { same: true, text: 'Answer the customer: Can I get a refund?' },
    });
    expect(refund.diff.some((s) => s.kind === 'removed')).toBe(true);
    expect(refund.diff.some((s) => s.kind === 'added')).toBe(true);
  });

  it('filters by mode, lists changed pairs first under all, and every diff gives both outputs back', async () => {
    const { rows } = await setup();
    expect((await rows('&mode=regressed')).rows.map((r) => r.testId)).toEqual(['refund', 'refund']);
    expect((await rows('&mode=fixed')).rows.map((r) => `${r.testId} ${r.a.status}→${r.b.status}`)).toEqual(['filler-7 fail→pass', 'filler-7 fail→pass']);
    const all = await rows('&mode=all');
    expect(all.total).toBe(620);
    expect(all.rows.slice(0, 4).map((r) => r.change)).toEqual(['regressed', 'regressed', 'fixed', 'fixed']);
    expect(all.rows[4]).toMatchObject({ testId: 'xss', change: 'same' });
    for (const r of all.rows) {
      expect(sideA(r.diff)).toBe(r.a.output);
      expect(sideB(r.diff)).toBe(r.b.output);
    }
    // An error's message is sent beside its empty output.
    const timeout = (await rows('&mode=all&q=timeout bot-b')).rows[0]!;
    expect(timeout).toMatchObject({ a: { status: 'error', error: 'timeout after 30000 ms' }, b: { status: 'error' }, change: 'same' });
  });

  it('pages 50 pairs at a time, the last page clamped', async () => {
    const { rows } = await setup();
    const first = await rows('&mode=all');
    expect(first).toMatchObject({ page: 0, pages: 13, start: 0, end: 50 });
    expect(first.rows).toHaveLength(50);
    const last = await rows('&mode=all&page=12');
    expect(last).toMatchObject({ page: 12, start: 600, end: 620 });
    expect(last.rows).toHaveLength(20);
    expect(last.rows.at(-1)).toMatchObject({ testId: 'filler-149', providerLabel: 'bot-b', repeatIndex: 1 });
    expect(await rows('&mode=all&page=999')).toMatchObject({ page: 12, start: 600 });
    const ids = new Set<string>();
    for (let p = 0; p < 13; p++) for (const r of (await rows(`&mode=all&page=${p}`)).rows) ids.add(`${r.testId} ${r.providerLabel} ${r.repeatIndex}`);
    expect(ids.size).toBe(620);
  });

  it('searches test ids, descriptions, prompts and providers: every word, any case', async () => {
    const { rows } = await setup();
    const refund = await rows('&mode=all&q=REFUND');
    expect(refund.rows.map((r) => `${r.testId} ${r.providerLabel}`)).toEqual(['refund bot-a', 'refund bot-a', 'refund bot-b', 'refund bot-b']);
    expect(refund.totals).toEqual({ changed: 2, regressed: 2, fixed: 0, all: 4 });
    expect((await rows('&mode=all&q=refund%20bot-b')).total).toBe(2);
    expect((await rows('&mode=all&q=filler%20question%2099')).rows.map((r) => r.testId)).toEqual(['filler-99', 'filler-99', 'filler-99', 'filler-99']);
    expect((await rows('&q=zebra')).totals).toEqual({ changed: 0, regressed: 0, fixed: 0, all: 0 });
  });

  it('diffs the rendered prompts when the runs sent different ones', async () => {
    const { baseline, get } = await setup();
    const edited = copyRun(project.store, baseline, (c) => (c.testId === 'capital' ? { ...c, prompt: 'Answer the customer briefly: What is the capital of France?' } : c));
    const res = await get(`/api/compare/rows?a=${baseline.id}&b=${edited.id}&mode=all&q=capital`);
    const page = (await res.json()) as CompareRowsPage;
    expect(page.total).toBe(4);
    for (const r of page.rows) {
      expect(r.prompt.same).toBe(false);
      if (r.prompt.same) continue;
      expect(sideA(r.prompt.diff)).toBe('Answer the customer: What is the capital of France?');
      expect(sideB(r.prompt.diff)).toBe('Answer the customer briefly: What is the capital of France?');
      expect(r.prompt.diff).toContainEqual({ kind: 'added', text: ' briefly' });
    }
  });

  it('compares again when a run changed since the comparison was kept', async () => {
    const { baseline, candidate, rows } = await setup();
    expect((await rows('&mode=regressed')).total).toBe(2);
    const extra = (status: CellResult['status']): CellResult => ({
      cellId: 'bot-a:support:extra:0', providerId: 'echo:bot-a', providerLabel: 'bot-a', promptId: 'support', testId: 'extra',
      testIndex: 155, repeatIndex: 0, vars: {}, prompt: 'p', output: status, status, score: 0, assertions: [], latencyMs: 1, cost: 0, cached: false,
    });
    project.store.results.put(baseline.id, extra('pass'), 10_000);
    project.store.results.put(candidate.id, extra('fail'), 10_000);
    const after = await rows('&mode=regressed');
    expect(after.total).toBe(3);
    expect(after.rows.at(-1)).toMatchObject({ testId: 'extra', a: { output: 'pass' }, b: { output: 'fail' } });
  });

  it('answers a bad parameter with a 400 and a hint, and an unknown run with a 404', async () => {
    const { baseline, candidate, get } = await setup();
    const pair = `a=${baseline.id}&b=${candidate.id}`;
    const cases: Array<[string, number, RegExp, RegExp]> = [
      [`/api/compare/rows?a=${baseline.id}`, 400, /both runs are needed/, /a=<run id>&b=<run id>/],
      [`/api/compare/rows?${pair}&mode=broken`, 400, /unknown mode `broken`/, /changed, regressed, fixed, all/],
      [`/api/compare/rows?${pair}&page=-1`, 400, /page must be a whole number/, /page=0 is the first/],
      [`/api/compare/rows?${pair}&page=two`, 400, /page must be a whole number/, /page=0/],
      [`/api/compare/rows?${pair}&q=${'x'.repeat(201)}`, 400, /201 characters/, /at most 200/],
      [`/api/compare/rows?a=${baseline.id}&b=nope`, 404, /no run nope/, /Runs page/],
    ];
    for (const [path, status, message, hint] of cases) {
      const res = await get(path);
      expect(res.status, path).toBe(status);
      const body = (await res.json()) as { error: { code: string; message: string; hint: string } };
      expect(body.error.message, path).toMatch(message);
      expect(body.error.hint, path).toMatch(hint);
    }
  });
});
