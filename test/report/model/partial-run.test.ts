/** Partial runs (a shard, a merge missing shards): how they are named, and why their gates cannot pass. */
import { describe, expect, it } from 'vitest';
import { evaluateGates } from '../../../src/report/gates/evaluate.js';
import { formatGateLines } from '../../../src/report/console/gates-lines.js';
import { partialRun, ranges, shardLabel } from '../../../src/report/model/partial-run.js';
import type { RunShard } from '../../../src/store/index.js';

const shard = (present: number[], merged: boolean, count = 8): RunShard => ({
  count,
  present: present.map((index) => ({ index, cells: 10 })),
  merged,
  suiteCells: count * 10,
});
const totals = { passed: 10, failed: 0, errors: 0, skipped: 0, cells: 10, passRate: 1, cost: 0 };

describe('partial runs', () => {
  it('names shards as k/n, or as folded ranges for a merge', () => {
    expect(shardLabel(shard([2], false))).toBe('shard 2/8');
    expect(shardLabel(shard([2], true))).toBe('shard 2 of 8');
    expect(shardLabel(shard([1, 2, 3, 5, 7, 8], true))).toBe('shards 1–3, 5, 7, 8 of 8');
    expect(ranges([1, 2, 4, 5, 6, 9])).toBe('1, 2, 4–6, 9');
    expect(ranges([])).toBe('');
  });

  it('is partial while shards are missing; a whole run and a complete merge are not', () => {
    expect(partialRun({})).toBeUndefined();
    expect(partialRun({ shard: shard([1, 2, 3], true, 3) })).toBeUndefined();
    expect(partialRun({ shard: shard([2], false) })).toEqual({
      label: 'shard 2/8: partial', cells: 10, suiteCells: 80, count: 8, missing: [1, 3, 4, 5, 6, 7, 8], merged: false,
    });
    expect(partialRun({ shard: shard([1, 2, 3, 5], true) })?.label).toBe('shards 1–3, 5 of 8: partial');
  });

  it('fails the complete gate first, whatever the other gates say, and leaves the verdict undecided', () => {
    const lone = evaluateGates({ totals, missing: 0, gates: { minPassRate: 0.5 }, partial: partialRun({ shard: shard([2], false) })! });
    expect(lone).toMatchObject({ passed: false, partial: 'shard 2/8: partial' });
    expect(lone.checks.map((c) => `${c.gate} ${c.status}`)).toEqual(['complete fail', 'minPassRate pass']);
    expect(formatGateLines(lone)).toEqual([
      'gate complete: FAIL — shard 2/8: partial, 10 of 80 cells, threshold all 8 shards: shard 2/8: partial: the other 7 shards hold 70 cells; merge all 8 (`llmlab merge`) and gate the merged run',
      'gate minPassRate: pass — 100.0% (10 of 10 cells), threshold ≥ 50.0%',
      'gate not decided: shard 2/8: partial; the gates judge the merged run of all shards',
    ]);
    const merged = evaluateGates({ totals, missing: 0, gates: {}, partial: partialRun({ shard: shard([1, 2, 3, 5], true) })! });
    expect(merged.checks[0]!.reason).toBe('shards 1–3, 5 of 8: partial: shards 4, 6–8 (40 cells) not merged in; merge them (`llmlab merge`) before gating');
    expect(evaluateGates({ totals, missing: 0, gates: {} })).not.toHaveProperty('partial');
  });
});
