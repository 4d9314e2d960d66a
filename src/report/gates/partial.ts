/** A run holding only some shards cannot pass: a verdict on 13 of 40 cells is not a verdict on the suite. */
import { ranges, type PartialRun } from '../model/partial-run.js';
import type { GateCheck } from './types.js';

/** The `complete` gate of a partial run: it fails, saying what is missing and how to get the whole run. */
export function partialGate(partial: PartialRun): GateCheck {
  const absent = partial.suiteCells - partial.cells;
  const where = partial.merged
    ? `shard${partial.missing.length === 1 ? '' : 's'} ${ranges(partial.missing)} (${absent} cells) not merged in; merge them (\`llmlab merge\`) before gating`
    : `the other ${partial.count - 1} shards hold ${absent} cells; merge all ${partial.count} (\`llmlab merge\`) and gate the merged run`;
  return {
    gate: 'complete',
    status: 'fail',
    measured: absent,
    threshold: 0,
    measuredText: `${partial.label}, ${partial.cells} of ${partial.suiteCells} cells`,
    thresholdText: `all ${partial.count} shards`,
    reason: `${partial.label}: ${where}`,
  };
}
