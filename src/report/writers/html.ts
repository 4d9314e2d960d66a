/**
 * The HTML report: one self-contained file (inline CSS and JS, no network) with the run's summary, statistics,
 * cost-vs-quality chart, an optional baseline comparison and a paginated matrix of every cell. The page around
 * the cells is rendered by nunjucks; the cells are streamed from the store into the file as JSON, so a
 * 100,000-cell report never exists in memory as one string.
 */
import type { RunRecord, Store } from '../../store/index.js';
import { createCellEncoder } from './html/cells.js';
import { escapeScriptJson, scriptJson } from './html/json.js';
import { planPage, type HtmlMeta, type HtmlReportOptions } from './html/page.js';
import { loadAssets, renderShell, TEMPLATES_DIR } from './html/render.js';
import type { RunSummary } from '../summary.js';
import { writeChunked } from './write-chunked.js';

export type { HtmlBaseline, HtmlReportOptions } from './html/page.js';

/**
 * Writes the HTML report of `run` to `path`. With `options.baseline` (a run in the same store) the page also
 * compares the two runs cell by cell, with regressions and fixes marked and McNemar's test per target.
 */
export function writeHtmlReport(
  path: string,
  store: Store,
  run: RunRecord,
  summary: RunSummary,
  version: string,
  options: HtmlReportOptions = {},
): void {
  const plan = planPage(store, run, summary, version, loadAssets(TEMPLATES_DIR), options);
  const shell = renderShell({ ...plan.context });
  const encoder = createCellEncoder(plan.targets, plan.baselineVerdicts);
  writeChunked(path, (function* () {
    yield `${shell.head}[`;
    let first = true;
    for (const cell of store.results.iterate(run.id)) {
      // JSON.stringify then one escaping pass: the escape only rewrites characters inside strings.
      yield (first ? '' : ',') + escapeScriptJson(JSON.stringify(encoder.encode(cell)));
      first = false;
    }
    // After the cells: the encoder has now seen every target.
    const meta: HtmlMeta = { ...plan.meta, targets: [...plan.targets, ...encoder.extraTargets()] };
    yield `]${shell.tail.replace(shell.metaMark, () => scriptJson(meta))}`;
  })());
}
