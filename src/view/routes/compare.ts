/**
 * The Compare page: `GET /compare` picks two runs (also with `&pick`, to change a chosen pair);
 * `GET /compare?a=<baseline>&b=<candidate>` shows run B against run A (per-target deltas with the paired tests,
 * regressions, fixes, warnings) and lists the paired cells, which its script pages through
 * `GET /api/compare/rows?a=&b=&mode=&q=&page=` with both outputs side by side, their word diff and the rendered
 * prompts'. Comparisons are kept in a small in-memory cache (compare-cache.ts).
 */
import type { Context, Hono } from 'hono';
import type { RunRecord } from '../../store/index.js';
import type { ViewContext } from '../context.js';
import { createCompareCache } from '../compare-cache.js';
import { COMPARE_MODES, type CompareMode } from '../compare-index.js';
import { comparePageModel, comparePicker } from '../compare-page.js';
import { comparePage, type CompareQuery } from '../compare-rows.js';
import { ViewError } from '../errors.js';
import { renderPage, securityHeaders } from '../page.js';

/** Longest search the list takes: a search is a few words, not a pasted output. */
const MAX_QUERY_CHARS = 200;

/** Mounts `/compare` and `/api/compare/rows`, with the server's compare cache. */
export function mountCompare(app: Hono, view: ViewContext): void {
  const cache = createCompareCache(view.store);

  app.get('/compare', (c) => {
    const aRef = c.req.query('a') || undefined;
    const bRef = c.req.query('b') || undefined;
    if (aRef === undefined || bRef === undefined || c.req.query('pick') !== undefined) {
      // Named runs preselect their side (`pick` asks for the picker over a pair already chosen); a run that is
      // not there is said plainly rather than dropped.
      const named = { ...(aRef ? { a: findRun(view, aRef) } : {}), ...(bRef ? { b: findRun(view, bRef) } : {}) };
      return renderPage(c, view, 'compare-picker.njk', { title: 'Compare runs', picker: comparePicker(view, named) }, { active: 'compare' });
    }
    const a = findRun(view, aRef);
    const b = findRun(view, bRef);
    const model = comparePageModel(view, a, b, cache.comparison(a, b));
    return renderPage(c, view, 'compare.njk', { title: `Compare ${a.id} → ${b.id}`, ...model }, { active: 'compare' });
  });

  app.get('/api/compare/rows', (c) => {
    const { a: aRef, b: bRef } = c.req.query();
    if (!aRef || !bRef) throw new ViewError(400, 'both runs are needed: a (baseline) and b (candidate)', 'ask /api/compare/rows?a=<run id>&b=<run id>');
    const query = rowsQuery(c);
    const a = findRun(view, aRef);
    const b = findRun(view, bRef);
    return c.json(comparePage(view.store.db, cache.index(a, b), { a: a.id, b: b.id }, query), 200, securityHeaders());
  });
}

/** A run by id or by `latest` / `latest~N`; a 404 with a hint when none. */
function findRun(view: ViewContext, ref: string): RunRecord {
  const run = view.store.runs.byRef(ref);
  if (!run) throw new ViewError(404, `no run ${ref} in ${view.store.path}`, 'the Runs page lists the stored runs; `latest` and `latest~1` name the newest ones');
  return run;
}

/** `mode`, `q` and `page` of the rows API, each checked: a mistake is a 400 that says what is accepted. */
function rowsQuery(c: Context): CompareQuery {
  const mode = c.req.query('mode') || 'changed';
  if (!(COMPARE_MODES as readonly string[]).includes(mode)) {
    throw new ViewError(400, `unknown mode \`${mode}\``, `mode is one of ${COMPARE_MODES.join(', ')}`);
  }
  const q = c.req.query('q') ?? '';
  if (q.length > MAX_QUERY_CHARS) throw new ViewError(400, `the search is ${q.length} characters long`, `search with at most ${MAX_QUERY_CHARS} characters`);
  const page = c.req.query('page') || '0';
  if (!/^\d{1,6}$/.test(page)) throw new ViewError(400, `page must be a whole number, got \`${page}\``, 'pages count from 0: page=0 is the first');
  return { mode: mode as CompareMode, q: q.trim(), page: Number(page) };
}
