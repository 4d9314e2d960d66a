/**
 * The proof that sharding changes nothing but where cells run: a suite split into 3 shards, each in its own
 * database, merged with `llmlab merge`, reports the same summary (pass rates, intervals, metric and repeat
 * summaries, comparisons, gate verdict and exit code) and the same cells as one unsharded run of the suite.
 * Fresh answers take wall-clock latencies, so that comparison leaves latency out; answered from one cache, the two
 * reports are equal in everything but ids and timestamps. Merging is idempotent, and mismatched shards are refused.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, spawnCli, type CliResult } from './run-cli.js';

// Tests below that pass their own time limit (30 or 60 s) run several CLI processes in sequence: on a loaded 2-core
// machine that can outlast the e2e project's 20 s. The limit only bounds a hang; a passing test never waits it out.

const ROOT = new URL('../../', import.meta.url).pathname;
let dir: string;
const cli = (...args: string[]) => runCli(args, { cwd: dir });
/** For merges refused before anything is written: main() in this process. */
const refused = (...args: string[]) => runCli(args, { cwd: dir });
const noStack = (r: CliResult) => expect(r.stderr).not.toMatch(/\n\s+at /);
const read = (file: string) => JSON.parse(readFileSync(join(dir, file), 'utf8'));
const SHARDS = [1, 2, 3];

/** Checks a JSON report against schemas/report.schema.json. */
function expectValidReport(report: unknown): void {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  addFormats.default(ajv);
  const validate = ajv.compile(JSON.parse(readFileSync(join(ROOT, 'schemas/report.schema.json'), 'utf8')));
  expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
}

