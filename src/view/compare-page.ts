/**
 * What the Compare page's template is given: the picker (recent runs, with the pair to preselect) when the URL
 * names no two runs, else both runs' headers, the paired comparison (the one `llmlab compare` and the HTML
 * report compute, unchanged), the tests that regressed and were fixed, and the list's parameters for the script.
 */
import { changedTests } from '../report/compare/changed-tests.js';
import type { NothingInCommon, RunComparison } from '../report/compare/compare-runs.js';
import type { SecurityComparison } from '../report/compare/security-comparison.js';
import type { RunRecord } from '../store/index.js';
import type { ViewContext } from './context.js';
import { COMPARE_PAGE_SIZE } from './compare-rows.js';
import { marksOf, relativeSuite } from './runs-model.js';

/** Runs the picker offers, newest first. */
export const PICKER_RUNS = 200;
/** Changed tests named on the page per kind; the list below pages through all of them. */
export const CHANGED_SHOWN = 20;

/** A run as the picker lists it. */
export interface PickerRun {
  id: string;
  /** `20261207-081500-ab12 · suites/support.yaml · 2026-12-07 08:15 · subset: --first 10`. */
  label: string;
}

/** The picker: the runs to choose from and the pair preselected. */
export interface ComparePicker {
  runs: PickerRun[];
  a: string | undefined;
  b: string | undefined;
}

/**
 * The picker over the newest runs. Defaults: B is the newest run (or the one named), A the run before B of the
 * same suite (or the one named), so opening /compare shows the latest change of the suite last run.
 */
export function comparePicker(view: ViewContext, named: { a?: RunRecord; b?: RunRecord }): ComparePicker {
  const recent = view.store.runs.list(PICKER_RUNS);
  const runs = [...recent];
  // A named run older than the list still shows, selected.
  for (const run of [named.a, named.b]) if (run && !runs.some((r) => r.id === run.id)) runs.push(run);
  const b = named.b ?? recent[0];
  const at = b ? runs.findIndex((r) => r.id === b.id) : -1;
  const a = named.a ?? runs.slice(at + 1).find((r) => b && r.suitePath === b.suitePath);
  return { runs: runs.map((run) => ({ id: run.id, label: pickerLabel(view, run) })), a: a?.id, b: b?.id };
}

function pickerLabel(view: ViewContext, run: RunRecord): string {
  const when = new Date(run.createdAt).toISOString().slice(0, 16).replace('T', ' ');
  return [run.id, relativeSuite(view, run.suitePath), when, ...marksOf(run), ...(run.status === 'completed' ? [] : [run.status])].join(' · ');
}

/** A run's header on the page. */
export interface CompareHeader {
  id: string;
  suite: string;
  description: string | null;
  createdAt: number;
  gitSha: string | null;
  status: string;
  marks: string[];
}

/** A test that changed on one target, its repeats folded: `refund` on support × bot-a, 2 repeats. */
export interface ChangedEntry {
  testId: string;
  description: string | null;
  promptId: string;
  providerLabel: string;
  repeats: number;
}

/** The Compare page's data once both runs are known. */
export interface ComparePageModel {
  runA: CompareHeader;
  runB: CompareHeader;
  comparison: RunComparison | undefined;
  /** Why there is nothing to list: the runs share no cell, or only attack cells. */
  nothing: NothingInCommon | undefined;
  /** Attack success compared per family, when both runs judged attacks they share (even with no test shared). */
  security: SecurityComparison | undefined;
  regressed: { items: ChangedEntry[]; total: number };
  fixed: { items: ChangedEntry[]; total: number };
  /** For the script: `<script type="application/json" id="compare-meta">`. */
  meta: { a: string; b: string; pageSize: number };
}

/** The page's data for run B against run A, from their comparison (or why there is none). */
export function comparePageModel(view: ViewContext, a: RunRecord, b: RunRecord, result: RunComparison | NothingInCommon): ComparePageModel {
  const nothing: NothingInCommon | undefined =
    'nothingInCommon' in result
      ? result
      : result.cells.paired === 0
        ? {
            nothingInCommon: `runs ${a.id} and ${b.id} share only security attack cells: no pass rates to compare`,
            hint: 'the security table compares their attacks',
          }
        : undefined;
  const comparison = nothing ? undefined : (result as RunComparison);
  return {
    runA: header(view, a),
    runB: header(view, b),
    comparison,
    nothing,
    security: 'nothingInCommon' in result || !result.security?.cells.paired ? undefined : result.security,
    regressed: comparison ? changedEntries(comparison, 'regressed') : { items: [], total: 0 },
    fixed: comparison ? changedEntries(comparison, 'fixed') : { items: [], total: 0 },
    meta: { a: a.id, b: b.id, pageSize: COMPARE_PAGE_SIZE },
  };
}

function header(view: ViewContext, run: RunRecord): CompareHeader {
  return {
    id: run.id,
    suite: relativeSuite(view, run.suitePath),
    description: run.description ?? null,
    createdAt: run.createdAt,
    gitSha: run.gitSha ?? null,
    status: run.status,
    marks: marksOf(run),
  };
}

/** The changed tests, each target in turn (changedTests' order), repeats of a test on a target folded into one. */
function changedEntries(comparison: RunComparison, kind: 'regressed' | 'fixed'): { items: ChangedEntry[]; total: number } {
  const entries = new Map<string, ChangedEntry>();
  for (const c of changedTests(comparison, kind)) {
    const key = `${c.promptId}\0${c.providerLabel}\0${c.testId}`;
    const found = entries.get(key);
    if (found) found.repeats++;
    else entries.set(key, { testId: c.testId, description: c.description, promptId: c.promptId, providerLabel: c.providerLabel, repeats: 1 });
  }
  const all = [...entries.values()];
  return { items: all.slice(0, CHANGED_SHOWN), total: all.length };
}
