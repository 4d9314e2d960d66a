/**
 * The Runs page's rows: per run its suite, time, commit, marks (subset, shard), per prompt × provider the pass rate
 * with its interval, the cost, and the gate verdict — all read from the run's summary. `llmlab eval` keeps the
 * summary it printed, so a list of its runs reads JSON only; a run without one (made by an older llmlab, merged, or
 * resumed) is summarized here while the page's cell budget lasts, and otherwise left pending for the page's script
 * to ask for (`/api/runs/:id/row`), so a list of large runs never waits for all of them.
 */
import { relative } from 'node:path';
import { shardLabel } from '../report/model/partial-run.js';
import type { RunSummary } from '../report/summary.js';
import { createRunList } from '../store/run-list.js';
import type { RunRecord } from '../store/index.js';
import type { ViewContext } from './context.js';
import { summaryBudget } from './summary-budget.js';

/** Runs per page of the list. */
export const RUNS_PAGE_SIZE = 50;

/** A run's gate as the list shows it. */
export interface ListedGate {
  state: 'pass' | 'fail' | 'pending';
  /** Why it failed (the gate's reasons). */
  reasons: string[];
}

/** What the list shows from a run's summary: filled in by the page's script when the server left it pending. */
export interface SummaryColumns {
  targets: ListedRate[];
  /** Generation and grading, attacks included, USD. */
  cost: number;
  gate: ListedGate;
}

/** One target's cell of the list. */
export interface ListedRate {
  promptId: string;
  providerLabel: string;
  passRate: number | null;
  low: number | null;
  high: number | null;
  counted: number;
}

/** One row of the Runs page. */
export interface RunRow {
  id: string;
  suitePath: string;
  /** The suite path relative to the project, as typed on a command line. */
  suite: string;
  description?: string;
  createdAt: number;
  gitSha?: string;
  status: string;
  marks: string[];
  /** Absent while pending. */
  columns?: SummaryColumns;
}

/** The Runs page: its rows, paging, and the suites to filter by. */
export interface RunsPage {
  rows: RunRow[];
  page: number;
  pages: number;
  total: number;
  suite?: string;
  suites: Array<{ suitePath: string; suite: string; runs: number }>;
}

export function runsPage(view: ViewContext, options: { suitePath?: string; page: number }): RunsPage {
  const list = createRunList(view.store.db);
  const suite = options.suitePath ? { suitePath: options.suitePath } : {};
  const probe = list.page({ ...suite, limit: 0, offset: 0 });
  const pages = Math.max(1, Math.ceil(probe.total / RUNS_PAGE_SIZE));
  const page = Math.min(Math.max(0, options.page), pages - 1);
  const { runs, total } = list.page({ ...suite, limit: RUNS_PAGE_SIZE, offset: page * RUNS_PAGE_SIZE });
  const budget = summaryBudget(view);
  const rows = runs.map((run) => {
    const summary = budget.take(run);
    return runRow(view, run, summary && summaryColumns(summary));
  });
  return {
    rows,
    page,
    pages,
    total,
    ...suite,
    suites: list.suites().map((s) => ({ suitePath: s.suitePath, suite: relativeSuite(view, s.suitePath), runs: s.runs })),
  };
}

/** The list's columns from a run's summary: targets in the suite's order, as the summary lists them. */
export function summaryColumns(summary: RunSummary): SummaryColumns {
  const security = summary.security ? summary.security.cost + summary.security.gradingCost : 0;
  return {
    targets: summary.targets.map((t) => ({
      promptId: t.promptId,
      providerLabel: t.providerLabel,
      passRate: t.passRate,
      low: t.passRateInterval?.low ?? null,
      high: t.passRateInterval?.high ?? null,
      counted: t.cells - t.skipped,
    })),
    cost: summary.cost + (summary.gradingCost ?? 0) + security,
    gate: { state: summary.gate.passed ? 'pass' : 'fail', reasons: summary.gate.reasons },
  };
}

function runRow(view: ViewContext, run: RunRecord, columns: SummaryColumns | undefined): RunRow {
  return {
    id: run.id,
    suitePath: run.suitePath,
    suite: relativeSuite(view, run.suitePath),
    ...(run.description ? { description: run.description } : {}),
    createdAt: run.createdAt,
    ...(run.gitSha ? { gitSha: run.gitSha } : {}),
    status: run.status,
    marks: marksOf(run),
    ...(columns ? { columns } : {}),
  };
}

/** What makes a run a part of its suite, or not a plain `llmlab eval`: the marks the list shows. */
export function marksOf(run: RunRecord): string[] {
  const marks: string[] = [];
  if (run.options.studio) marks.push(`studio: ${run.options.studio.promptId}`);
  if (run.options.subset) marks.push(`subset: ${run.options.subset.flags}`);
  if (run.shard) marks.push(run.shard.merged ? `merged ${shardLabel(run.shard)}` : shardLabel(run.shard));
  return marks;
}

/** A suite path as the user knows it: relative to the project when inside it. */
export function relativeSuite(view: ViewContext, suitePath: string): string {
  const rel = relative(view.root, suitePath);
  return rel && !rel.startsWith('..') ? rel : suitePath;
}
