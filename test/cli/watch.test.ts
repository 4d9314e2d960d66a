/**
 * `llmlab eval --watch` as a child process against the fake OpenAI server: an edit re-runs only the cells it
 * changed (counted at the server), the diff against the previous iteration is printed, a broken suite shows its
 * error with line:col and the watch goes on, and a change during a run cancels the stale iteration. The eval
 * flags in watch mode are in watch-flags.test.ts.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOpenAI, type FakeServer } from '../fakes/index.js';
import { runCli } from './run-cli.js';
import { count, startWatch, type WatchSession } from './watch-session.js';

let dir: string;
let server: FakeServer;
let session: WatchSession | undefined;

const TESTS = 5;

beforeAll(async () => {
  server = await startFakeOpenAI();
});
afterAll(async () => {
  await server.close();
});
afterEach(async () => {
  await session?.kill();
  session = undefined;
  rmSync(dir, { recursive: true, force: true });
});

function writeProject(tests = TESTS): void {
  dir = mkdtempSync(join(tmpdir(), 'llmlab-watch-'));
  mkdirSync(join(dir, 'prompts'));
  // The fake answers `echo: <prompt>`, so a prompt without "Question" fails the assertion.
  writeFileSync(join(dir, 'prompts/a.txt'), 'Question A: {{ q }}');
  writeFileSync(join(dir, 'prompts/b.txt'), 'Question B: {{ q }}');
  const cases = Array.from({ length: tests }, (_, i) => JSON.stringify({ description: `case ${i}`, vars: { q: `number ${i}` } }));
  writeFileSync(join(dir, 'cases.jsonl'), `${cases.join('\n')}\n`);
  writeFileSync(join(dir, 'suite.yaml'), suiteYaml());
  writeFileSync(join(dir, 'llmlab.config.yaml'), 'concurrency: 2\n');
}

function suiteYaml(): string {
  return (
    `providers:\n  - id: openai:gpt-4o-mini\n    config: { baseUrl: "${server.url}/v1" }\n` +
    `prompts:\n  - { id: a, file: prompts/a.txt }\n  - { id: b, file: prompts/b.txt }\n` +
    `tests: file:cases.jsonl\ndefaultTest:\n  assert: [{ type: contains, value: Question }]\n`
  );
}

function start(): WatchSession {
  session = startWatch(['suite.yaml'], { cwd: dir });
  return session;
}

describe('llmlab eval --watch', () => {
  it('re-runs only the edited prompt, shows the diff, survives a broken suite, and quits with 0', async () => {
    writeProject();
    const w = start();
    await w.waitFor(() => w.runsShown() === 1, 'the first iteration');
    expect(server.requests).toHaveLength(2 * TESTS);
    expect(w.stdout).toMatch(/^\[watch\] first run: 10 of 10 cells run \(0 cached\)$/m);
    expect(w.stdout).toMatch(/\[watch\] 10 model calls, 0 answered from the cache/);
    expect(w.stdout).toMatch(/\[watch\] run \S+ done · watching 5 files \(Ctrl-C to quit\)/);
    // suite.yaml, both prompt files, cases.jsonl and llmlab.config.yaml.

    let before = server.requests.length;
    writeFileSync(join(dir, 'prompts/a.txt'), 'Answer A: {{ q }}');
    await w.waitFor(() => w.runsShown() === 2, 'the iteration after editing prompts/a.txt');
    // Only prompt a's cells went to the model; b's came from the cache.
    expect(server.requests.length - before).toBe(TESTS);
    expect(server.requests.slice(before).every((r) => JSON.stringify(r.body.messages).includes('Answer A'))).toBe(true);
    expect(w.stdout).toMatch(/\[watch\] iteration 2: prompts\/a\.txt changed/);
    // The first line of the results: what changed and how many cells called a model.
    expect(w.stdout).toMatch(/^\[watch\] prompts\/a\.txt changed: 5 of 10 cells re-run \(5 cached\)$/m);
    expect(w.stdout).toMatch(/\[watch\] 5 model calls, 5 answered from the cache/);
    expect(w.stdout).toMatch(/since run \S+: 5 pass → fail, 0 fail → pass \(10 cells compared\)/);
    expect(w.stdout).toMatch(/ {2}a × openai:gpt-4o-mini {2}100\.0% → 0\.0% {2}\(−100\.0 pts\)/);
    expect(w.stdout).toMatch(/ {2}1 other prompt × provider unchanged/);
    expect(w.stdout).toMatch(/ {2}pass → fail {2}a × openai:gpt-4o-mini {2}\S+ "case 0" {2}\(pass → fail\)/);
    expect(w.stdout).toMatch(/updated \d+ ms after the change/);

    // A broken suite: the error with file:line:col, and the watch keeps going.
    before = server.requests.length;
    writeFileSync(join(dir, 'suite.yaml'), `${suiteYaml()}defaultTest: [oops\n`);
    // stderr and stdout are separate pipes: either line may arrive first.
    await w.waitFor(
      () => /llmlab: suite\.yaml:\d+:\d+: /.test(w.stderr) && /\[watch\] fix the error and save; watching \d+ files/.test(w.stdout),
      'the YAML error and the watch going on',
    );

    // Fixed, with prompt a restored: everything comes from the cache and the diff shows the fixes.
    writeFileSync(join(dir, 'prompts/a.txt'), 'Question A: {{ q }}');
    writeFileSync(join(dir, 'suite.yaml'), suiteYaml());
    await w.waitFor(() => w.runsShown() === 3, 'the iteration after the fix');
    expect(server.requests.length - before).toBe(0);
    expect(w.stdout).toMatch(/\[watch\] 0 model calls, 10 answered from the cache/);
    expect(w.stdout).toMatch(/since run \S+: 0 pass → fail, 5 fail → pass/);

    // llmlab.config.yaml is watched too.
    writeFileSync(join(dir, 'llmlab.config.yaml'), 'concurrency: 3\n');
    await w.waitFor(() => w.runsShown() === 4, 'the iteration after editing llmlab.config.yaml');
    expect(w.stdout).toMatch(/no verdict changed since run \S+ \(10 cells compared\)/);
    expect(server.requests.length - before).toBe(0);

    w.child.kill('SIGINT');
    expect(await w.exited()).toBe(0);
    // Not a terminal: no screen clearing, no key hints (keys are read on a terminal only).
    expect(w.stdout).not.toContain('\u001b');
    expect(w.stdout).not.toContain('press a to re-run all');

    // Every iteration is a stored run: llmlab compare works across them.
    const compared = await runCli(['compare', 'latest~3', 'latest~2'], { cwd: dir });
    expect(compared.code, compared.stderr).toBe(0);
    expect(compared.stdout).toMatch(/regressed \(pass → fail\/error\): 5/);
  });

  it('re-runs nothing for a touch, and shows an edited test’s new verdict although its id changed', async () => {
    writeProject();
    const w = start();
    await w.waitFor(() => w.runsShown() === 1, 'the first iteration');
    const before = server.requests.length;

    // A touch and a save of the same bytes: no content changed.
    const later = new Date(Date.now() + 60_000);
    utimesSync(join(dir, 'suite.yaml'), later, later);
    writeFileSync(join(dir, 'prompts/b.txt'), 'Question B: {{ q }}');
    // The positive signal: a real edit of case 1 (new vars, so a new test id) that makes it fail.
    const cases = readFileSync(join(dir, 'cases.jsonl'), 'utf8').split('\n');
    cases[1] = JSON.stringify({ description: 'case 1', vars: { q: 'number one' }, assert: [{ type: 'contains', value: 'zzz' }] });
    writeFileSync(join(dir, 'cases.jsonl'), cases.join('\n'));
    await w.waitFor(() => w.runsShown() === 2, 'the iteration after editing case 1');

    // One iteration for the edit, none for the touch, and it names only the edited file.
    expect(count(w.stdout, /\[watch\] iteration \d+/)).toBe(2);
    expect(w.stdout).toMatch(/^\[watch\] cases\.jsonl changed: 2 of 10 cells re-run \(8 cached\)$/m);
    expect(server.requests.length - before).toBe(2);
    // Its cells pair with no cell of the run before (new id), so the edit is shown as an edit with old → new verdicts.
    expect(w.stdout).toMatch(/^no verdict changed since run \S+ \(8 cells compared\)$/m);
    expect(w.stdout).toMatch(/^tests changed: 1 edited$/m);
    expect(w.stdout).toMatch(/^ {2}edited {2}a × openai:gpt-4o-mini {2}\S+ "case 1" {2}\(pass → fail\)$/m);
    expect(w.stdout).toMatch(/^ {2}edited {2}b × openai:gpt-4o-mini {2}\S+ "case 1" {2}\(pass → fail\)$/m);
    expect(w.stdout).not.toMatch(/removed|added/);
  });

  it('cancels a stale iteration when a change lands mid-run, and a quit mid-run saves it and exits 130', async () => {
    writeProject(40);
    server.setBehaviour({ latencyMs: 60 });
    try {
      const w = start();
      await w.waitFor(() => /run \S+: 80 cells/.test(w.stderr) && server.requests.length >= 4, 'the first run to be under way');
      const before = server.requests.length;
      writeFileSync(join(dir, 'prompts/b.txt'), 'Question B, briefly: {{ q }}');
      await w.waitFor(() => /\[watch\] run \S+ cancelled: a newer change arrived/.test(w.stdout), 'the stale run to be cancelled');
      // Dispatch stopped after the debounce: a handful of calls (2 in flight at a time), not the ~70 left.
      expect(server.requests.length - before).toBeLessThan(20);
      const cancelledAt = server.requests.length;
      await w.waitFor(
        () => /run \S+: 80 cells/.test(w.stderr.slice(w.stderr.indexOf('interrupted in'))) && server.requests.length >= cancelledAt + 4,
        'the next run to be under way',
      );
      w.child.kill('SIGINT');
      expect(await w.exited()).toBe(130);
      expect(w.stderr).toMatch(/stopping: finishing calls in flight and saving/);
      expect(w.stderr).toMatch(/interrupted: resume with `llmlab eval suite\.yaml --resume \S+`/);
      expect(w.runsShown()).toBe(0);
    } finally {
      server.setBehaviour({ latencyMs: 0 });
    }
  });

  it('refuses --resume, more than one suite, and bad flag values before anything runs (exit 2)', async () => {
    writeProject(1);
    const before = server.requests.length;
    const resumed = await runCli(['eval', 'suite.yaml', '--watch', '--resume'], { cwd: dir });
    expect(resumed.code).toBe(2);
    expect(resumed.stderr).toMatch(/--watch cannot be combined with --resume/);
    expect(resumed.stderr).toMatch(/hint: watch mode starts a new run per change; resume an interrupted run without --watch/);
    writeFileSync(join(dir, 'other.yaml'), readFileSync(join(dir, 'suite.yaml')));
    const two = await runCli(['eval', 'suite.yaml', 'other.yaml', '--watch'], { cwd: dir });
    expect(two.code).toBe(2);
    expect(two.stderr).toMatch(/--watch takes exactly one suite, got 2/);
    const bad: Array<[string[], RegExp]> = [
      [['--baseline', 'no-such-run'], /--baseline `no-such-run` names no stored run, report file or git commit/],
      [['--budget-usd', 'lots'], /--budget-usd must be a positive number of dollars/],
      [['--output-stream', 'prompts'], /cannot open --output-stream file `prompts`/],
      [['-o', 'report.pdf'], /unknown report format `\.pdf`/],
      [['-j', '0'], /--concurrency must be a positive integer/],
    ];
    for (const [flags, message] of bad) {
      const r = await runCli(['eval', 'suite.yaml', '--watch', ...flags], { cwd: dir });
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(message);
    }
    expect(server.requests.length - before).toBe(0);
  });
});
