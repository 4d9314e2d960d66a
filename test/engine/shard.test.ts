/**
 * `--shard k/n` in the planner: for any n the shards are disjoint, together they are the whole plan (cells and
 * nodes), and a cell's shard depends on its identity alone — not on suite order, not on the machine.
 */
import { describe, expect, it } from 'vitest';
import { cellId } from '../../src/engine/cache-key.js';
import { ATTACK_PROMPT, createPlan, type Plan } from '../../src/engine/plan.js';
import { checkResumedShard, inShard, runShardOf, shardOfCell } from '../../src/engine/shard.js';
import type { RunRecord } from '../../src/store/index.js';
import type { TestCase } from '../../src/types.js';
import { assertion, makeSuite, provider, tests } from './make-suite.js';

const judged = assertion('llm-rubric', 'polite', { judge: { grader: 'judge#1', repeat: 2, calls: 2 } });
const QUESTIONS = Array.from({ length: 23 }, (_, i) => `question ${i}`);
const ATTACK: TestCase = {
  id: 'attack-1',
  index: 0,
  vars: {},
  assert: [assertion('no-leak', { canaries: ['RT-1'] })],
  attack: {
    family: 'jailbreak', template: 't', severity: 'high', owasp: [], maxSuccessRate: 0, strategy: 'multi-turn',
    messages: [{ role: 'system', content: 'You are Ada.' }],
    turns: { max: 3, goal: 'g', script: ['a', 'b', 'c'], escalate: false, template: '{{ input }}' },
  },
};

function suite(order: 'ab' | 'ba' = 'ab') {
  const [a, b] = [provider('echo', {}, {}, 'a'), provider('mock:b', {}, {}, 'b')];
  return makeSuite({
    providers: order === 'ab' ? [a, b] : [b, a],
    tests: tests(QUESTIONS, [assertion('contains', 'x'), judged]),
    prompts: [
      { id: 'p', template: 'Q: {{ question }}', source: { file: '/virtual/suite.yaml', line: 3 } },
      { id: 'q', template: 'Answer: {{ question }}', source: { file: '/virtual/suite.yaml', line: 4 } },
    ],
    security: { target: 'b', targetOnly: false, tests: [ATTACK, { ...ATTACK, id: 'attack-2' }] },
  });
}

const ids = (plan: Plan) => [...plan.cells()].map((c) => c.cellId);

describe('createPlan with a shard', () => {
  const whole = createPlan(suite(), { repeat: 3 });

  it.each([1, 2, 3, 7, 8, 50, 120])('splits the cells %i ways into disjoint shards that cover the plan, nodes included', (n) => {
    const shards = Array.from({ length: n }, (_, i) => createPlan(suite(), { repeat: 3, shard: { index: i + 1, count: n } }));
    const seen = new Map<string, number>();
    for (const [i, plan] of shards.entries()) {
      expect(plan.suiteCells).toBe(whole.totalCells);
      expect(plan.totalCells).toBe(ids(plan).length);
      for (const id of ids(plan)) {
        expect(seen.has(id), `cell ${id} in shards ${seen.get(id)} and ${i + 1}`).toBe(false);
        seen.set(id, i + 1);
      }
    }
    expect([...seen.keys()].sort()).toEqual(ids(whole).sort());
    const sum = (pick: (p: Plan) => number) => shards.reduce((t, p) => t + pick(p), 0);
    expect(sum((p) => p.totalCells)).toBe(whole.totalCells);
    expect(sum((p) => p.nodeCounts.generate)).toBe(whole.nodeCounts.generate);
    expect(sum((p) => p.nodeCounts.grade)).toBe(whole.nodeCounts.grade);
    expect(sum((p) => p.nodeCounts.judge)).toBe(whole.nodeCounts.judge);
  });

  it('gives every shard a fair share: 282 cells in 3 shards, none under 70 or over 120', () => {
    const sizes = [1, 2, 3].map((k) => createPlan(suite(), { repeat: 3, shard: { index: k, count: 3 } }).totalCells);
    expect(whole.totalCells).toBe(282);
    for (const size of sizes) expect(size).toBeGreaterThan(70);
    for (const size of sizes) expect(size).toBeLessThan(120);
  });

  it('puts a cell in the same shard whatever the suite order, attack cells included', () => {
    const shard = { index: 2, count: 5 };
    const one = ids(createPlan(suite('ab'), { repeat: 3, shard })).sort();
    const other = ids(createPlan(suite('ba'), { repeat: 3, shard })).sort();
    expect(one).toEqual(other);
    const attacks = [...createPlan(suite(), { repeat: 3 }).cells()].filter((c) => c.prompt === ATTACK_PROMPT);
    expect(attacks).toHaveLength(6);
    for (const cell of attacks) expect(inShard(cell.cellId, shard)).toBe(shardOfCell(cell.cellId, 5) === 2);
  });

  it('pins the partition: a cell id maps to the same shard in every llmlab that shares the cell id', () => {
    // A change here would split one suite differently on workers running different llmlab versions.
    const id = cellId('gpt-4o', 'one-sentence', 't0', 0);
    expect(id).toBe(cellId('gpt-4o', 'one-sentence', 't0', 0));
    expect(shardOfCell(id, 8)).toBe((Number.parseInt(id.slice(0, 12), 16) % 8) + 1);
    expect([2, 3, 8, 10_000].map((n) => shardOfCell('000000000001ffff', n))).toEqual([2, 2, 2, 2]);
    expect(shardOfCell('ffffffffffff0000', 10_000)).toBe((0xffffffffffff % 10_000) + 1);
  });

  it('without a shard, the plan is the whole suite', () => {
    expect(whole.shard).toBeUndefined();
    expect(whole.suiteCells).toBe(whole.totalCells);
  });
});

describe('a shard\'s run record', () => {
  const plan = createPlan(suite(), { shard: { index: 2, count: 4 } });
  const run = (shard?: RunRecord['shard']): RunRecord => ({
    id: 'r1', suitePath: '/s.yaml', suiteHash: 'h', status: 'interrupted', totalCells: 1, createdAt: 0,
    options: { concurrency: 1, repeat: 1, cache: true, llmlabVersion: 'test' },
    ...(shard ? { shard } : {}),
  });

  it('records which shard, its cells and the suite\'s', () => {
    expect(runShardOf(plan)).toEqual({ count: 4, present: [{ index: 2, cells: plan.totalCells }], merged: false, suiteCells: plan.suiteCells });
    expect(runShardOf(createPlan(suite()))).toBeUndefined();
  });

  it('resumes only as what it was: the same shard, no shard for a whole run, never a merged run', () => {
    const shard = runShardOf(plan)!;
    expect(() => checkResumedShard(run(shard), { index: 2, count: 4 })).not.toThrow();
    expect(() => checkResumedShard(run(), undefined)).not.toThrow();
    expect(() => checkResumedShard(run(shard), { index: 1, count: 4 })).toThrow(/^run r1 is shard 2\/4$/);
    expect(() => checkResumedShard(run(shard), undefined)).toThrow(/^run r1 is shard 2\/4$/);
    expect(() => checkResumedShard(run(), { index: 1, count: 4 })).toThrow(/^run r1 is a whole run, not shard 1\/4$/);
    expect(() => checkResumedShard(run({ ...shard, merged: true }), { index: 2, count: 4 })).toThrow(/was made by `llmlab merge`/);
  });
});
