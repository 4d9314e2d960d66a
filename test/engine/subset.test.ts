/**
 * Subsets in the engine: which cells each flag selects (tests by description or id, the first N, a seeded sample,
 * providers, prompts, the failing cells of a run), that the flags intersect, that an empty or unknown selection is a
 * USAGE error naming the flag, and that a run records its subset and a resume plans the same cells again.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPlan, type Plan } from '../../src/engine/plan.js';
import { failingCells, resolveSubset, sample, subsetFlagsText, type SubsetFlags } from '../../src/engine/subset.js';
import { openStore, type Store } from '../../src/store/index.js';
import { thrownAsyncLlmlabError, thrownLlmlabError } from '../thrown.js';
import { assertion, makeSuite, provider, tests } from './make-suite.js';
import { runInStore } from './run-in-store.js';

const QUESTIONS = ['refund policy', 'reset password', 'refund status', 'cancel plan', 'invoice pdf', 'pass me', 'pass too'];

/** Two echo providers × two prompts × 7 tests; a test passes when its question contains "pass". */
function suite() {
  const all = tests(QUESTIONS, [assertion('contains', 'pass')]).map((t, i) => ({ ...t, description: QUESTIONS[i] }));
  return makeSuite({
    providers: [provider('echo', {}, {}, 'a'), provider('echo', { delayMs: 0 }, {}, 'b')],
    tests: all,
    prompts: [
      { id: 'p', template: 'Q: {{ question }}', source: { file: '/virtual/suite.yaml', line: 3 } },
      { id: 'q', template: 'A: {{ question }}', source: { file: '/virtual/suite.yaml', line: 4 } },
    ],
  });
}

const whole = (repeat = 1) => createPlan(suite(), { repeat });
const selected = (plan: Plan, flags: SubsetFlags, store?: Store) => {
  const subset = resolveSubset(plan, flags, store);
  const cells = [...createPlan(plan.suite, { repeat: plan.repeat, subset }).cells()];
  return { subset, cells, tests: [...new Set(cells.map((c) => c.test.id))], targets: [...new Set(cells.map((c) => `${c.prompt.id}×${c.provider.label}`))] };
};

