import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadQualityTable, watchQualityTable } from '../../src/gateway/quality-table.js';
import { createRouter } from '../../src/gateway/router.js';
import type { QualityRule } from '../../src/gateway/types.js';
import { tInterval, wilson } from '../../src/stats/index.js';
import { openStore, type Store } from '../../src/store/index.js';
import type { CellResult, CellStatus } from '../../src/types.js';
import { thrownLlmlabError } from '../thrown.js';
import { candidate, virtualModel } from './candidates.js';

let dir: string;
let store: Store;
let suite: string;
let clock = 1_700_000_000_000;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'llmlab-quality-'));
  mkdirSync(join(dir, 'suites'));
  suite = join(dir, 'suites', 'support.yaml');
  writeFileSync(suite, 'prompts: []\n');
  store = openStore(join(dir, 'llmlab.db'));
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

interface CellSpec {
  label: string;
  id?: string;
  prompt?: string;
  status: CellStatus;
  latencyMs?: number;
  /** The test id; default one test per cell. */
  test?: string;
  /** Scores of a metric named `tone` (no assertion when unset). */
  tone?: number;
}

function cell(spec: CellSpec, i: number): CellResult {
  const prompt = spec.prompt ?? 'p1';
  return {
    cellId: `${spec.label}:${prompt}:${i}`,
    providerId: spec.id ?? `test:${spec.label}`,
    providerLabel: spec.label,
    promptId: prompt,
    testId: spec.test ?? `t${i}`,
    testIndex: i,
    repeatIndex: 0,
    vars: {},
    prompt: 'q',
    output: 'a',
    status: spec.status,
    score: spec.status === 'pass' ? 1 : 0,
    assertions:
      spec.tone === undefined ? [] : [{ type: 'llm-rubric', metric: 'tone', pass: spec.tone >= 0.5, score: spec.tone, weight: 1 }],
    latencyMs: spec.latencyMs ?? 100,
    cost: 0,
    cached: false,
  };
}

/** `count` cells of one spec. */
const many = (count: number, spec: CellSpec): CellSpec[] => Array.from({ length: count }, () => spec);

/** Stores a run of `path` holding `specs`, one test per cell, newer than every run stored before. */
function storeRun(
  specs: CellSpec[],
  options: { path?: string; status?: 'completed' | 'running'; subset?: boolean; shard?: { merged: boolean } } = {},
) {
  clock += 60_000;
  const run = store.runs.create({
    suitePath: options.path ?? suite,
    suiteHash: 'h',
    totalCells: specs.length,
    ...(options.shard ? { shard: { count: 2, present: [{ index: 1, cells: specs.length }], merged: options.shard.merged, suiteCells: 2 * specs.length } } : {}),
    options: {
      concurrency: 1, repeat: 1, cache: true, llmlabVersion: 't',
      ...(options.subset ? { subset: { flags: '--first 1', select: { first: 1 }, cells: 1, suiteCells: 2 } } : {}),
    },
  });
  specs.forEach((spec, i) => store.results.put(run.id, cell(spec, i), i));
  store.runs.save({ ...run, createdAt: clock, status: options.status ?? 'completed', finishedAt: clock });
  return run.id;
}

const rule = (extra: Partial<QualityRule> = {}): QualityRule => ({ suite, metric: 'pass', minRate: 0.8, prefer: 'cheapest', ...extra });
const [a, b, c] = [candidate('a'), candidate('b'), candidate('c')];

