/**
 * Runs that hold only some of a suite's shards: a shard's own run (`--shard k/n`), or a merge that is missing
 * shards. Their figures are real but cover part of the suite, so every report says which part, and the gates
 * do not pass such a run (gates/partial.ts): a verdict on 13 of 40 cells is not a verdict on the suite.
 */
import type { RunRecord, RunShard } from '../../store/index.js';

/** What a partial run holds and lacks. */
export interface PartialRun {
  /** `shard 2/8: partial` or `shards 1–3, 5 of 8: partial`. */
  label: string;
  /** Cells planned by the shards present, and by the whole suite. */
  cells: number;
  suiteCells: number;
  count: number;
  /** The shards not present, ascending. */
  missing: number[];
  merged: boolean;
}

/** `shard 2/8`, `shards 1–3, 5 of 8` (merged, some missing) or `shards 1–8 of 8` (merged, complete). */
export function shardLabel(shard: RunShard): string {
  const present = shard.present.map((p) => p.index);
  if (!shard.merged && present.length === 1) return `shard ${present[0]}/${shard.count}`;
  return `shard${present.length === 1 ? '' : 's'} ${ranges(present)} of ${shard.count}`;
}

/** The run's partial part, or undefined for a whole run and for a merge of all its shards. */
export function partialRun(run: Pick<RunRecord, 'shard'>): PartialRun | undefined {
  const shard = run.shard;
  if (!shard) return undefined;
  const present = new Set(shard.present.map((p) => p.index));
  if (present.size >= shard.count) return undefined;
  const missing: number[] = [];
  for (let k = 1; k <= shard.count; k++) if (!present.has(k)) missing.push(k);
  return {
    label: `${shardLabel(shard)}: partial`,
    cells: shard.present.reduce((n, p) => n + p.cells, 0),
    suiteCells: shard.suiteCells,
    count: shard.count,
    missing,
    merged: shard.merged,
  };
}

/** `1–3, 5, 7–8`: ascending whole numbers with runs of three or more folded. */
export function ranges(sorted: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    if (j - i >= 2) parts.push(`${sorted[i]}–${sorted[j]}`);
    else for (let m = i; m <= j; m++) parts.push(String(sorted[m]));
    i = j + 1;
  }
  return parts.join(', ');
}
