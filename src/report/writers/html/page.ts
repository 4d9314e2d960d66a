/**
 * What the HTML report's template and script are given besides the cells: the run, its summary, the chart, the
 * baseline comparison, and the page's meta JSON. Only small, already-aggregated data: the cells stream apart.
 */
import { basename } from 'node:path';
import type { RunRecord, Store } from '../../../store/index.js';
import { pairedCells } from '../../../store/run-pairs.js';
import { tryCompareRuns, type CompareOptions, type RunComparison } from '../../compare/compare-runs.js';
import { baselineDeltas, baselineDeltaText, deltaComparison } from '../../compare/target-deltas.js';
import { baselineChartTargets, costQualityChart, type ChartModel, type ChartTarget } from './chart.js';
import { pairKey, type HtmlTarget, type Verdict } from './cells.js';
import type { PageAssets } from './render.js';
import { regressionDiffs, type HtmlRegressions } from './regressions.js';
import { securityBaseline, securityHits, type HtmlSecurityBaseline, type HtmlSecurityHit } from './security.js';
import type { SecurityComparison } from '../../compare/security-comparison.js';
import { securityRows, type SecurityGroup } from '../../model/security-summary.js';
import { finetuneLines } from '../../model/finetune-text.js';
import type { RunSummary } from '../../summary.js';

/** Rows (tests) per page of the results matrix, and paired cells per page of the comparison list. */
export const PAGE_SIZE = 100;

/**
 * A baseline to compare the run with: a run in the same store, or a report file's run imported into its TEMP
 * source (`source`, as `--baseline` resolves it). Its summary, when given, adds its points to the chart.
 */
export interface HtmlBaseline extends CompareOptions {
  run: RunRecord;
  summary?: RunSummary;
}

export interface HtmlReportOptions {
  baseline?: HtmlBaseline;
}

/** The page's `<script type="application/json" id="meta">`. */
export interface HtmlMeta {
  runId: string;
  pageSize: number;
  repeat: number;
  /** Prompt × provider columns; a cell's `t` indexes this list. */
  targets: HtmlTarget[];
  /** (target index, test id) of every test whose verdict flipped across repeats. */
  flaky: Array<[number, string]>;
  /** The baseline's run id when cells carry baseline verdicts (`b`). */
  baselineRunId: string | null;
}

/** The template's context, besides the marks the renderer adds. */
export interface PageContext {
  title: string;
  generator: string;
  generatedAt: number;
  run: RunRecord;
  summary: RunSummary;
  chart: ChartModel | undefined;
  /** The fine-tune block's lines as the console prints them (text, escaped by the template); empty without recipes. */
  finetuneLines: string[];
  /** The security table's rows: strategies, then a family total (strategy `*`) after a family of several. */
  securityRows: SecurityGroup[];
  /** The hit log, the attacks newly successful since the baseline first. */
  securityHits: HtmlSecurityHit[];
  /** The Security section's baseline column and counts, when both runs judged attacks they share. */
  securityBaseline: HtmlSecurityBaseline | undefined;
  baseline: (HtmlBaseline & { comparison?: RunComparison; error?: string }) | undefined;
  /** The summary table's Δ-vs-baseline column, per target in summary order and for the total; absent without a comparison. */
  summaryDeltas: { targets: string[]; total: string } | undefined;
  /** Regressed cells with the baseline's and this run's outputs side by side; absent without a comparison. */
  regressions: HtmlRegressions | undefined;
  assets: PageAssets;
}

/** Everything the writer needs around the cells. */
export interface PagePlan {
  context: PageContext;
  targets: HtmlTarget[];
  meta: Omit<HtmlMeta, 'targets'>;
  /** Baseline verdicts by {@link pairKey}, when a comparable baseline is given. */
  baselineVerdicts?: Map<string, Verdict>;
}

/** Gathers the page's context from the run, its summary and an optional baseline. */
export function planPage(
  store: Store,
  run: RunRecord,
  summary: RunSummary,
  version: string,
  assets: PageAssets,
  options: HtmlReportOptions = {},
): PagePlan {
  const targets: HtmlTarget[] = summary.targets.map((t) => ({ promptId: t.promptId, providerLabel: t.providerLabel }));
  // Attack cells are cells too: their column (promptId `attack`) comes after the tests' targets.
  if (summary.security) targets.push({ promptId: 'attack', providerLabel: summary.security.target.providerLabel });
  const compared = options.baseline && compareWithBaseline(store, options.baseline, run);
  const baseline = compared?.page;
  const comparable = baseline !== undefined && baseline.comparison !== undefined;
  const security = securityContext(store, run, summary, options.baseline, compared?.security);
  return {
    context: {
      title: run.description ?? basename(run.suitePath),
      generator: `llmlab ${version}`,
      generatedAt: Date.now(),
      run,
      summary,
      chart: costQualityChart(summary.targets, baselinePoints(options.baseline, baseline), summary.pareto),
      finetuneLines: finetuneLines(summary.finetunes),
      ...security,
      baseline,
      summaryDeltas: summaryDeltas(summary, baseline?.comparison),
      regressions: comparable ? regressionDiffs(store, options.baseline!, run, baseline.comparison!) : undefined,
      assets,
    },
    targets,
    meta: {
      runId: run.id,
      pageSize: PAGE_SIZE,
      repeat: run.options.repeat,
      flaky: flakyPairs(summary, targets),
      baselineRunId: comparable ? options.baseline!.run.id : null,
    },
    ...(comparable ? { baselineVerdicts: baselineVerdicts(store, options.baseline!, run) } : {}),
  };
}