describe('resolveSubset', () => {
  it('--filter keeps tests whose description or id matches (case-sensitive)', () => {
    expect(selected(whole(), { filter: 'refund' }).tests).toEqual(['t0', 't2']);
    expect(selected(whole(), { filter: '^t[34]$' }).tests).toEqual(['t3', 't4']);
    expect(selected(whole(), { filter: 'refund|t6' }).tests).toEqual(['t0', 't2', 't6']);
    expect(thrownLlmlabError(() => resolveSubset(whole(), { filter: 'Refund' })).message).toBe('--filter Refund matches no test description or id: the selection is empty');
  });

  it('an invalid --filter regex is a USAGE error with the regex error', () => {
    const error = thrownLlmlabError(() => resolveSubset(whole(), { filter: 'refund(' }));
    expect([error.code, error.message]).toEqual(['USAGE', '--filter: Invalid regular expression: /refund(/: Unterminated group']);
  });

  it('--first N takes the first N tests in suite order, after the other flags', () => {
    expect(selected(whole(), { first: 3 }).tests).toEqual(['t0', 't1', 't2']);
    expect(selected(whole(), { filter: 'pass', first: 1 }).tests).toEqual(['t1']);
    expect(selected(whole(), { first: 100 }).tests).toHaveLength(7);
  });

  it('--sample N draws the same N tests for the same seed, in suite order, and prints the seed', () => {
    const one = selected(whole(), { sample: 3 });
    expect(one.tests).toHaveLength(3);
    expect(selected(whole(), { sample: 3, seed: 1 }).tests).toEqual(one.tests);
    expect(one.subset.flags).toBe('--sample 3 --seed 1');
    const ids = QUESTIONS.map((_, i) => `t${i}`);
    expect(ids.map((id) => ids.indexOf(id))).toEqual([...ids.keys()]);
    // Some seed draws another sample; each draw is in suite order.
    const draws = new Set([1, 2, 3, 4, 5].map((seed) => sample(ids, 3, seed).join()));
    expect(draws.size).toBeGreaterThan(1);
    for (const d of draws) expect(d.split(',')).toEqual([...d.split(',')].sort());
    // Adding a test changes a draw by at most that test.
    const before = sample(ids, 3, 7);
    const after = sample([...ids, 'new'], 3, 7).filter((id) => id !== 'new');
    expect(before.filter((id) => !after.includes(id)).length).toBeLessThanOrEqual(1);
  });

  it('--provider matches a label or an id; --prompt a prompt id; unknown names list the valid ones', () => {
    expect(selected(whole(), { providers: ['b'] }).targets).toEqual(['p×b', 'q×b']);
    expect(selected(whole(), { providers: ['echo'] }).targets).toEqual(['p×a', 'q×a', 'p×b', 'q×b']);
    expect(selected(whole(), { prompts: ['q'], providers: ['a'] }).targets).toEqual(['q×a']);
    const provider = thrownLlmlabError(() => resolveSubset(whole(), { providers: ['c'] }));
    expect([provider.code, provider.message, provider.where, provider.hint]).toEqual(['USAGE', '--provider c: no such provider in this suite', { file: '/virtual/suite.yaml' }, 'give a label or id: a (echo), b (echo)']);
    const prompt = thrownLlmlabError(() => resolveSubset(whole(), { prompts: ['x'] }));
    expect([prompt.message, prompt.hint]).toEqual(['--prompt x: no such prompt in this suite', 'give a prompt id: p, q']);
  });

  it('the flags intersect, and an empty selection names the flag that emptied it', () => {
    const both = selected(whole(2), { filter: 'refund', providers: ['a'], prompts: ['p'] });
    expect(both.cells.map((c) => `${c.test.id}/${c.repeatIndex}`)).toEqual(['t0/0', 't0/1', 't2/0', 't2/1']);
    expect(both.subset.flags).toBe('--provider a --prompt p --filter refund');
    const error = thrownLlmlabError(() => resolveSubset(whole(), { providers: ['a'], filter: 'nothing' }));
    expect(error.message).toBe('--filter nothing matches no test description or id (after --provider): the selection is empty');
    expect(error.hint).toMatch(/^loosen --filter/);
  });

  it('sizes the plan by the cells it keeps; suiteCells stays the whole suite', () => {
    const plan = createPlan(suite(), { repeat: 2, subset: resolveSubset(whole(2), { filter: 'refund', providers: ['b'] }) });
    expect([plan.totalCells, plan.suiteCells, plan.nodeCounts]).toEqual([8, 56, { generate: 8, grade: 8, judge: 0 }]);
  });

  it('tests picks tests by exact id (the studio\'s list), names a long pick by its size, and refuses an unknown id', () => {
    const picked = selected(whole(), { tests: ['t5', 't1'], providers: ['a'] });
    expect(picked.tests).toEqual(['t1', 't5']);
    expect(picked.subset.flags).toBe('--provider a --test t5 --test t1');
    expect(subsetFlagsText({ tests: ['t0', 't1', 't2', 't3', 't4'] })).toBe('--test t0 --test t1 --test t2 (+2 tests)');
    const unknown = thrownLlmlabError(() => resolveSubset(whole(), { tests: ['t1', 'nope', 'gone'] }));
    expect([unknown.code, unknown.message]).toEqual(['USAGE', 'no test `nope` in this suite (nor 1 more)']);
  });

  it('quotes what a shell would split when it prints the flags', () => {
    expect(subsetFlagsText({ filter: 'refund policy', providers: ["bob's"], failing: 'r1' })).toBe(
      "--provider 'bob'\\''s' --failing r1 --filter 'refund policy'",
    );
  });
});

