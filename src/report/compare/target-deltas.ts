/**
 * The Δ-vs-baseline column of the summary tables (console, PR comment, HTML): each target's pass-rate change
 * against the baseline, over the cells both runs share, so the column agrees with the comparison and the
 * maxRegression gate rather than with a difference of two unpaired rates.
 */
import { signedPoints } from '../shared.js';
import type { BaselineComparison } from './baseline.js';
import type { RunComparison, RunDelta } from './compare-runs.js';

/** A target's change against the baseline, or why it has none: new in this run, or sharing no cell with it. */
export type BaselineDelta = { delta: RunDelta } | { new: true } | { unpaired: true };

/**
 * The comparison a Δ column reads, or undefined for none: no baseline, one that is unavailable, or one that
 * shares only attack cells (no pass rate to compare; the security sections compare those).
 */
export function deltaComparison(baseline: BaselineComparison | RunComparison | undefined): RunComparison | undefined {
  const comparison = baseline && ('comparison' in baseline ? baseline.comparison : 'unavailable' in baseline ? undefined : baseline);
  return comparison && comparison.cells.paired > 0 ? comparison : undefined;
}

/**
 * The lookup of {@link BaselineDelta} by target. A target the baseline does not have is new; one both runs
 * have whose cells never pair (all its tests renamed) is unpaired.
 */
export function baselineDeltas(comparison: RunComparison): (promptId: string, providerLabel: string) => BaselineDelta {
  const key = (promptId: string, providerLabel: string) => `${promptId}\0${providerLabel}`;
  const deltas = new Map(comparison.targets.map((t) => [key(t.promptId, t.providerLabel), t]));
  const added = new Set(comparison.targetsOnlyInB.map((t) => key(t.promptId, t.providerLabel)));
  return (promptId, providerLabel) => {
    const delta = deltas.get(key(promptId, providerLabel));
    if (delta) return { delta };
    return added.has(key(promptId, providerLabel)) ? { new: true } : { unpaired: true };
  };
}

/** The column's text: `+5.0`, `−12.5`, `0.0` (points, never `−0.0`), `new`, or `–` for an unpaired target. */
export function baselineDeltaText(d: BaselineDelta): string {
  if ('delta' in d) return signedPoints(d.delta.difference.estimate);
  return 'new' in d ? 'new' : '–';
}
