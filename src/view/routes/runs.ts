/**
 * The Runs page (`/`): every stored run newest first, filtered by suite, with pass rates, cost, gate and marks;
 * two selected runs open the Compare page. `GET /api/runs/:id/row` fills in the figures the page left pending
 * (runs without a kept summary, too large to summarize while the list was answered).
 */
import type { Context, Hono } from 'hono';
import { LlmlabError } from '../../errors.js';
import type { ViewContext } from '../context.js';
import { ViewError } from '../errors.js';
import { renderPage, securityHeaders } from '../page.js';
import { runsPage, summaryColumns } from '../runs-model.js';

export function mountRuns(app: Hono, view: ViewContext): void {
  const list = (c: Context) => {
    const suite = c.req.query('suite') || undefined;
    const model = runsPage(view, { ...(suite ? { suitePath: suite } : {}), page: pageNumber(c.req.query('page')) });
    if (suite && model.total === 0 && !model.suites.some((s) => s.suitePath === suite)) {
      throw new ViewError(404, `no runs of suite ${suite}`, 'pick a suite from the list on the Runs page');
    }
    return renderPage(c, view, 'runs.njk', { title: 'Runs', ...model }, { active: 'runs' });
  };
  app.get('/', list);
  app.get('/runs', list);
  app.get('/api/runs/:id/row', (c) => {
    const run = view.store.runs.get(c.req.param('id'));
    if (!run) throw new LlmlabError('RUN_NOT_FOUND', `no run ${c.req.param('id')} in ${view.store.path}`, { hint: 'the Runs page lists the stored runs' });
    return c.json(summaryColumns(view.summary(run)), 200, securityHeaders());
  });
}

/** `?page=` as a 0-based page; a mistake is a 400 with a hint rather than page 0. */
export function pageNumber(value: string | undefined): number {
  if (value === undefined || value === '') return 0;
  if (!/^\d{1,6}$/.test(value)) throw new ViewError(400, `page must be a whole number, got \`${value}\``, 'pages count from 0: ?page=0 is the first');
  return Number(value);
}
