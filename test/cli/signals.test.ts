/**
 * Signals stop every kind of run: one whose cells complete synchronously (echo, no latency) and one waiting out a
 * long Retry-After. Each stop is proven by its outcome — exit 130, the run stored as interrupted, work left undone
 * — never by a clock; a run that ignored the signal would finish every cell (or wait 100 s and hit the timeout).
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/index.js';
import { startFakeOpenAI, type FakeServer } from '../fakes/index.js';
import { startCli } from './run-cli.js';

// Enough cells that a run deaf to the signal would still be busy seconds after it lands (and then finish them all,
// failing on `saved`); few enough that loading and planning them stays cheap.
const CELLS = 10_000;
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'llmlab-signals-'));
  const cases = Array.from({ length: CELLS }, (_, i) => `{"vars":{"q":"question ${i}"}}`).join('\n');
  writeFileSync(join(dir, 'cases.jsonl'), `${cases}\n`);
  writeFileSync(
    join(dir, 'echo.yaml'),
    'providers: [echo]\nprompts: ["Answer: {{ q }}"]\ntests: file:cases.jsonl\n' +
      'defaultTest:\n  assert: [{ type: contains, value: question }]\n',
  );
  writeFileSync(join(dir, 'llmlab.config.yaml'), 'concurrency: 8\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// A failed test must not leave a 100,000-cell run (or a 100 s wait) behind it.
const started: ChildProcess[] = [];
afterEach(() => {
  for (const child of started.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

/** Collects a child's stderr and resolves once `pattern` shows in it (or rejects when the child exits first). */
function watchStderr(child: ChildProcess) {
  started.push(child);
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const closed = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return {
    text: () => stderr,
    closed,
    async waitFor(pattern: RegExp): Promise<void> {
      let exited = false;
      void closed.then(() => (exited = true));
      while (!pattern.test(stderr)) {
        if (exited) throw new Error(`the CLI exited before printing ${pattern}:\n${stderr}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
  };
}

/** The latest run in the directory's store: its status and how many cells it saved. */
function latestRun(db: string): { status: string; saved: number } {
  const store = openStore(db);
  try {
    const run = store.runs.list(1)[0]!;
    return { status: run.status, saved: store.results.finishedCellIds(run.id).size };
  } finally {
    store.close();
  }
}

describe('signals stop a run whose cells never wait', () => {
  it.each(['SIGINT', 'SIGTERM', 'SIGHUP'] as const)('%s: exit 130, run interrupted, cells left undone', async (signal) => {
    const db = join(dir, `${signal}.db`);
    const child = startCli(['eval', 'echo.yaml', '--no-cache', '--db', db], { cwd: dir });
    const cli = watchStderr(child);
    // Printed at run-start, right before the executor dispatches (synchronously, for echo) its first cell.
    await cli.waitFor(/run \S+: 10000 cells/);
    child.kill(signal);
    expect(await cli.closed).toBe(130);
    expect(cli.text()).toMatch(/interrupted: resume with `llmlab eval echo\.yaml --resume \S+`/);
    const run = latestRun(db);
    expect(run.status).toBe('interrupted');
    expect(run.saved).toBeLessThan(CELLS);
  });
});

describe('signals cut a Retry-After wait short', () => {
  let server: FakeServer;
  beforeAll(async () => {
    server = await startFakeOpenAI();
    writeFileSync(
      join(dir, 'retry.yaml'),
      `providers:\n  - id: openai:gpt-4o-mini\n    config: { baseUrl: "${server.url}/v1" }\n` +
        'prompts: ["Answer: {{ q }}"]\ntests:\n  - vars: { q: one }\n',
    );
  });
  afterAll(() => server.close());

  // The proof is the test's own timeout: an unabortable wait would sleep for the server's 100 s.
  it('SIGINT during a 100 s Retry-After: exit 130 without waiting, the cell left for --resume', async () => {
    server.setBehaviour({ failures: [{ status: 429, retryAfter: '100' }] });
    const db = join(dir, 'retry.db');
    const child = startCli(['eval', 'retry.yaml', '--no-cache', '--db', db], {
      cwd: dir,
      env: { OPENAI_API_KEY: 'sk-test' },
    });
    const cli = watchStderr(child);
    await cli.waitFor(/retrying openai:gpt-4o-mini in 100000 ms/);
    child.kill('SIGINT');
    expect(await cli.closed).toBe(130);
    expect(latestRun(db)).toEqual({ status: 'interrupted', saved: 0 });
    expect(server.requests).toHaveLength(1);
  });
});

describe('a signal at a random point', () => {
  const TESTS = 300;
  beforeAll(() => {
    const cases = Array.from({ length: TESTS }, (_, i) => `  - vars: { n: ${i} }\n`).join('');
    writeFileSync(
      join(dir, 'mock.yaml'),
      `providers:\n  - id: mock:bot\n    config: { latencyMs: 5, default: "answer" }\nprompts: ["Question {{ n }}"]\n` +
        `defaultTest:\n  assert: [{ type: contains, value: answer }]\ntests:\n${cases}`,
    );
  });

  // Where the signal lands is random (and printed): whatever the point, no run is left `running`, and --resume
  // stores every cell exactly once.
  it.each([0, 1, 2].map((i) => [i, 1 + Math.floor(Math.random() * (TESTS - 50))] as const))(
    'round %i: SIGINT after %i stored cells',
    async (_, after) => {
      const db = join(dir, `random-${after}-${Math.random().toString(36).slice(2)}.db`);
      const child = startCli(['eval', 'mock.yaml', '--db', db], { cwd: dir });
      const cli = watchStderr(child);
      await cli.waitFor(/run \S+: 300 cells/);
      while (child.exitCode === null && latestRun(db).saved < after) await new Promise((r) => setTimeout(r, 10));
      child.kill('SIGINT');
      const code = await cli.closed;
      expect([0, 130]).toContain(code);
      expect(latestRun(db).status).not.toBe('running');
      const resumed = await new Promise<number | null>((resolve) => {
        const again = startCli(['eval', 'mock.yaml', '--db', db, '--resume'], { cwd: dir });
        started.push(again);
        again.on('close', resolve);
      });
      expect(resumed === 0 || (code === 0 && resumed === 2)).toBe(true); // nothing to resume when it had finished
      const store = openStore(db);
      try {
        const runs = store.runs.list(10);
        expect(runs.map((r) => r.status)).toEqual(['completed']);
        expect(store.results.finishedCellIds(runs[0]!.id).size).toBe(TESTS);
      } finally {
        store.close();
      }
    },
  );
});