describe('subsets in a run', () => {
  let dir: string;
  let store: Store;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'llmlab-subset-'));
    store = openStore(join(dir, 'llmlab.db'));
  });
  afterEach(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('records the subset (flags, its cells, the suite\'s) and runs only its cells', async () => {
    const { outcome, cells } = await runInStore(store, dir, suite(), { subset: { filter: 'refund', prompts: ['p'] } });
    expect(cells.map((c) => `${c.testId} ${c.promptId} ${c.providerLabel}`).sort()).toEqual(['t0 p a', 't0 p b', 't2 p a', 't2 p b']);
    expect(store.runs.get(outcome.run.id)!.options.subset).toEqual({
      flags: '--prompt p --filter refund', select: { prompts: ['p'], filter: 'refund' }, cells: 4, suiteCells: 28,
    });
    expect(store.runs.get(outcome.run.id)!.totalCells).toBe(4);
  });

  it('--failing selects the cells that failed or errored in the suite\'s latest run, or in the run named', async () => {
    const first = (await runInStore(store, dir, suite(), { subset: { providers: ['a'] } })).outcome.run;
    expect(failingCells(store, first.id).size).toBe(8); // 4 failing tests (t0, t2, t3, t4) × 2 prompts on a
    const { outcome, cells } = await runInStore(store, dir, suite(), { subset: { failing: true, filter: 'refund' } });
    expect(cells.map((c) => `${c.testId} ${c.promptId} ${c.providerLabel}`).sort()).toEqual(['t0 p a', 't0 q a', 't2 p a', 't2 q a']);
    expect(store.runs.get(outcome.run.id)!.options.subset!.flags).toBe(`--failing ${first.id} --filter refund`);
    const named = await runInStore(store, dir, suite(), { subset: { failing: first.id, prompts: ['q'] } });
    expect(named.cells.map((c) => c.testId).sort()).toEqual(['t0', 't2', 't3', 't4']);
    // Every cell of the latest run passes now that only `pass` tests ran.
    await runInStore(store, dir, suite(), { subset: { filter: 'pass' } });
    const none = await thrownAsyncLlmlabError(() => runInStore(store, dir, suite(), { subset: { failing: true } }));
    expect(none.message).toMatch(/^--failing: run \S+ has no failed or errored cell: the selection is empty$/);
  });

  it('--failing leaves out a test whose identity changed since', async () => {
    const first = (await runInStore(store, dir, suite(), { subset: { filter: 'refund' } })).outcome.run;
    const renamed = suite();
    renamed.tests = renamed.tests.map((t) => (t.id === 't0' ? { ...t, id: 't0-renamed' } : t));
    const { cells } = await runInStore(store, dir, renamed, { subset: { failing: first.id } });
    expect([...new Set(cells.map((c) => c.testId))]).toEqual(['t2']);
  });

  it('--failing of another suite\'s run is a USAGE error', async () => {
    const other = { ...suite(), path: '/virtual/other.yaml' };
    const run = (await runInStore(store, dir, other)).outcome.run;
    const error = await thrownAsyncLlmlabError(() => runInStore(store, dir, suite(), { subset: { failing: run.id } }));
    expect(error.message).toBe(`--failing ${run.id}: run ${run.id} is a run of another suite (/virtual/other.yaml)`);
  });

  it('a resume plans the subset the run stored, and refuses other subset flags', async () => {
    const stopped = new AbortController();
    stopped.abort();
    const first = await runInStore(store, dir, suite(), { subset: { first: 2 }, stop: stopped.signal });
    expect(first.outcome.status).toBe('interrupted');
    const other = await thrownAsyncLlmlabError(() => runInStore(store, dir, suite(), { resume: true, subset: { first: 3 } }));
    expect([other.code, other.message]).toEqual(['USAGE', `run ${first.outcome.run.id} is the subset \`--first 2\`, not \`--first 3\``]);
    const resumed = await runInStore(store, dir, suite(), { resume: true });
    expect(resumed.outcome.run.id).toBe(first.outcome.run.id);
    expect([...new Set(resumed.cells.map((c) => c.testId))].sort()).toEqual(['t0', 't1']);
    expect(store.runs.get(first.outcome.run.id)!.totalCells).toBe(8);
    const whole = (await runInStore(store, dir, suite(), { stop: stopped.signal })).outcome.run;
    const error = await thrownAsyncLlmlabError(() => runInStore(store, dir, suite(), { resume: whole.id, subset: { first: 1 } }));
    expect(error.message).toBe(`run ${whole.id} is a whole run, not a subset`);
  });
});
