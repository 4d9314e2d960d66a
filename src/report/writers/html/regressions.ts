/**
 * The HTML report's regressed cells (pass in the baseline, fail or error now) with both outputs side by side and
 * a word diff between them. Rendered server-side as text segments the template escapes (autoescape on), so no
 * model output ever reaches the page as markup. A few dozen cells at most, outputs cut: the page stays small
 * whatever the size of the runs.
 */
import type { RunRecord, Store } from '../../../store/index.js';
import type { PairSource } from '../../../store/run-pairs.js';
import { changedTests } from '../../compare/changed-tests.js';
import type { RunComparison } from '../../compare/compare-runs.js';
import { afterSide, beforeSide, wordDiff, type WordDiffSegment } from '../../compare/word-diff.js';
import { pairKey, truncate, type Verdict } from './cells.js';

/** Regressed cells shown side by side; the paired list above still counts and lists them all. */
export const REGRESSIONS_SHOWN = 50;
/** Each output is cut to this before diffing: a word diff of two long outputs costs more than it tells. */
export const DIFF_OUTPUT_CHARS = 2000;

/** One regressed cell, both sides ready to print. */
export interface HtmlRegression {
  testId: string;
  description: string | null;
  repeatIndex: number;
  promptId: string;
  providerLabel: string;
  status: Verdict;
  /** The baseline's output with what this run no longer has marked `removed`; null when it is not stored. */
  baseline: WordDiffSegment[] | null;
  /** This run's output with what it added marked `added` (all `same` when the baseline's output is unknown). */
  current: WordDiffSegment[];
}

export interface HtmlRegressions {
  items: HtmlRegression[];
  /** Regressed cells in the comparison, shown or not. */
  total: number;
  /** Why the baseline side is empty, when it is. */
  baselineNote?: string;
}

/**
 * The first {@link REGRESSIONS_SHOWN} regressed cells (taken from each target in turn) with both outputs. The
 * baseline's outputs are read from the store; a baseline read from a report file has verdicts only (its cells
 * are imported without outputs), and then only this run's side is shown.
 */
export function regressionDiffs(
  store: Store,
  baseline: { run: RunRecord; source?: PairSource },
  run: RunRecord,
  comparison: RunComparison,
): HtmlRegressions {
  const regressed = changedTests(comparison, 'regressed');
  const shown = regressed.slice(0, REGRESSIONS_SHOWN);
  if (shown.length === 0) return { items: [], total: 0 };
  const keys = new Set(shown.map((c) => pairKey(c.promptId, c.providerLabel, c.testId, c.repeatIndex)));
  const current = outputsOf(store, run.id, keys);
  const stored = baseline.source === undefined || baseline.source === 'results';
  const before = stored ? outputsOf(store, baseline.run.id, keys) : undefined;
  const items = shown.map((c): HtmlRegression => {
    const key = pairKey(c.promptId, c.providerLabel, c.testId, c.repeatIndex);
    const after = current.get(key) ?? '';
    const was = before?.get(key);
    const segments = was === undefined ? undefined : wordDiff(was, after);
    return {
      testId: c.testId,
      description: c.description,
      repeatIndex: c.repeatIndex,
      promptId: c.promptId,
      providerLabel: c.providerLabel,
      status: c.statusB,
      baseline: segments ? beforeSide(segments) : null,
      current: segments ? afterSide(segments) : after === '' ? [] : [{ kind: 'same', text: after }],
    };
  });
  return {
    items,
    total: regressed.length,
    ...(stored ? {} : { baselineNote: 'The baseline was read from a report file, which keeps verdicts only here: its outputs are not shown.' }),
  };
}

/** The outputs (cut) of the cells of `runId` under `keys`, in one streamed pass over the run. */
function outputsOf(store: Store, runId: string, keys: ReadonlySet<string>): Map<string, string> {
  const out = new Map<string, string>();
  for (const cell of store.results.iterate(runId)) {
    const key = pairKey(cell.promptId, cell.providerLabel, cell.testId, cell.repeatIndex);
    if (keys.has(key)) out.set(key, truncate(cell.output, DIFF_OUTPUT_CHARS));
    if (out.size === keys.size) break;
  }
  return out;
}