describe('loadQualityTable', () => {
  it('ranks candidates by the Wilson lower bound of passed / (total − skipped), errors counting as failures', () => {
    const runId = storeRun([
      ...many(90, { label: 'a', status: 'pass', latencyMs: 200 }),
      ...many(6, { label: 'a', status: 'fail', latencyMs: 400 }),
      ...many(4, { label: 'a', status: 'error', latencyMs: 50 }),
      ...many(7, { label: 'a', status: 'skipped' }),
      // `b` is labelled differently in the suite; its provider id matches the candidate's.
      ...many(30, { label: 'bee', id: 'test:b', status: 'pass' }),
      ...many(10, { label: 'bee', id: 'test:b', status: 'fail' }),
    ]);
    const table = loadQualityTable(store, rule(), [a, b, c]);
    expect(table.runId).toBe(runId);
    const w = wilson(90, 100)!;
    expect(table.standing('a')).toEqual({ label: 'a', n: 100, rate: 0.9, lower: w.low, upper: w.high, medianLatencyMs: 200, qualifies: true });
    expect(table.standing('b')).toMatchObject({ n: 40, rate: 0.75, qualifies: false, reason: expect.stringMatching(/^lower bound 5\d\.\d% < minRate 80\.0%/) });
    expect(table.standing('c')).toMatchObject({ n: 0, qualifies: false, reason: `not in run ${runId}` });
    expect(table.standings.map((s) => s.label)).toEqual(['a', 'b', 'c']);
  });

  it('counts only `prompt`’s cells when the rule names one, and pools every prompt otherwise', () => {
    storeRun([...many(50, { label: 'a', prompt: 'p1', status: 'pass' }), ...many(50, { label: 'a', prompt: 'p2', status: 'fail' })]);
    expect(loadQualityTable(store, rule({ prompt: 'p1' }), [a]).standing('a')).toMatchObject({ n: 50, rate: 1, qualifies: true });
    expect(thrownLlmlabError(() => loadQualityTable(store, rule(), [a])).message).toMatch(/a lower bound 4\d\.\d% < minRate 80\.0% \(50\.0% of 100\)/);
    const unknown = thrownLlmlabError(() => loadQualityTable(store, rule({ prompt: 'p9' }), [a]));
    expect(unknown.code).toBe('CONFIG_INVALID');
    expect(unknown.message).toMatch(/quality.prompt 'p9' is not a prompt of run .* \(its prompts: p1, p2\)/);
  });

  it('reads a named metric’s mean score with a t interval, a failed call counting as 0', () => {
    const scores = [0.9, 0.95, 0.85, 0.9, 1, 0.8, 0.9, 0.95, 0.9, 0.85];
    storeRun([...scores.map((tone) => ({ label: 'a', status: 'pass' as const, tone })), { label: 'a', status: 'error' }]);
    const standing = loadQualityTable(store, rule({ metric: 'tone', minRate: 0.5 }), [a]).standing('a')!;
    expect(standing.n).toBe(11);
    expect(standing.rate).toBeCloseTo(9 / 11, 10);
    expect(standing.lower).toBeLessThan(standing.rate);
    expect(standing.upper).toBeGreaterThan(standing.rate);
    expect(standing.qualifies).toBe(true);
  });

  it('pools prompts on one test as a cluster: the interval is cluster-robust, not the naive t', () => {
    const scores = [0.2, 0.9, 0.4, 0.8, 0.6, 0.7, 0.3, 0.95];
    // The same tests under two prompts with the same scores: perfectly correlated pairs, worth 8 cells, not 16.
    const specs = ['p1', 'p2'].flatMap((prompt) => scores.map((tone, i) => ({ label: 'a', prompt, test: `q${i}`, status: 'pass' as const, tone })));
    storeRun(specs);
    const pooled = loadQualityTable(store, rule({ metric: 'tone', minRate: 0 }), [a]).standing('a')!;
    const naive = tInterval([...scores, ...scores])!;
    expect(pooled.n).toBe(16);
    expect(pooled.lower).toBeLessThan(naive.low);
  });

  it('uses Wilson for a named metric whose scores are all 0 or 1 (a t interval of all-passes has no width)', () => {
    storeRun(many(5, { label: 'a', status: 'pass', tone: 1 }));
    const standing = loadQualityTable(store, rule({ metric: 'tone', minRate: 0.5 }), [a]).standing('a')!;
    expect(standing).toMatchObject({ n: 5, rate: 1, lower: wilson(5, 5)!.low, qualifies: true });
  });

  it('refuses a metric the run does not grade, naming the ones it does', () => {
    storeRun([{ label: 'a', status: 'pass', tone: 1 }]);
    const error = thrownLlmlabError(() => loadQualityTable(store, rule({ metric: 'accuracy' }), [a]));
    expect(error.code).toBe('UNKNOWN_METRIC');
    expect(error.message).toMatch(/quality.metric 'accuracy' is not graded in run .* \(its metrics: tone\)/);
  });

  it('without a completed whole run, says which eval to run', () => {
    storeRun(many(5, { label: 'a', status: 'pass' }), { status: 'running' });
    storeRun(many(5, { label: 'a', status: 'pass' }), { subset: true });
    storeRun(many(5, { label: 'a', status: 'pass' }), { path: join(dir, 'other', 'support.yaml') });
    const error = thrownLlmlabError(() => loadQualityTable(store, rule(), [a], { model: 'support-bot', cwd: dir }));
    expect(error.code).toBe('RUN_NOT_FOUND');
    expect(error.message).toMatch(/^support-bot: quality routing needs a completed run of suites\/support\.yaml, and the store \(.*\) has none/);
    expect(error.message).toContain(`it has runs of ${join(dir, 'other', 'support.yaml')}: another path`);
    expect(error.hint).toBe('run `llmlab eval suites/support.yaml` first (a whole run: not a shard or a --filter subset)');
  });

  it('when nobody qualifies, names each candidate’s lower bound against minRate', () => {
    const runId = storeRun([...many(8, { label: 'a', status: 'pass' }), ...many(2, { label: 'a', status: 'fail' }), ...many(10, { label: 'b', status: 'pass' })]);
    const error = thrownLlmlabError(() => loadQualityTable(store, rule({ minRate: 0.9 }), [a, b, c], { model: 'support-bot', cwd: dir }));
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toBe(
      `support-bot: no candidate qualifies for quality routing on 'pass' of run ${runId}: ` +
        `a lower bound 49.0% < minRate 90.0% (80.0% of 10); b lower bound 72.2% < minRate 90.0% (100.0% of 10); c not in run ${runId}`,
    );
    expect(error.hint).toBe('lower quality.minRate, add candidates, or improve the prompt and run `llmlab eval suites/support.yaml` again');
  });

  it('finds runs stored under a symlinked path of the same suite', () => {
    const link = join(dir, 'linked');
    symlinkSync(join(dir, 'suites'), link);
    const runId = storeRun(many(20, { label: 'a', status: 'pass' }), { path: join(link, 'support.yaml') });
    expect(loadQualityTable(store, rule(), [a]).runId).toBe(runId);
  });
});