/** The value without the keys named (at any depth). */
function without(value: unknown, keys: readonly string[]): unknown {
  if (Array.isArray(value)) return value.map((v) => without(v, keys));
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).filter(([k]) => !keys.includes(k)).map(([k, v]) => [k, without(v, keys)]));
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'llmlab-merge-cli-'));
  const quickstart = readFileSync(join(ROOT, 'suites/quickstart.yaml'), 'utf8');
  // A gate the whole suite fails (50 % pass), so the exit codes have something to agree on.
  writeFileSync(join(dir, 'strict.yaml'), quickstart.replace('minPassRate: 0.5', 'minPassRate: 0.9'));
  cpSync(join(ROOT, 'suites/quickstart.yaml'), join(dir, 'q.yaml'));
  writeFileSync(join(dir, 'other.yaml'), quickstart.replace('How do I cancel my plan?', 'How do I close my account?'));
  writeFileSync(join(dir, 'llmlab.config.yaml'), 'suites: [q.yaml]\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('3 shards merged = 1 unsharded run', () => {
  const shardDb = (k: number) => `.llmlab/llmlab.shard-${k}-of-3.db`;

  it('fresh answers: same summary, cells and gate verdict, latency aside; shards exit 0, the merged gate exits as the whole run', async () => {
    const whole = await cli('eval', 'strict.yaml', '--repeat', '2', '--db', 'whole.db', '-o', 'whole.json');
    expect(whole.code).toBe(1);
    for (const k of SHARDS) {
      const shard = await cli('eval', 'strict.yaml', '--repeat', '2', '--shard', `${k}/3`);
      noStack(shard);
      expect(shard.code).toBe(0);
      expect(existsSync(join(dir, shardDb(k)))).toBe(true);
    }
    // The bin path of `merge`, as a user runs it.
    const merge = await spawnCli(['merge', ...SHARDS.map(shardDb), '-o', 'merged.db'], { cwd: dir });
    noStack(merge);
    expect(merge.code).toBe(0);
    expect(merge.stdout).toMatch(/^merged 3 runs from 3 files into run (\S+) in merged\.db \(new\)\n {2}shards 1–3 of 3, 48 of 48 cells: 48 added, 0 replaced by a better row, 0 duplicates left out; 48 cached answers added\nreport it: llmlab report \1 --db merged\.db --gate -o report\.json\n$/);
    const report = await cli('report', 'latest', '--db', 'merged.db', '-o', 'merged.json', '--gate');
    noStack(report);
    expect(report.code).toBe(whole.code);
    expect(report.stdout.trimEnd().split('\n').slice(-2)).toEqual([
      'gate minPassRate: FAIL — 50.0% (24 of 48 cells), threshold ≥ 90.0%: pass rate 50.0% is below minPassRate 90.0%',
      'gate failed: minPassRate',
    ]);

    const [a, b] = [read('whole.json'), read('merged.json')];
    const timing = ['latencyMs', 'p95Ms', 'pareto'];
    expect(without(b.summary, timing)).toEqual(without(a.summary, timing));
    expect(without(b.cells, timing)).toEqual(without(a.cells, timing));
    expect(a.summary.repeats.length).toBeGreaterThan(0);
    expect(a.summary.metrics.length).toBeGreaterThan(0);
    expect(b.summary.gate).toEqual(a.summary.gate);
    expect(b.run).toMatchObject({ status: 'completed', suite: a.run.suite, options: { repeat: 2, gates: { minPassRate: 0.9 } } });
    expect(b.run.shard).toMatchObject({ count: 3, merged: true, suiteCells: 48 });
    expect(a.run).not.toHaveProperty('shard');
    expectValidReport(b);
  }, 60_000);

  it('merging again, or a shard twice, changes nothing: the same run, the same report', async () => {
    const before = readFileSync(join(dir, 'merged.json'), 'utf8');
    const again = await cli('merge', ...SHARDS.map(shardDb), shardDb(2), '-o', 'merged.db');
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/\(updated\)\n {2}shards 1–3 of 3, 48 of 48 cells: 0 added, 0 replaced by a better row, \d+ duplicates left out; 0 cached answers added\n/);
    // The merged run fails its gate, as the whole run does: `report` exits as `eval` would.
    expect((await cli('report', 'latest', '--db', 'merged.db', '-o', 'merged.json')).code).toBe(1);
    expect(readFileSync(join(dir, 'merged.json'), 'utf8')).toBe(before);
    const runs = await cli('runs', '--db', 'merged.db');
    expect(runs.stdout.trimEnd().split('\n')).toHaveLength(2);
  }, 60_000);

  it('a partial merge says so and does not pass its gate', async () => {
    const r = await cli('merge', shardDb(1), shardDb(3), '-o', 'partial.db');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('\n  shards 1, 3 of 3: partial: shard 2 not merged yet\n');
    const gate = await cli('report', 'latest', '--db', 'partial.db', '--gate', '-o', 'partial.json');
    expect(gate.code).toBe(1);
    expect(gate.stdout.trimEnd().split('\n').at(-1)).toBe('gate not decided: shards 1, 3 of 3: partial; the gates judge the merged run of all shards');
    const partial = read('partial.json');
    expect(partial.summary.gate.checks[0]).toMatchObject({ gate: 'complete', status: 'fail', thresholdText: 'all 3 shards' });
    expect(partial.summary.gate.partial).toBe('shards 1, 3 of 3: partial');
    expectValidReport(partial);
  }, 60_000);

  it('refuses shards of another suite, and input that is not a shard: exit 2, a clear message, nothing written', async () => {
    expect((await cli('eval', 'other.yaml', '--repeat', '2', '--shard', '2/3', '--db', 'other.db')).code).toBe(0);
    const other = await refused('merge', shardDb(1), 'other.db', '-o', 'mixed.db');
    noStack(other);
    expect([other.code, other.stdout]).toEqual([2, '']);
    expect(other.stderr).toMatch(/^llmlab: \S+llmlab\.shard-1-of-3\.db and \S+other\.db hold shards of different runs: different suites or suite versions: \S+strict\.yaml \(suite hash [0-9a-f]{12}, 48 cells\) and \S+other\.yaml \(suite hash [0-9a-f]{12}, 48 cells\)\n {2}hint: merge the shards of one suite, all run from the same version of it\n$/);
    const repeat = await cli('eval', 'strict.yaml', '--shard', '2/3', '--db', 'repeat1.db');
    expect(repeat.code).toBe(0);
    const mixed = await refused('merge', shardDb(1), 'repeat1.db', '-o', 'mixed.db');
    expect([mixed.code, mixed.stderr.split('\n')[0]]).toEqual([2, expect.stringMatching(/hold shards of different runs: repeat 2 and repeat 1$/)]);
    const whole = await refused('merge', 'whole.db', '-o', 'mixed.db');
    expect([whole.code, whole.stderr.split('\n')[0]]).toEqual([2, expect.stringMatching(/whole\.db holds no shard$/)]);
    const usage = await refused('merge', shardDb(1));
    expect([usage.code, usage.stderr.split('\n')[0]]).toEqual([2, 'llmlab: llmlab merge writes one database: give -o once']);
    expect((await cli('runs', '--db', 'mixed.db')).stdout).toMatch(/^no runs in /);
  }, 60_000);
});

