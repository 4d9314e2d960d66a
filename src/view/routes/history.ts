/**
 * The History page (`/history`): without a suite, the suites that have runs; with one, per target (prompt ×
 * provider) a chart of the pass rate or a metric over its runs with intervals, change points and prompt-version
 * changes, the pass rate per prompt version, and the tests whose verdicts flip across the last runs (flakiest
 * first, paged and searched server-side). `GET /api/history` and `GET /api/history/tests` answer the same as JSON.
 */
import { isAbsolute, resolve } from 'node:path';
import type { Context, Hono } from 'hono';
import { historyRuns, suiteHistory, type SuiteHistory } from '../../report/model/history.js';
import { testHistoryPage, type TestHistoryPage } from '../../report/model/test-history.js';
import { createRunList } from '../../store/run-list.js';
import type { ViewContext } from '../context.js';
import { ViewError } from '../errors.js';
import { createHistoryCache, type HistoryCache } from '../history-cache.js';
import { summaryBudget } from '../summary-budget.js';
import { formatP, formatShift, formatValue, historyChart } from '../history-svg.js';
import { renderPage, securityHeaders } from '../page.js';
import { relativeSuite } from '../runs-model.js';

/** Runs on the charts, and runs in the flaky-tests table, by default. */
const CHART_RUNS = 50;
const TABLE_RUNS = 30;
const PAGE_SIZE = 50;
/** Cells of runs without a kept summary that one History page summarizes; more wait for the background. */
const HISTORY_SUMMARY_CELLS = 50_000;

/** The page's query, checked. */
interface HistoryQuery {
  suitePath: string;
  include: 'whole' | 'all';
  metric: string;
  runs: number;
  page: number;
  q: string;
}

function wholeNumber(value: string | undefined, name: string, fallback: number, min: number, max: number): number {
  if (value === undefined || value === '') return fallback;
  if (!/^\d{1,6}$/.test(value)) throw new ViewError(400, `${name} must be a whole number, got \`${value}\``);
  return Math.min(max, Math.max(min, Number(value)));
}

function readQuery(c: Context, view: ViewContext, suite: string): HistoryQuery {
  const include = c.req.query('include');
  if (include !== undefined && include !== '' && include !== 'all' && include !== 'whole') {
    throw new ViewError(400, `include must be \`all\` or \`whole\`, got \`${include}\``, 'include=all adds subsets, shards, studio and unfinished runs');
  }
  return {
    // A path relative to the project reads as the user types it; runs store absolute paths.
    suitePath: isAbsolute(suite) ? suite : resolve(view.root, suite),
    include: include === 'all' ? 'all' : 'whole',
    metric: c.req.query('metric') || 'pass',
    runs: wholeNumber(c.req.query('runs'), 'runs', CHART_RUNS, 2, 500),
    page: wholeNumber(c.req.query('page'), 'page', 0, 0, 1_000_000),
    q: c.req.query('q') ?? '',
  };
}

function unknownSuite(view: ViewContext, suitePath: string): ViewError {
  const suites = createRunList(view.store.db).suites();
  const known = suites.slice(0, 5).map((s) => relativeSuite(view, s.suitePath)).join(', ');
  return new ViewError(
    404,
    `no runs of suite ${relativeSuite(view, suitePath)} in ${view.store.path}`,
    suites.length === 0
      ? 'no suite has runs yet: start one with `llmlab eval <suite>`'
      : `/history lists the ${suites.length} suite${suites.length === 1 ? '' : 's'} with runs (${known}${suites.length > 5 ? ', …' : ''}); name one by its path, e.g. /history?suite=${encodeURIComponent(relativeSuite(view, suites[0]!.suitePath))}`,
  );
}

/** The runs the history shows, or a 404 naming the suites that have runs. */
function listRuns(view: ViewContext, query: HistoryQuery): ReturnType<typeof historyRuns> {
  const listed = historyRuns(view.store, query.suitePath, query.include, query.runs);
  if (listed.runs.length === 0 && view.store.runs.latest(query.suitePath) === undefined) throw unknownSuite(view, query.suitePath);
  return listed;
}

/**
 * The listed runs that have a summary to show: kept ones, and those the page can summarize within its budget
 * (newest first). Runs stored without a kept summary beyond it wait for the background summarizer (warm.ts); the
 * page says how many, and shows them once they are summarized.
 */
function summarizedRuns(view: ViewContext, listed: ReturnType<typeof historyRuns>): { shown: ReturnType<typeof historyRuns>; pending: number } {
  const budget = summaryBudget(view, HISTORY_SUMMARY_CELLS);
  const ready = new Set([...listed.runs].reverse().filter((run) => budget.take(run) !== undefined));
  const shown = { ...listed, runs: listed.runs.filter((run) => ready.has(run)) };
  return { shown, pending: listed.runs.length - shown.runs.length };
}

