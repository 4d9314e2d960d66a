/**
 * What started a watch iteration (the first run, saved files, or the `a` / `f` keys) and the lines that say so:
 * one when the iteration starts, and the first line of its results, which counts the cells that called a model.
 */
import type { Store } from '../store/index.js';

/** Why an iteration runs. */
export type WatchTrigger =
  | { kind: 'first' }
  /** Files whose content changed, as the user reads their paths. */
  | { kind: 'files'; files: string[] }
  /** `a`: every cell, cache not read. */
  | { kind: 'all' }
  /**
   * `f`: the cells (provider × prompt × test, every repeat) that failed or errored in run `runId`, the last shown,
   * cache not read; `cells` counts them.
   */
  | { kind: 'failing'; runId: string; cells: number };

/** `[watch] iteration 2: prompts/a.txt changed`, printed as the iteration starts. */
export function startLine(iteration: number, trigger: WatchTrigger): string {
  const why = {
    first: '',
    files: trigger.kind === 'files' ? `: ${trigger.files.join(', ')} changed` : '',
    all: ': a pressed, re-running every cell without reading the cache',
    failing: trigger.kind === 'failing' ? `: f pressed, re-running the ${cells(trigger.cells)} that failed or errored, without reading the cache` : '',
  }[trigger.kind];
  return `[watch] iteration ${iteration}${why}`;
}

/** A run's cells: how many, how many answered from the cache, how many the budget skipped. */
export interface CellCounts {
  cells: number;
  cached: number;
  skipped: number;
}

/** Counts the run's ordinary cells from the store (an attack cell is a conversation, not one cached answer). */
export function cellCounts(store: Store, runId: string): CellCounts {
  const counts = { cells: 0, cached: 0, skipped: 0 };
  for (const t of store.results.totals(runId)) {
    counts.cells += t.total;
    counts.cached += t.cachedCells;
    counts.skipped += t.skipped;
  }
  return counts;
}

/**
 * The first line of an iteration's results: what changed and how many cells called a model, e.g.
 * `[watch] suites/a.yaml changed: 3 of 12 cells re-run (9 cached)` or `[watch] f: 2 failing cells re-run, cache not read`.
 */
export function headline(trigger: WatchTrigger, counts: CellCounts): string {
  const ran = counts.cells - counts.cached - counts.skipped;
  const skipped = counts.skipped > 0 ? `, ${counts.skipped} skipped by the budget` : '';
  switch (trigger.kind) {
    case 'first':
      return `[watch] first run: ${ran} of ${cells(counts.cells)} run (${counts.cached} cached${skipped})`;
    case 'files':
      return `[watch] ${trigger.files.join(', ')} changed: ${ran} of ${cells(counts.cells)} re-run (${counts.cached} cached${skipped})`;
    case 'all':
      return `[watch] a: all ${cells(ran)} re-run, cache not read${skipped}`;
    case 'failing':
      return `[watch] f: ${ran} failing ${ran === 1 ? 'cell' : 'cells'} re-run, cache not read${skipped}`;
  }
}

function cells(n: number): string {
  return `${n} ${n === 1 ? 'cell' : 'cells'}`;
}