/** The Δ column's texts (`+5.0`, `−12.5`, `0.0`, `new`), as the console table prints them. */
function summaryDeltas(summary: RunSummary, compared: RunComparison | undefined): PageContext['summaryDeltas'] {
  const comparison = deltaComparison(compared);
  if (!comparison) return undefined;
  const deltaOf = baselineDeltas(comparison);
  return {
    targets: summary.targets.map((t) => baselineDeltaText(deltaOf(t.promptId, t.providerLabel))),
    total: baselineDeltaText({ delta: comparison.overall }),
  };
}

/**
 * The baseline's chart points: from its summary when the caller made one (every baseline cell), else from the
 * comparison (the cells both runs share), so `--baseline` alone puts the baseline on the chart.
 */
function baselinePoints(given: HtmlBaseline | undefined, page: PageContext['baseline']): readonly ChartTarget[] {
  if (given?.summary) return given.summary.targets;
  return page?.comparison ? baselineChartTargets(page.comparison) : [];
}

/**
 * The paired comparison with the baseline: the comparison section's context, and the attacks compared for the
 * Security section. Runs that share no cell still get a report, saying so, rather than no report at all.
 */
function compareWithBaseline(
  store: Store,
  baseline: HtmlBaseline,
  run: RunRecord,
): { page: NonNullable<PageContext['baseline']>; security?: SecurityComparison } {
  const { source, sameSuite } = baseline;
  const comparison = tryCompareRuns(store, baseline.run, run, { source, sameSuite });
  if ('nothingInCommon' in comparison) return { page: { ...baseline, error: comparison.nothingInCommon } };
  const security = comparison.security?.cells.paired ? { security: comparison.security } : {};
  // Runs that share only attack cells have no pass rate to compare; the Security section compares their attacks.
  if (comparison.cells.paired === 0) {
    const error = 'the runs share only security attack cells: no pass rates to compare (the Security section compares the attacks)';
    return { page: { ...baseline, error }, ...security };
  }
  return { page: { ...baseline, comparison }, ...security };
}

/** The Security section's rows and hit log, and its baseline view when both runs judged attacks they share. */
function securityContext(
  store: Store,
  run: RunRecord,
  summary: RunSummary,
  baseline: HtmlBaseline | undefined,
  compared: SecurityComparison | undefined,
): Pick<PageContext, 'securityRows' | 'securityHits' | 'securityBaseline'> {
  if (!summary.security) return { securityRows: [], securityHits: [], securityBaseline: undefined };
  const rows = securityRows(summary.security);
  const runs = baseline && compared ? { baselineRunId: baseline.run.id, runId: run.id, source: baseline.source } : undefined;
  const hits = securityHits(store, summary.security, compared, runs);
  return {
    securityRows: rows,
    securityHits: hits,
    securityBaseline: baseline && compared ? securityBaseline(compared, rows, hits, baseline.run.id) : undefined,
  };
}

/**
 * The baseline's verdict on every cell it shares with the run, paired by the same query as the comparison, so
 * the page marks exactly the regressions and fixes it counts. Only verdicts leave the store, never outputs.
 */
export function baselineVerdicts(store: Store, baseline: HtmlBaseline, run: RunRecord): Map<string, Verdict> {
  const out = new Map<string, Verdict>();
  for (const c of pairedCells(store.db, baseline.run.id, run.id, baseline.source)) {
    out.set(pairKey(c.promptId, c.providerLabel, c.testId, c.repeatIndex), c.statusA);
  }
  return out;
}

function flakyPairs(summary: RunSummary, targets: readonly HtmlTarget[]): Array<[number, string]> {
  const index = new Map(targets.map((t, i) => [`${t.promptId}\0${t.providerLabel}`, i]));
  return summary.repeats.flatMap((r) => {
    const t = index.get(`${r.promptId}\0${r.providerLabel}`);
    return t === undefined ? [] : r.flaky.map((f): [number, string] => [t, f.testId]);
  });
}
