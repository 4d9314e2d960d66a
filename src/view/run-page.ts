/**
 * The run page of `llmlab view`: the HTML report's own template and model (templates/report.html.njk, planPage)
 * with `host` 'view', so the report and the app show a run the same way. The view host embeds no cells: the
 * page's script fetches a page of rows at a time from `meta.rowsUrl`, and loads the report's scripts from
 * /assets rather than inline (the app's CSP allows scripts from this origin only).
 */
import type { RunRecord } from '../store/index.js';
import { planPage, type HtmlMeta } from '../report/writers/html/page.js';
import type { HtmlTarget } from '../report/writers/html/cells.js';
import type { ViewContext } from './context.js';
import { NAV, renderTemplate } from './page.js';
import { previousRunId } from '../store/run-neighbours.js';

/** The report's scripts in the order the file report inlines them, with rows.js (the server's rows) before view.js. */
export const RUN_PAGE_SCRIPTS = ['view/app.js', 'report/model.js', 'report/dom.js', 'report/detail.js', 'report/compare.js', 'report/rows.js', 'report/view.js'];

/** The page's meta JSON in the view host: where rows come from instead of embedded cells. */
export interface ViewRunMeta extends HtmlMeta {
  /** The rows API of this run; its cells carry their ids (`x`) for `#cell=` links. */
  rowsUrl: string;
}

/** The report's page context for `run`: no assets are inlined, so planPage gets none. */
const NO_ASSETS = { css: '', script: '', scriptHash: '' };

/** Renders the run page's HTML. */
export function renderRunPage(view: ViewContext, run: RunRecord): string {
  const summary = view.summary(run);
  const plan = planPage(view.store, run, summary, view.version, NO_ASSETS);
  // Attack cells are the Security section's; the matrix of the view host has only the tests' targets.
  const targets: HtmlTarget[] = summary.targets.map((t) => ({ promptId: t.promptId, providerLabel: t.providerLabel }));
  const meta: ViewRunMeta = { ...plan.meta, targets, baselineRunId: null, rowsUrl: `/api/runs/${encodeURIComponent(run.id)}/rows` };
  const previous = previousRunId(view.store.db, run);
  return renderTemplate(view, 'report.html.njk', {
    ...plan.context,
    host: 'view',
    viewMeta: meta,
    viewScripts: RUN_PAGE_SCRIPTS,
    nav: NAV,
    active: 'runs',
    csrf: view.csrf,
    version: view.version,
    links: {
      history: `/history?suite=${encodeURIComponent(run.suitePath)}`,
      ...(previous === undefined ? {} : { compare: `/compare?a=${encodeURIComponent(previous)}&b=${encodeURIComponent(run.id)}` }),
    },
  });
}
