/**
 * Shards: `--shard k/n` runs the cells whose id hashes to k among n. A cell id is a hash of the cell's identity
 * (provider label, prompt id, test id, repeat index; see cache-key.ts), never a counter, so every machine computes
 * the same partition of the same suite without talking to the others, and a re-run or a resume of shard k gets
 * exactly the cells it had before.
 */
import { LlmlabError } from '../errors.js';
import type { RunRecord, RunShard } from '../store/index.js';

/** One part of a suite's cells: shard `index` of `count`, 1-based like the flag (`--shard 2/8`). */
export interface Shard {
  index: number;
  count: number;
}

/**
 * The most shards a suite may be split into. More would give shards of a cell or two for any real suite, and the
 * hash prefix below keeps the partition even far beyond it.
 */
export const MAX_SHARDS = 10_000;

/**
 * The shard (1-based) a cell belongs to when the cells are split `count` ways. The first 48 bits of the cell id
 * (hex sha-256) are an integer JavaScript holds exactly; modulo `count` ≤ 10,000 they are uniform to within 1e-10.
 */
export function shardOfCell(cellId: string, count: number): number {
  return (Number.parseInt(cellId.slice(0, 12), 16) % count) + 1;
}

/** True when the cell belongs to `shard`. */
export function inShard(cellId: string, shard: Shard): boolean {
  return shardOfCell(cellId, shard.count) === shard.index;
}

/** What a shard's run records about itself: which shard, of how many, and the cells it and the suite planned. */
export function runShardOf(plan: { shard?: Shard; totalCells: number; suiteCells: number }): RunShard | undefined {
  if (!plan.shard) return undefined;
  return {
    count: plan.shard.count,
    present: [{ index: plan.shard.index, cells: plan.totalCells }],
    merged: false,
    suiteCells: plan.suiteCells,
  };
}

/** `--resume <run>` continues the run as it was planned: the same shard, or no shard. */
export function checkResumedShard(run: RunRecord, shard: Shard | undefined): void {
  const had = run.shard;
  if (had?.merged) {
    throw new LlmlabError('USAGE', `run ${run.id} was made by \`llmlab merge\`; a merged run is not resumed`, {
      hint: 'resume the unfinished shard (`llmlab eval <suite> --shard k/n --resume`) and merge again',
    });
  }
  const was = had && { index: had.present[0]!.index, count: had.count };
  if (was && (!shard || shard.index !== was.index || shard.count !== was.count)) {
    throw new LlmlabError('USAGE', `run ${run.id} is shard ${was.index}/${was.count}`, {
      hint: `resume it with \`--shard ${was.index}/${was.count}\``,
    });
  }
  if (!was && shard) {
    throw new LlmlabError('USAGE', `run ${run.id} is a whole run, not shard ${shard.index}/${shard.count}`, {
      hint: 'resume it without --shard',
    });
  }
}
