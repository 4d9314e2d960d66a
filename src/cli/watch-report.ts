/**
 * What a watch iteration shows once its run has ended (completed, or cut short by the budget): the summary, the
 * comparison with `--baseline` and the gate lines as a plain `llmlab eval` prints them, what changed since the
 * previous run shown, the `-o` reports rewritten, and the one `[watch] run … done` line.
 */
import type { ResolvedSuite } from '../config/types.js';
import type { BudgetOutcome } from '../engine/budget-gate.js';
import type { RunOutcome } from '../engine/run.js';
import { tryCompareRuns } from '../report/compare/compare-runs.js';
import type { ResolvedBaseline } from '../report/compare/baseline.js';
import type { BaselineComparison } from '../report/compare/baseline.js';
import { formatBaselineSection, formatGateLines } from '../report/console/gates-lines.js';
import { summarizeRun } from '../report/summary.js';
import { formatSummaryTable, tableWidth, usd } from '../report/console/table.js';
import type { RunRecord, Store } from '../store/index.js';
import { writeOutputs } from './outputs.js';
import { formatEdits, formatWatchDiff } from './watch-diff.js';
import { editedCells, pairEditedTests, type TestRef } from './watch-edits.js';
import type { CliIo } from './io.js';

/** `--baseline`, resolved once for the session, and how a run is compared with it. */
export interface WatchBaseline {
  resolved: ResolvedBaseline;
  compare(store: Store, run: RunRecord): BaselineComparison;
}

export interface ShowRunInput {
  store: Store;
  suite: ResolvedSuite;
  outcome: RunOutcome;
  /** The run this one is compared with (the last whole run shown), and its suite's tests. */
  previous?: { run: RunRecord; tests: readonly TestRef[] };
  baseline?: WatchBaseline;
  /** `-o` files. */
  outputs: string[];
  /** A path as the user reads it (relative to the cwd). */
  rel(file: string): string;
  out(text: string): void;
  /** Where `wrote <file>` lines go, and the cwd report paths are relative to. */
  io: CliIo;
  /** `--wide`: every column of the summary table, however narrow the terminal. */
  wide?: boolean;
}

/** Prints the run's results and rewrites the reports; returns the stored run (the next iteration's `previous`). */
export async function showRun(input: ShowRunInput): Promise<RunRecord> {
  const { store, suite, outcome, out } = input;
  const run = store.runs.get(outcome.run.id)!;
  const compared = input.baseline?.compare(store, run);
  const summary = summarizeRun(store, run, { baseline: compared });
  out(`\n${suite.description ?? input.rel(suite.path)}\n${formatSummaryTable(summary, { baseline: compared, width: tableWidth(input.io.stdout, input.wide) })}`);
  if (compared) out(formatBaselineSection(compared, input.io.cwd));
  out(formatGateLines(summary.gate).join('\n'));
  // Calls, not cells: a multi-turn attack makes a call per turn.
  out(`[watch] ${outcome.stats.calls} model calls, ${outcome.stats.cacheHits} answered from the cache`);
  if (input.previous) out(diffAgainst(store, input.previous, run, suite.tests));
  await writeOutputs(input.outputs, store, run, summary, { baseline: compared, baselineRun: input.baseline?.resolved, io: input.io });
  return run;
}

/** The keys, shown after each run when they are read (an interactive terminal). */
export const KEY_HINTS = 'press a to re-run all, f failing, q to quit';

/** How to quit, at the end of a `[watch]` line: the hints line follows when keys are read, else Ctrl-C. */
export function quitHint(keys: boolean): string {
  return keys ? '' : ' (Ctrl-C to quit)';
}

/**
 * `[watch] run <id> done · updated 84 ms after the change · watching 5 files (Ctrl-C to quit)`, or `cut short by
 * the budget (…)` in place of `done` when the budget stopped the run or a provider.
 */
export function doneLine(runId: string, budget: BudgetOutcome | undefined, latencyMs: number | undefined, watching: number, keys: boolean): string {
  const cut = budgetCut(budget);
  const latency = latencyMs === undefined ? '' : ` · updated ${Math.round(latencyMs)} ms after the change`;
  return `[watch] run ${runId} ${cut ?? 'done'}${latency} · watching ${watching} files${quitHint(keys)}`;
}

/** Why the budget cut the run short, and that the next save starts over; undefined when it did not. */
export function budgetCut(outcome: BudgetOutcome | undefined): string | undefined {
  if (!outcome?.stopped) return undefined;
  const skipped = `${outcome.skippedCells} cell${outcome.skippedCells === 1 ? '' : 's'} skipped`;
  const refusal = outcome.refusal;
  let what: string;
  if (refusal && refusal.scope !== 'run') {
    const verb = outcome.stoppedScopes.includes('run') ? 'stopped the run' : `skipped ${refusal.scope}`;
    what = `${verb} at ${usd(refusal.committedUsd)} of ${refusal.scope}'s ${usd(refusal.limitUsd)}`;
  } else {
    what = `stopped at ${usd(outcome.spentUsd)} of ${usd(outcome.limitUsd ?? refusal?.limitUsd ?? 0)}`;
  }
  return `cut short by the budget (${what}; ${skipped}); the next save runs again with a fresh budget`;
}

function diffAgainst(store: Store, previous: NonNullable<ShowRunInput['previous']>, b: RunRecord, tests: readonly TestRef[]): string {
  const a = previous.run;
  const edits = pairEditedTests(previous.tests, tests);
  const edited = formatEdits(edits, editedCells(store, a.id, b.id, edits));
  const comparison = tryCompareRuns(store, a, b);
  // No cell in common (every prompt renamed, the only test edited): no verdict to pair, which is not an error.
  if ('nothingInCommon' in comparison) return edited || `no cells in common with run ${a.id}: nothing to compare`;
  const diff = formatWatchDiff(comparison, undefined, b.options.subset !== undefined);
  return edited ? `${diff}\n${edited}` : diff;
}
