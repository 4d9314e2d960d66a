/**
 * Runs of a subset (`--filter`, `--first`, `--failing`, …): their figures are real but cover the cells chosen, so
 * every report says which and how many (`subset: 40 of 2,000 cells (--filter refund)`), and the gate lines say
 * that they judged a subset.
 */
import type { RunRecord, RunSubset } from '../../store/index.js';

/** A subset run as reports show it. */
export interface SubsetSummary {
  /** The flags that chose it: `--filter refund --sample 40 --seed 1`. */
  flags: string;
  /** Cells the subset planned, and cells the whole suite plans. */
  cells: number;
  suiteCells: number;
  /** `subset: 40 of 2,000 cells (--filter refund)`. */
  line: string;
}

/** `subset: 40 of 2,000 cells (--filter refund)`. */
export function subsetLine(subset: Pick<RunSubset, 'flags' | 'cells' | 'suiteCells'>): string {
  const n = (x: number) => x.toLocaleString('en-US');
  return `subset: ${n(subset.cells)} of ${n(subset.suiteCells)} cells (${subset.flags})`;
}

/** The run's subset, or undefined for a run of the whole suite. */
export function subsetOf(run: Pick<RunRecord, 'options'>): SubsetSummary | undefined {
  const subset = run.options.subset;
  if (!subset) return undefined;
  return { flags: subset.flags, cells: subset.cells, suiteCells: subset.suiteCells, line: subsetLine(subset) };
}