/** The suite's history (kept while its runs are unchanged); a 404 for a metric none of its runs has. */
function loadHistory(view: ViewContext, cache: HistoryCache, query: HistoryQuery, listed: ReturnType<typeof historyRuns>, pending: number): SuiteHistory {
  // Prompt versions name the runs' versions: a save in the studio changes the history without changing a run.
  const params = JSON.stringify([query.suitePath, query.include, query.metric, query.runs, listed.olderRuns, view.store.promptVersions.list(query.suitePath).length]);
  const history = cache.suiteHistory(view.store, listed.runs, params, () =>
    suiteHistory(view.store, query.suitePath, { include: query.include, metric: query.metric, listed, summaryOf: (run) => view.summary(run) }),
  );
  if (query.metric !== 'pass' && !history.metrics.includes(query.metric)) {
    throw new ViewError(404, `no metric \`${query.metric}\` in the runs shown`, `metric=pass, or one of: ${history.metrics.join(', ') || '(none)'}`);
  }
  return pending > 0 ? { ...history, pendingRuns: pending } : history;
}

/** A page of the tests across the last {@link TABLE_RUNS} runs, flakiest first. */
function loadTests(view: ViewContext, cache: HistoryCache, query: HistoryQuery, listed: ReturnType<typeof historyRuns>): TestHistoryPage {
  return testHistoryPage(cache.testHistory(view.store, listed.runs.slice(-TABLE_RUNS)), { page: query.page, pageSize: PAGE_SIZE, q: query.q });
}

/** The template's view of a history: each series with its chart and labels. */
function pageData(view: ViewContext, query: HistoryQuery, history: SuiteHistory, tests: TestHistoryPage) {
  const percent = query.metric === 'pass';
  const metricLabel = percent ? 'pass rate' : `mean ${query.metric}`;
  const runIndex = new Map(history.runs.map((r, i) => [r.id, i]));
  return {
    title: `History · ${relativeSuite(view, history.suitePath)}`,
    suite: relativeSuite(view, history.suitePath),
    suitePath: history.suitePath,
    query,
    metricLabel,
    history,
    charts: history.series.map((s) => ({
      series: s,
      svg: historyChart({
        title: `${s.promptId} × ${s.providerLabel}: ${metricLabel}`,
        runs: history.runs,
        series: s,
        versionChanges: history.versionChanges.filter((v) => v.promptId === s.promptId),
        percent,
      }),
      changes: s.changePoints.map((cp) => ({
        runId: cp.runId,
        createdAt: history.runs[cp.runIndex]!.createdAt,
        text: `${formatValue(cp.before, percent)} → ${formatValue(cp.after, percent)} (${formatShift(cp.shift, percent)}, ${formatP(cp.pValue)})`,
      })),
    })),
    tests,
    testRuns: tests.runIds.map((id) => ({ id, index: runIndex.get(id)! + 1, createdAt: history.runs[runIndex.get(id)!]!.createdAt })),
  };
}

/** Mounts `/history`, `/api/history` and `/api/history/tests`, with one cache for the server's life. */
export function mountHistory(app: Hono, view: ViewContext): void {
  const cache = createHistoryCache();

  app.get('/history', (c) => {
    const suite = c.req.query('suite');
    if (!suite) {
      const suites = createRunList(view.store.db)
        .suites()
        .map((s) => ({ ...s, suite: relativeSuite(view, s.suitePath) }));
      return renderPage(c, view, 'history.njk', { title: 'History', suites }, { active: 'history' });
    }
    const query = readQuery(c, view, suite);
    const { shown, pending } = summarizedRuns(view, listRuns(view, query));
    const history = loadHistory(view, cache, query, shown, pending);
    return renderPage(c, view, 'history.njk', pageData(view, query, history, loadTests(view, cache, query, shown)), { active: 'history' });
  });

  app.get('/api/history', (c) => {
    const suite = c.req.query('suite');
    if (!suite) return c.json({ suites: createRunList(view.store.db).suites() }, 200, securityHeaders());
    const query = readQuery(c, view, suite);
    const { shown, pending } = summarizedRuns(view, listRuns(view, query));
    return c.json(loadHistory(view, cache, query, shown, pending), 200, securityHeaders());
  });

  app.get('/api/history/tests', (c) => {
    const suite = c.req.query('suite');
    if (!suite) throw new ViewError(400, 'suite is required', 'e.g. /api/history/tests?suite=suites/support.yaml&page=0&q=refund');
    const query = readQuery(c, view, suite);
    return c.json(loadTests(view, cache, query, summarizedRuns(view, listRuns(view, query)).shown), 200, securityHeaders());
  });
}
