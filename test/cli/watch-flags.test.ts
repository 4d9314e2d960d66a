/**
 * Every `llmlab eval` flag in watch mode, through the real CLI against the fake OpenAI server: `--baseline` is
 * resolved once and each re-run's comparison and gates use it; `-o` and `--output-stream` are rewritten per run;
 * `--repeat`, `-j` and `--estimate` reach each run; `--budget-usd` cuts a run short and the next save starts with a
 * fresh budget; `--allow-code-execution` lets a HumanEval suite load; `--no-cache` reads only this session's answers.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOpenAI, type FakeServer } from '../fakes/index.js';
import { runCli } from './run-cli.js';
import { startWatch, type WatchSession } from './watch-session.js';

// Tests below that pass their own time limit (30 or 60 s) run several CLI processes in sequence: on a loaded 2-core
// machine that can outlast the e2e project's 20 s. The limit only bounds a hang; a passing test never waits it out.

let dir: string;
let server: FakeServer;
let session: WatchSession | undefined;

beforeAll(async () => {
  server = await startFakeOpenAI();
});
afterAll(async () => {
  await server.close();
});
afterEach(async () => {
  await session?.kill();
  session = undefined;
  server.setBehaviour({ answer: undefined });
  rmSync(dir, { recursive: true, force: true });
});

/** Two prompt files × `tests` cases; the fake answers `echo: <prompt>`, so a prompt without "Question" fails. */
function writeProject(options: { tests?: number; suiteExtra?: string; config?: string; promptA?: string } = {}): void {
  dir = mkdtempSync(join(tmpdir(), 'llmlab-watch-flags-'));
  mkdirSync(join(dir, 'prompts'));
  writeFileSync(join(dir, 'prompts/a.txt'), options.promptA ?? 'Question A: {{ q }}');
  writeFileSync(join(dir, 'prompts/b.txt'), 'Question B: {{ q }}');
  const cases = Array.from({ length: options.tests ?? 3 }, (_, i) => JSON.stringify({ description: `case ${i}`, vars: { q: `number ${i}` } }));
  writeFileSync(join(dir, 'cases.jsonl'), `${cases.join('\n')}\n`);
  writeFileSync(
    join(dir, 'suite.yaml'),
    `providers:\n  - id: openai:gpt-4o-mini\n    config: { baseUrl: "${server.url}/v1" }\n` +
      `prompts:\n  - { id: a, file: prompts/a.txt }\n  - { id: b, file: prompts/b.txt }\n` +
      `tests: file:cases.jsonl\ndefaultTest:\n  assert: [{ type: contains, value: Question }]\n${options.suiteExtra ?? ''}`,
  );
  writeFileSync(join(dir, 'llmlab.config.yaml'), options.config ?? 'concurrency: 2\n');
}

function watch(args: string[]): WatchSession {
  session = startWatch(['suite.yaml', ...args], { cwd: dir });
  return session;
}

/** Run ids of the `[watch] run … done` lines, in order. */
const shownRuns = (w: WatchSession) => [...w.stdout.matchAll(/\[watch\] run (\S+) (?:done|cut short)/g)].map((m) => m[1]!);
const lines = (file: string) => readFileSync(join(dir, file), 'utf8').trim().split('\n');

