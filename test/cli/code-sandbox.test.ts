/**
 * The code sandbox through the real CLI: a HumanEval run names its sandbox in the header; a machine without a
 * working bubblewrap (LLMLAB_BWRAP at nothing, or at a bwrap that cannot create namespaces) is refused with
 * exit 2 before any model call unless `--unsafe-code-execution` is given, which runs with a loud warning (also
 * in watch mode); no python3 in the sandbox is a clean CONFIG_INVALID; a suite without code-exec never probes.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeOpenAI, type FakeServer } from '../fakes/index.js';
import { spawnCli } from './run-cli.js';
import { startWatch } from './watch-session.js';

// Tests below that pass their own time limit (30 or 60 s) run several CLI processes in sequence: on a loaded 2-core
// machine that can outlast the e2e project's 20 s. The limit only bounds a hang; a passing test never waits it out.

const DATA = new URL('../fixtures/benchmarks/humaneval/HumanEval.jsonl', import.meta.url).pathname;
const TASKS = readFileSync(DATA, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { entry_point: string; canonical_solution: string });
const REFUSAL = /refusing to run model-written code \(code-exec\) without the bubblewrap sandbox: (.*)/;
let dir: string;
let server: FakeServer;

beforeAll(async () => {
  server = await startFakeOpenAI();
  server.setBehaviour({
    answer: (body) => TASKS.find((t) => String(body.messages.at(-1).content).includes(`def ${t.entry_point}(`))!.canonical_solution,
  });
  // World-readable: the fake bwrap below is run as uid 65534 when the tests run as root.
  dir = mkdtempSync(join(tmpdir(), 'llmlab-code-sandbox-'));
  chmodSync(dir, 0o755);
  writeFileSync(
    join(dir, 'humaneval.yaml'),
    `providers:\n  - id: openai:gpt-4o-mini\n    config: { baseUrl: ${server.url}/v1, maxRetries: 0 }\n` +
      `prompts: ["{{ prompt }}"]\ndataset: { type: humaneval, path: ${DATA}, timeoutMs: 5000 }\n`,
  );
  writeFileSync(
    join(dir, 'plain.yaml'),
    `providers:\n  - id: openai:gpt-4o-mini\n    config: { baseUrl: ${server.url}/v1, maxRetries: 0 }\n` +
      `prompts: ["def add(a, b):"]\ntests:\n  - assert: [{ type: contains, value: return }]\n`,
  );
  // What a container without user namespaces answers, whatever it is asked.
  writeFileSync(join(dir, 'no-userns-bwrap'), '#!/bin/sh\necho "bwrap: No permissions to create new namespace" >&2\nexit 1\n', { mode: 0o755 });
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  server.requests.length = 0;
});

// A real process per run: the sandbox is probed and chosen once per process (LLMLAB_BWRAP, PATH), and each test
// here stands for another machine.
const evalSuite = (suite: string, flags: string[], env: Record<string, string> = {}) =>
  spawnCli(['eval', suite, ...flags, '--db', join(dir, `${Math.random().toString(36).slice(2)}.db`)], { cwd: dir, env });

describe('llmlab eval with code execution', () => {
  it('names the bubblewrap sandbox in the run header and scores in it', async () => {
    const r = await evalSuite('humaneval.yaml', ['--allow-code-execution']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^code sandbox: bubblewrap \d+\.\d+\S*: pid\/net\/user\/ipc\/uts namespaces.*per-cell.*Python 3/m);
    expect(r.stdout).toMatch(/^gate passed/m);
  });

  it('refuses without bubblewrap: exit 2 before any model call, naming the fix', async () => {
    const r = await evalSuite('humaneval.yaml', ['--allow-code-execution'], { LLMLAB_BWRAP: '/nonexistent/bwrap' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(REFUSAL);
    expect(REFUSAL.exec(r.stderr)![1]).toBe('LLMLAB_BWRAP=/nonexistent/bwrap is not an executable file');
    expect(r.stderr).toMatch(/hint: install bubblewrap \(`apt-get install bubblewrap`\).*--unsafe-code-execution/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(server.requests).toHaveLength(0);
  });

  it('refuses when bubblewrap cannot create its namespaces', async () => {
    const r = await evalSuite('humaneval.yaml', ['--allow-code-execution'], { LLMLAB_BWRAP: join(dir, 'no-userns-bwrap') });
    expect(r.code).toBe(2);
    expect(REFUSAL.exec(r.stderr)?.[1]).toBe('bubblewrap cannot create its namespaces here (bwrap: No permissions to create new namespace)');
    expect(server.requests).toHaveLength(0);
  });

  it('runs the weak path with --unsafe-code-execution, and says so loudly', async () => {
    const r = await evalSuite('humaneval.yaml', ['--unsafe-code-execution'], { LLMLAB_BWRAP: '/nonexistent/bwrap' });
    expect(r.code, r.stderr).toBe(0);
    const warnings = r.stderr.split('\n').filter((line) => line.startsWith('WARNING: --unsafe-code-execution'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/WITHOUT the bubblewrap sandbox \(LLMLAB_BWRAP=\/nonexistent\/bwrap is not an executable file\)/);
    expect(r.stdout).toMatch(/^gate passed/m);
  });

  it('keeps bubblewrap with --unsafe-code-execution where it works', async () => {
    const r = await evalSuite('humaneval.yaml', ['--unsafe-code-execution']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^code sandbox: bubblewrap/m);
    expect(r.stderr).not.toMatch(/WARNING/);
  });

  it('is a clean CONFIG_INVALID when no python3 runs in the sandbox', async () => {
    const r = await evalSuite('humaneval.yaml', ['--allow-code-execution'], { LLMLAB_PYTHON: '/nonexistent/python3' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/code execution needs python3, and none of \/nonexistent\/python3 runs inside the sandbox/);
    expect(r.stderr).toMatch(/hint: install Python 3 system-wide/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(server.requests).toHaveLength(0);
  });

  it('does not probe for a suite without code-exec', async () => {
    const r = await evalSuite('plain.yaml', [], { LLMLAB_BWRAP: '/nonexistent/bwrap' });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/sandbox|WARNING/);
  });

  it('takes --unsafe-code-execution in watch mode too', async () => {
    const w = startWatch(['humaneval.yaml', '--unsafe-code-execution', '--db', join(dir, 'watch.db')], {
      cwd: dir,
      env: { LLMLAB_BWRAP: '/nonexistent/bwrap' },
    });
    try {
      await w.waitFor(() => w.runsShown() === 1, 'the first run', 30_000);
      expect(w.stderr).toMatch(/^WARNING: --unsafe-code-execution: model-written code runs WITHOUT the bubblewrap sandbox/m);
      expect(w.stdout).toMatch(/^gate passed/m);
    } finally {
      await w.kill();
    }
    // Loading the CLI, probing and a HumanEval run in a child process: seconds on a loaded CI machine.
  }, 60_000);
});