describe('a shard of several suites', () => {
  it('merges the newest suite\'s shard and says what it left out; --suite picks the other', async () => {
    expect((await cli('eval', 'q.yaml', 'other.yaml', '--shard', '1/2', '--db', 'two.db')).code).toBe(0);
    const newest = await cli('merge', 'two.db', '-o', 'two-merged.db');
    expect(newest.code).toBe(0);
    expect(newest.stderr).toBe('two.db: left out 1 sharded run of other runs (q.yaml): each file gives its newest run\'s shards; --suite picks a suite\n');
    const picked = await cli('merge', 'two.db', '--suite', 'q.yaml', '-o', 'two-merged.db');
    // Runs of the suites not asked for are not even considered.
    expect([picked.code, picked.stderr]).toEqual([0, '']);
    expect(picked.stdout).toMatch(/\(new\)\n {2}shard 1 of 2, \d+ of 24 cells/);
    const runs = await cli('runs', '--db', 'two-merged.db');
    expect(runs.stdout).toMatch(/shard 1 of 2 merged +\d+\/\d+ +q\.yaml\n/);
    expect(runs.stdout).toMatch(/shard 1 of 2 merged +\d+\/\d+ +other\.yaml\n/);
  }, 60_000);
});

describe('shards answered from one cache = the unsharded run, exactly', () => {
  it('equal summaries and cells (latencies and the cost frontier included); `--baseline latest` skips the shards', async () => {
    const first = await cli('eval', 'q.yaml', '--db', 'all.db', '-o', 'first.json');
    expect(first.code).toBe(0);
    // One machine, one database for every shard: the merge takes all three from the one file.
    for (const k of SHARDS) expect((await cli('eval', 'q.yaml', '--db', 'all.db', '--shard', `${k}/3`)).code).toBe(0);
    const again = await cli('eval', 'q.yaml', '--db', 'all.db', '--baseline', 'latest', '-o', 'again.json');
    expect(again.code).toBe(0);
    expect((await cli('merge', 'all.db', '-o', 'cached.db')).code).toBe(0);
    const report = await cli('report', 'latest', '--db', 'cached.db', '-o', 'cached.json', '--gate');
    expect(report.code).toBe(0);
    expect(report.stdout.trimEnd().split('\n').at(-1)).toBe('gate passed (1 gate checked)');

    const [a, b] = [read('again.json'), read('cached.json')];
    // The newest whole run was the baseline, not the newest run (shard 3/3).
    expect(a.summary.gate.baseline).toEqual({ runId: read('first.json').run.id, ref: 'latest' });
    expect(b.summary.cells).toBe(24);
    expect(b.summary.cachedCells).toBe(24);
    expect(without(b.summary, ['baseline'])).toEqual(without(a.summary, ['baseline']));
    expect(b.cells).toEqual(a.cells);
  }, 60_000);
});
