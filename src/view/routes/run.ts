/**
 * The run page (`/runs/:id`, `latest` for the newest run) and its rows API (`/api/runs/:id/rows`): a page of the
 * results matrix chosen by the store under a filter, search and sort, its cells encoded as the HTML report
 * embeds them, so the report's detail.js shows them unchanged.
 */
import type { Hono } from 'hono';
import { createCellEncoder, type HtmlCell } from '../../report/writers/html/cells.js';
import type { RunRecord, Store } from '../../store/index.js';
import { CellNotShown, createRunRows, type RunRowsPage, type RunRowsReader } from '../../store/run-rows-page.js';
import type { ViewContext } from '../context.js';
import { ViewError } from '../errors.js';
import { securityHeaders } from '../page.js';
import { viewMediaSrc } from '../media.js';
import { renderRunPage } from '../run-page.js';
import { parseRowQuery } from '../run-query.js';

/** The rows API's answer: a page of rows, its cells as the report embeds them (with ids, `x`; `t` indexes the meta's targets). */
export type RowsAnswer = Omit<RunRowsPage, 'cells'> & { cells: HtmlCell[] };

// One reader per store: it keeps the folded tests of the runs last shown.
const readers = new WeakMap<Store, RunRowsReader>();

export function mountRun(app: Hono, view: ViewContext): void {
  app.get('/runs/:id', (c) => c.html(renderRunPage(view, findRun(view, c.req.param('id'))), 200, securityHeaders()));

  app.get('/api/runs/:id/rows', (c) => {
    const run = findRun(view, c.req.param('id'));
    const query = parseRowQuery(c.req.query());
    let reader = readers.get(view.store);
    if (!reader) {
      reader = createRunRows(view.store.db);
      readers.set(view.store, reader);
    }
    let page;
    try {
      page = reader.page(run.id, query);
    } catch (error) {
      if (!(error instanceof CellNotShown)) throw error;
      const hint = error.reason === 'attack' ? 'attack cells are listed in the Security section' : error.reason === 'filtered' ? 'clear the filter and the search' : 'check the #cell= link: it names a cell of another run?';
      throw new ViewError(404, error.message, hint);
    }
    const targets = view.summary(run).targets.map((t) => ({ promptId: t.promptId, providerLabel: t.providerLabel }));
    const encoder = createCellEncoder(targets, undefined, { cellIds: true, mediaSrc: viewMediaSrc });
    const answer: RowsAnswer = { ...page, cells: page.cells.map(encoder.encode) };
    return c.json(answer, 200, securityHeaders());
  });
}

function findRun(view: ViewContext, id: string): RunRecord {
  const run = view.store.runs.byRef(id);
  if (!run) throw new ViewError(404, `no run ${id}`, 'pick a run from the runs list at /');
  return run;
}
