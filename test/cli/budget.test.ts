/**
 * Budgets and cost from the command line: the offline example stops with the budget line and exit 1 and its
 * suggested resume finishes it; a bad budget is exit 2 at file:line:col; `llmlab plan`'s estimate against the
 * tokens a run really used on the fake server; `llmlab cost` over runs on different days.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/index.js';
import { startFakeOpenAI, type FakeServer } from '../fakes/index.js';
import { runCli } from './run-cli.js';

// Tests below that pass their own time limit (30 or 60 s) run several CLI processes in sequence: on a loaded 2-core
// machine that can outlast the e2e project's 20 s. The limit only bounds a hang; a passing test never waits it out.

const root = new URL('../../', import.meta.url).pathname;
let dir: string;
let server: FakeServer;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'llmlab-budget-cli-'));
  server = await startFakeOpenAI();
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('suites/examples/budget.yaml', () => {
  it('stops with the budget line and exit 1, and the resume it suggests finishes the run', async () => {
    const example = join(root, 'suites/examples/budget.yaml');
    const plan = await runCli(['plan', example], { cwd: dir });
    expect(plan.code).toBe(0);
    expect(plan.stdout).toMatch(/may stop: worst case \$\S+ > budget \$0\.05/);
    const first = await runCli(['eval', example, '-o', join(dir, 'stopped.json')], { cwd: dir });
    expect(first.code).toBe(1);
    // The report must not call a run the budget cut short a pass: CI reads the gate, not the exit code alone.
    const stopped = JSON.parse(readFileSync(join(dir, 'stopped.json'), 'utf8'));
    expect(stopped.summary.gate.passed).toBe(false);
    expect(stopped.summary.gate.checks[0]).toMatchObject({ gate: 'complete', status: 'fail' });
    expect(first.stdout).toMatch(/^gate complete: FAIL — \d+ cells skipped by the budget/m);
    const line = /^budget: stopped at \$(\S+) of \$0\.05; (\d+) cells skipped; resume with `llmlab eval (\S+) --resume (\S+) --budget-usd (\S+)`$/m.exec(first.stderr);
    expect(line, first.stderr).not.toBeNull();
    expect(Number(line![1])).toBeLessThanOrEqual(0.05);
    expect(Number(line![2])).toBeGreaterThan(0);
    const resumed = await runCli(['eval', line![3]!, '--resume', line![4]!, '--budget-usd', line![5]!], { cwd: dir });
    expect(resumed.stderr).not.toMatch(/^budget:/m);
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).toContain(`(${20 - Number(line![2])} already done, resuming)`);
  }, 60_000);
});

describe('budget config errors', () => {
  // Errors while the suite loads, before anything runs: main() in this process.
  it('exits 2 naming file:line:col for a bad value and for a perProvider key that is no provider', async () => {
    const suite = join(dir, 'bad-budget.yaml');
    writeFileSync(
      suite,
      ['providers: [mock]', 'prompts: [hi]', 'tests: [{}]', 'budget:', '  onExceed: halt', '  perProvider:', '    mokc: 1', ''].join('\n'),
    );
    const r = await runCli(['eval', suite], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad-budget\.yaml:5:\d+: .*onExceed/);
    const unknown = join(dir, 'unknown-provider-budget.yaml');
    writeFileSync(unknown, ['providers: [mock]', 'prompts: [hi]', 'tests: [{}]', 'budget:', '  perProvider:', '    mokc: 1', ''].join('\n'));
    const u = await runCli(['eval', unknown], { cwd: dir });
    expect(u.code).toBe(2);
    expect(u.stderr).toContain('unknown-provider-budget.yaml:6:5: budget.perProvider names `mokc`, which is not a provider of this suite');
    expect(u.stderr).toContain('hint: providers of this suite: `mock`');
    const flag = await runCli(['eval', unknown, '--budget-usd', 'lots'], { cwd: dir });
    expect(flag.code).toBe(2);
  });
});

describe('llmlab plan: estimates against what a run used', () => {
  it('estimates input tokens with the tokenizer at or above the fake server’s counts, and bounds output by maxTokens', async () => {
    server.setBehaviour({ answer: () => 'echo a fairly long answer that the max tokens limit will cut off early' });
    const suite = join(dir, 'estimate.yaml');
    const questions = ['What is the capital of France?', 'Name three primary colours.', 'Summarise the plot of Hamlet in one line.'];
    writeFileSync(
      suite,
      [
        'providers:',
        `  - { id: 'openai:gpt-4o-mini', config: { baseUrl: '${server.url}/v1', maxTokens: 6 } }`,
        "prompts: ['Answer: {{ question }}']",
        'budget: { maxUsd: 1 }',
        'tests:',
        ...questions.map((q) => `  - vars: { question: '${q}' }`),
        '',
      ].join('\n'),
    );
    const env = { OPENAI_API_KEY: 'sk-test' };
    const plan = await runCli(['plan', suite], { cwd: dir, env });
    expect(plan.code).toBe(0);
    const estimated = /~(\d+) input tokens \(tokenizer\); output ≤ 6 tokens per call/.exec(plan.stdout);
    expect(estimated, plan.stdout).not.toBeNull();
    expect(plan.stdout).toMatch(/budget \$1\.00 covers the worst case \$0\.\d+/);
    const report = join(dir, 'estimate.json');
    const run = await runCli(['eval', suite, '-o', report], { cwd: dir, env });
    expect(run.stderr).not.toMatch(/^budget:/m);
    const summary = JSON.parse(readFileSync(report, 'utf8')).summary;
    // The fake counts words, fewer than real tokens: the estimate is an upper bound here, and within 4x.
    expect(Number(estimated![1])).toBeGreaterThanOrEqual(summary.tokens.input);
    expect(Number(estimated![1])).toBeLessThan(summary.tokens.input * 4);
    expect(summary.tokens.output).toBeLessThanOrEqual(3 * 6);
    expect(summary.costPerPass === null || summary.costPerPass > 0).toBe(true);
    expect(summary.pareto).toMatchObject({ tolerancePoints: 5, recommendation: null });
  }, 60_000);
});

describe('llmlab cost', () => {
  it('adds up spend by suite, provider and day from the results, leaving out cached answers', async () => {
    const db = join(dir, 'cost.db');
    const store = openStore(db);
    const day = (iso: string) => Date.parse(`${iso}T12:00:00Z`);
    const options = { concurrency: 1, repeat: 1, cache: true, llmlabVersion: 'test' };
    const runs = [
      { suite: '/s/a.yaml', at: day('2026-11-20'), cells: [['openai:gpt-4o', 0.5, false], ['mock', 0, false]] },
      { suite: '/s/a.yaml', at: day('2026-11-21'), cells: [['openai:gpt-4o', 0.25, false], ['openai:gpt-4o', 0.25, true]] },
      { suite: '/s/b.yaml', at: day('2026-11-21'), cells: [['anthropic:claude', 1, false]] },
    ] as const;
    for (const r of runs) {
      const run = store.runs.create({ suitePath: r.suite, suiteHash: 'h', totalCells: r.cells.length, options });
      store.db.prepare('UPDATE runs SET created_at = ? WHERE id = ?').run(r.at, run.id);
      r.cells.forEach(([providerId, cost, cached], i) =>
        store.results.put(run.id, {
          cellId: `c${i}`, providerId, providerLabel: providerId, promptId: 'p', testId: `t${i}`, testIndex: i, repeatIndex: 0,
          vars: {}, prompt: 'x', output: 'y', status: 'pass', score: 1, latencyMs: 1, cost, cached,
          usage: { input: 10, output: 5, total: 15 },
          assertions: [{ type: 'llm-rubric', metric: 'llm-rubric', pass: true, score: 1, weight: 1, cost: 0.125 }],
        }, i),
      );
    }
    store.close();
    const byDay = await runCli(['cost', '--by', 'day', '--db', db, '--json'], { cwd: dir });
    expect(byDay.code).toBe(0);
    const rows = JSON.parse(byDay.stdout) as { key: string; runs: number; totalUsd: number; calls: number }[];
    expect(rows.map((r) => [r.key, r.runs, r.calls])).toEqual([['2026-11-20', 1, 2], ['2026-11-21', 2, 2]]);
    // Day 2: 0.25 + 1 generation (the cached 0.25 is not spent again) + 3 × 0.125 grading.
    expect(rows[1]!.totalUsd).toBeCloseTo(1.25 + 0.375, 12);
    const bySuite = await runCli(['cost', '--db', db], { cwd: '/' });
    expect(bySuite.stdout).toMatch(/^s\/b\.yaml\s+1\s+1\s+1\s+10\s+5\s+\$1\.00\s+\$0\.125\s+\$1\.13$/m);
    // Generation 0.5 + 0 + 0.25 + 1 (the cached 0.25 left out); grading 5 × 0.125.
    expect(bySuite.stdout).toMatch(/^total\s+3\s+5\s+4\s+40\s+20\s+\$1\.75\s+\$0\.625\s+\$2\.38$/m);
    const since = await runCli(['cost', '--by', 'provider', '--since', '2026-11-21', '--db', db, '--json'], { cwd: dir });
    expect((JSON.parse(since.stdout) as { key: string }[]).map((r) => r.key)).toEqual(['anthropic:claude', 'openai:gpt-4o']);
    const bad = await runCli(['cost', '--since', 'last tuesday', '--db', db], { cwd: dir });
    expect(bad.code).toBe(2);
  }, 60_000);
});