describe('refresh', () => {
  it('takes a newer run, and keeps the old table with a warning (once) when the newer one qualifies nobody', () => {
    const first = storeRun(many(30, { label: 'a', status: 'pass' }));
    const table = loadQualityTable(store, rule(), [a, b]);
    expect(table.refresh()).toEqual({ changed: false, runId: first });

    const second = storeRun([...many(30, { label: 'a', status: 'fail' }), ...many(30, { label: 'b', status: 'pass' })]);
    expect(table.refresh()).toEqual({ changed: true, runId: second });
    expect(table.standing('a')!.qualifies).toBe(false);
    expect(table.standing('b')!.qualifies).toBe(true);

    const bad = storeRun(many(30, { label: 'b', status: 'fail' }));
    const refused = table.refresh();
    expect(refused).toMatchObject({ changed: false, runId: second });
    expect(refused.warning).toMatch(new RegExp(`^run ${bad} of .*support\\.yaml qualifies no candidate \\(a not in run ${bad}; b lower bound 0\\.0% .*\\); still routing on run ${second}$`));
    expect(table.standing('b')!.qualifies).toBe(true);
    expect(table.refresh()).toEqual({ changed: false, runId: second });
  });

  it('moves a router’s order with the table, without a new router', () => {
    storeRun([...many(30, { label: 'a', status: 'pass' }), ...many(30, { label: 'b', status: 'fail' })]);
    const table = loadQualityTable(store, rule(), [a, b]);
    const router = createRouter(virtualModel('quality', [a, b], { quality: table.rule }), { quality: table });
    expect(router.order().map((x) => x.label)).toEqual(['a']);
    storeRun([...many(30, { label: 'a', status: 'fail' }), ...many(30, { label: 'b', status: 'pass' })]);
    table.refresh();
    expect(router.order().map((x) => x.label)).toEqual(['b']);
  });

  it('ignores runs still in progress and lone shards, and takes a merged run', () => {
    const first = storeRun(many(30, { label: 'a', status: 'pass' }));
    const table = loadQualityTable(store, rule(), [a]);
    storeRun(many(30, { label: 'a', status: 'fail' }), { status: 'running' });
    storeRun(many(30, { label: 'a', status: 'fail' }), { shard: { merged: false } });
    expect(table.refresh()).toEqual({ changed: false, runId: first });
    const merged = storeRun(many(40, { label: 'a', status: 'pass' }), { shard: { merged: true } });
    expect(table.refresh()).toEqual({ changed: true, runId: merged });
  });
});

describe('watchQualityTable', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('polls for a newer run and reports a change, until stopped', () => {
    vi.useFakeTimers();
    storeRun(many(30, { label: 'a', status: 'pass' }));
    const table = loadQualityTable(store, rule(), [a, b]);
    const changes: string[] = [];
    const warnings: string[] = [];
    const watch = watchQualityTable(table, { intervalMs: 5000, onChange: (t) => changes.push(t.runId), onWarning: (w) => warnings.push(w) });
    vi.advanceTimersByTime(5000);
    expect(changes).toEqual([]);
    const second = storeRun(many(30, { label: 'b', status: 'pass' }));
    vi.advanceTimersByTime(5000);
    expect(changes).toEqual([second]);
    storeRun(many(30, { label: 'b', status: 'fail' }));
    vi.advanceTimersByTime(10_000);
    expect(warnings).toHaveLength(1);
    watch.stop();
    storeRun(many(30, { label: 'a', status: 'pass' }));
    vi.advanceTimersByTime(60_000);
    expect(changes).toEqual([second]);
  });
});
