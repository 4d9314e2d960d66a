/**
 * `llmlab eval --shard k/n` and `llmlab plan --shard k/n` as a user runs them: the flag is checked (exit 2, one clear
 * line), a shard runs in its own database and exits 0 whatever its partial gates say, its reports say
 * `shard k/n: partial`, and `--resume` continues the shard it was.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseShard, shardDbPath } from '../../src/cli/shard-flag.js';
import { LlmlabError } from '../../src/errors.js';
import { runCli, type CliResult } from './run-cli.js';

// Tests below that pass their own time limit (30 or 60 s) run several CLI processes in sequence: on a loaded 2-core
// machine that can outlast the e2e project's 20 s. The limit only bounds a hang; a passing test never waits it out.

const ROOT = new URL('../../', import.meta.url).pathname;
let dir: string;
const cli = (...args: string[]) => runCli(args, { cwd: dir });
const noStack = (r: CliResult) => expect(r.stderr).not.toMatch(/\n\s+at /);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'llmlab-shard-'));
  cpSync(join(ROOT, 'suites/quickstart.yaml'), join(dir, 'q.yaml'));
  writeFileSync(join(dir, 'llmlab.config.yaml'), 'suites: [q.yaml]\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('--shard k/n', () => {
  it.each([
    ['0/3', '--shard must have 1 ≤ k ≤ n, got `0/3`'],
    ['4/3', '--shard must have 1 ≤ k ≤ n, got `4/3`'],
    ['1/0', '--shard splits into 1 to 10000 shards, got n = 0 in `1/0`'],
    ['1/10001', '--shard splits into 1 to 10000 shards, got n = 10001 in `1/10001`'],
    ['two/8', '--shard must be k/n, got `two/8`'],
    ['2', '--shard must be k/n, got `2`'],
    [true, '--shard needs a value: k/n'],
  ])('refuses `--shard %s` with a USAGE error that says what is wrong', (value, message) => {
    const error = (() => {
      try {
        parseShard(value);
      } catch (e) {
        return e;
      }
    })() as LlmlabError;
    expect([error, error.code, error.message]).toEqual([expect.any(LlmlabError), 'USAGE', message]);
  });

  it('accepts k/n with 1 ≤ k ≤ n ≤ 10000', () => {
    expect([parseShard('2/8'), parseShard(' 10000/10000 '), parseShard('1/1'), parseShard(undefined)]).toEqual([
      { index: 2, count: 8 }, { index: 10_000, count: 10_000 }, { index: 1, count: 1 }, undefined,
    ]);
  });

  // Errors before anything runs: main() in this process.
  it('a bad --shard exits 2 before running anything: one line and a hint, no stack', async () => {
    const r = await runCli(['eval', 'q.yaml', '--shard', '4/3'], { cwd: dir });
    noStack(r);
    expect([r.code, r.stdout]).toEqual([2, '']);
    expect(r.stderr).toBe('llmlab: --shard must have 1 ≤ k ≤ n, got `4/3`\n  hint: give k/n with 1 ≤ k ≤ n ≤ 10000, e.g. `--shard 2/8` for the second of eight shards\n');
  });

  it('refuses --shard with --watch, and a shard given twice', async () => {
    const watch = await runCli(['eval', 'q.yaml', '--shard', '1/2', '--watch'], { cwd: dir });
    expect([watch.code, watch.stderr.split('\n')[0]]).toEqual([2, 'llmlab: --watch and --shard do not go together']);
    const twice = await runCli(['plan', 'q.yaml', '--shard', '1/2', '--shard', '2/2'], { cwd: dir });
    expect([twice.code, twice.stderr.split('\n')[0]]).toEqual([2, 'llmlab: --shard takes one value']);
    expect(existsSync(join(dir, '.llmlab'))).toBe(false);
  });

  it('plan --shard shows each shard\'s cells; together they are the suite\'s', async () => {
    const counts: number[] = [];
    for (const k of [1, 2, 3]) {
      const r = await cli('plan', 'q.yaml', '--shard', `${k}/3`);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('  cells: 24 (3 providers × 2 prompts × 4 tests × 1 repeat)\n');
      const m = new RegExp(`\\n {2}shard ${k}/3: (\\d+) of 24 cells \\(chosen by a hash of each cell's identity; the same on every machine\\)\\n {2}nodes: (\\d+) generate`).exec(r.stdout);
      expect(m, r.stdout).not.toBeNull();
      expect(m![2]).toBe(m![1]);
      expect(r.stdout).toContain(`  cached: 0 of ${m![1]} cells`);
      counts.push(Number(m![1]));
    }
    expect(counts.reduce((a, b) => a + b, 0)).toBe(24);
  }, 60_000);

  it('names a shard\'s own database after the project\'s, unless --db says otherwise', () => {
    expect(shardDbPath('/p/.llmlab/llmlab.db', { index: 2, count: 8 })).toBe('/p/.llmlab/llmlab.shard-2-of-8.db');
    expect(shardDbPath('/p/cache', { index: 1, count: 3 })).toBe('/p/cache.shard-1-of-3.db');
  });
});

describe('llmlab eval --shard', () => {
  let runId: string;
  let cells: number;
  const db = () => join(dir, '.llmlab/llmlab.shard-2-of-3.db');

  it('runs the shard in its own database and exits 0 though its partial gate cannot pass; the report says partial', async () => {
    const r = await cli('eval', 'q.yaml', '--shard', '2/3', '-o', 'shard.json', '-o', 'shard.md');
    noStack(r);
    expect(r.code).toBe(0);
    expect(existsSync(db())).toBe(true);
    expect(existsSync(join(dir, '.llmlab/llmlab.db'))).toBe(false);
    const report = JSON.parse(readFileSync(join(dir, 'shard.json'), 'utf8'));
    runId = report.run.id;
    cells = report.cells.length;
    expect(report.run.shard).toEqual({ count: 3, present: [{ index: 2, cells }], merged: false, suiteCells: 24 });
    expect(report.summary.gate).toMatchObject({ passed: false, partial: 'shard 2/3: partial' });
    expect(report.summary.gate.checks[0]).toMatchObject({
      gate: 'complete',
      status: 'fail',
      measured: 24 - cells,
      measuredText: `shard 2/3: partial, ${cells} of 24 cells`,
      thresholdText: 'all 3 shards',
    });
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines.at(-1)).toBe('shard 2/3 stored in .llmlab/llmlab.shard-2-of-3.db; merge the shards with `llmlab merge`');
    expect(lines.at(-2)).toBe('gate not decided: shard 2/3: partial; the gates judge the merged run of all shards');
    expect(r.stdout).toContain(`\ngate complete: FAIL — shard 2/3: partial, ${cells} of 24 cells, threshold all 3 shards: shard 2/3: partial: the other 2 shards hold ${24 - cells} cells; merge all 3 (\`llmlab merge\`) and gate the merged run\n`);
    expect(readFileSync(join(dir, 'shard.md'), 'utf8')).toContain('shard 2/3: partial: the other 2 shards hold');
  }, 60_000);

  it('re-renders a shard as partial, and lists it as a shard', async () => {
    const report = await cli('report', 'latest', '--db', db(), '--gate');
    expect(report.code).toBe(1);
    expect(report.stdout.split('\n')[0]).toBe(`run ${runId} (completed, shard 2/3: partial)`);
    expect(report.stdout.trimEnd().split('\n').at(-1)).toBe('gate not decided: shard 2/3: partial; the gates judge the merged run of all shards');
    const runs = await cli('runs', '--db', db());
    expect(runs.stdout).toMatch(new RegExp(`\\n${runId} .* completed, shard 2/3 +${cells}/${cells} +q\\.yaml\\n`));
  }, 60_000);

  it('--resume continues the shard within the shard, and refuses to resume it as anything else', async () => {
    const raw = new Database(db());
    raw.prepare('DELETE FROM results WHERE rowid IN (SELECT rowid FROM results ORDER BY seq DESC LIMIT 3)').run();
    raw.prepare(`UPDATE runs SET status = 'interrupted'`).run();
    raw.close();
    const whole = await cli('eval', 'q.yaml', '--resume', '--db', db());
    expect([whole.code, whole.stderr.split('\n')[0]]).toEqual([2, expect.stringMatching(/^llmlab: no unfinished run of .*q\.yaml to resume$/)]);
    const other = await cli('eval', 'q.yaml', '--resume', runId, '--shard', '1/3', '--db', db());
    expect([other.code, other.stderr]).toEqual([2, `llmlab: run ${runId} is shard 2/3\n  hint: resume it with \`--shard 2/3\`\n`]);
    const resumed = await cli('eval', 'q.yaml', '--shard', '2/3', '--resume');
    noStack(resumed);
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).toMatch(new RegExp(`run ${runId}: ${cells} cells \\(${cells - 3} already done, resuming\\)`));
    const check = new Database(db(), { readonly: true });
    expect(check.prepare('SELECT count(*) AS n, min(status) AS s FROM results').get()).toEqual({ n: cells, s: expect.any(String) });
    expect(check.prepare('SELECT status FROM runs').all()).toEqual([{ status: 'completed' }]);
    check.close();
  }, 60_000);
});