describe('llmlab eval --watch with eval flags', () => {
  it('compares every re-run with the one --baseline, and rewrites -o and --output-stream after each run', async () => {
    writeProject({ suiteExtra: 'gates: { maxRegression: 0, requireSignificance: false }\n' });
    const plain = await runCli(['eval', 'suite.yaml'], { cwd: dir });
    expect(plain.code, plain.stderr).toBe(0);
    const baselineId = /run (\S+): 6 cells/.exec(plain.stderr)![1]!;

    const w = watch(['--baseline', 'latest', '-o', 'out/report.json', '-o', 'out/report.md', '--output-stream', 'out/cells.jsonl',
      '--repeat', '2', '-j', '1', '--estimate']);
    await w.waitFor(() => w.runsShown() === 1, 'the first run');
    // --repeat 2: 2 prompts × 3 tests × 2 repeats.
    expect(w.stderr).toMatch(/run \S+: 12 cells/);
    expect(w.stdout).toMatch(/^baseline latest$/m);
    expect(w.stdout).toContain(`A  ${baselineId}  suite.yaml`);
    expect(w.stdout).toMatch(/^gate maxRegression: pass/m);
    expect(w.stdout).toMatch(/^estimate vs actual/m);
    let report = JSON.parse(readFileSync(join(dir, 'out/report.json'), 'utf8'));
    expect(report.run.id).toBe(shownRuns(w)[0]);
    expect(report.run.options).toMatchObject({ concurrency: 1, repeat: 2 });
    expect(report.run.options.estimates).toBeDefined();
    expect(lines('out/cells.jsonl')).toHaveLength(12);

    // A regression against the baseline fails its gate; the reports and the stream now hold this run.
    writeFileSync(join(dir, 'prompts/a.txt'), 'Answer A: {{ q }}');
    await w.waitFor(() => w.runsShown() === 2, 'the run after breaking prompt a');
    const second = w.stdout.slice(w.stdout.indexOf('[watch] iteration 2'));
    expect(second).toMatch(/^gate maxRegression: FAIL/m);
    expect(second).toMatch(/^gate failed: .*maxRegression/m);
    report = JSON.parse(readFileSync(join(dir, 'out/report.json'), 'utf8'));
    expect(report.run.id).toBe(shownRuns(w)[1]);
    expect(report.summary.gate.passed).toBe(false);
    expect(readFileSync(join(dir, 'out/report.md'), 'utf8')).toContain(shownRuns(w)[1]);
    const streamed = lines('out/cells.jsonl').map((l) => JSON.parse(l) as { prompt: string });
    expect(streamed).toHaveLength(12);
    expect(streamed.filter((c) => c.prompt.startsWith('Answer A'))).toHaveLength(6);

    // An edit that changes no verdict: nothing changed since the previous run, yet the gate still compares with
    // the baseline resolved at the start (not with the previous run, which would pass).
    writeFileSync(join(dir, 'prompts/b.txt'), 'Question B, again: {{ q }}');
    await w.waitFor(() => w.runsShown() === 3, 'the run after editing prompt b');
    const third = w.stdout.slice(w.stdout.indexOf('[watch] iteration 3'));
    expect(third).toMatch(/no verdict changed since run \S+/);
    expect(third).toContain(`A  ${baselineId}  suite.yaml`);
    expect(third).toMatch(/^gate maxRegression: FAIL/m);

    w.child.kill('SIGINT');
    expect(await w.exited()).toBe(0);
  }, 60_000);

  it('limits each run with --budget-usd (over llmlab.config.yaml budget), says so, and the next save has a fresh budget', async () => {
    // 200 output tokens at $100 per million: $0.02 a call, so $0.05 pays for two calls of four.
    server.setBehaviour({ answer: () => `Question ${'word '.repeat(400)}` });
    writeProject({
      tests: 2,
      config: 'concurrency: 2\nbudget: { maxUsd: 10 }\n',
      suiteExtra: 'prices: { "openai:gpt-4o-mini": { input: 100, output: 100 } }\n',
    });
    writeFileSync(join(dir, 'suite.yaml'), readFileSync(join(dir, 'suite.yaml'), 'utf8').replace('baseUrl:', 'maxTokens: 200, baseUrl:'));
    const before = server.requests.length;
    const w = watch(['--budget-usd', '0.05']);
    await w.waitFor(() => w.runsShown() === 1, 'the first run');
    expect(w.stdout).toMatch(
      /\[watch\] run \S+ cut short by the budget \(stopped at \$0\.04\d* of \$0\.05; 2 cells skipped\); the next save runs again with a fresh budget · watching \d+ files/,
    );
    expect(w.stdout).toMatch(/^gate complete: FAIL — 2 cells skipped by the budget/m);
    expect(w.stdout).toMatch(/^\[watch\] first run: 2 of 4 cells run \(0 cached, 2 skipped by the budget\)$/m);
    expect(server.requests.length - before).toBe(2);

    // A save: the two answered cells come from the cache (free), the fresh $0.05 pays for the other two.
    writeFileSync(join(dir, 'suite.yaml'), `${readFileSync(join(dir, 'suite.yaml'), 'utf8')}# saved again\n`);
    await w.waitFor(() => w.runsShown() === 2, 'the run after saving');
    expect(server.requests.length - before).toBe(4);
    expect(w.stdout).toMatch(/\[watch\] 2 model calls, 2 answered from the cache/);
    expect(shownRuns(w)).toHaveLength(2);
    expect(w.stdout).toMatch(/\[watch\] run \S+ done · updated \d+ ms after the change/);
    expect(w.stdout.slice(w.stdout.indexOf('[watch] iteration 2'))).toMatch(/^gate passed/m);
  }, 60_000);

  it('loads a HumanEval suite only with --allow-code-execution', async () => {
    const data = new URL('../fixtures/benchmarks/humaneval/HumanEval.jsonl', import.meta.url).pathname;
    const tasks = readFileSync(data, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { entry_point: string; canonical_solution: string });
    server.setBehaviour({
      answer: (body) => tasks.find((t) => String(body.messages.at(-1).content).includes(`def ${t.entry_point}(`))!.canonical_solution,
    });
    writeProject();
    writeFileSync(
      join(dir, 'suite.yaml'),
      `providers:\n  - id: openai:gpt-4o-mini\n    config: { baseUrl: "${server.url}/v1" }\nprompts: ["{{ prompt }}"]\n` +
        `dataset: { type: humaneval, path: ${data}, timeoutMs: 5000 }\n`,
    );
    const refused = watch([]);
    await refused.waitFor(() => /\[watch\] fix the error and save/.test(refused.stdout), 'the refusal');
    expect(refused.stderr).toMatch(/runs model-written code \(code-exec\), which is off by default/);
    await refused.kill();

    const w = watch(['--allow-code-execution']);
    await w.waitFor(() => w.runsShown() === 1, 'the HumanEval run');
    expect(w.stdout).toMatch(/\[watch\] 3 model calls/);
    expect(w.stdout).toMatch(/^gate passed/m);
  }, 60_000);

  it('with --no-cache reads no answer from before the session, but reuses the session’s own', async () => {
    writeProject({ promptA: 'Old A, Question: {{ q }}' });
    expect((await runCli(['eval', 'suite.yaml'], { cwd: dir })).code).toBe(0);
    writeFileSync(join(dir, 'prompts/a.txt'), 'Question A: {{ q }}');
    let before = server.requests.length;
    const w = watch(['--no-cache']);
    await w.waitFor(() => w.runsShown() === 1, 'the first run');
    // Prompt b's answers were cached by the run before the session: asked again.
    expect(server.requests.length - before).toBe(6);

    before = server.requests.length;
    writeFileSync(join(dir, 'prompts/b.txt'), 'Question B, again: {{ q }}');
    await w.waitFor(() => w.runsShown() === 2, 'the run after editing prompt b');
    expect(server.requests.length - before).toBe(3);
    expect(w.stdout).toMatch(/\[watch\] 3 model calls, 3 answered from the cache/);

    // Back to a prompt the cache knows from before the session: asked again, not read.
    before = server.requests.length;
    writeFileSync(join(dir, 'prompts/a.txt'), 'Old A, Question: {{ q }}');
    await w.waitFor(() => w.runsShown() === 3, 'the run after restoring the old prompt a');
    expect(server.requests.length - before).toBe(3);
    expect(server.requests.slice(before).every((r) => JSON.stringify(r.body.messages).includes('Old A'))).toBe(true);
  }, 60_000);
});
