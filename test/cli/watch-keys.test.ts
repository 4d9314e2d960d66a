/**
 * The keys of `--watch` on a terminal, driven in-process through a stand-in for stdin (the pseudo-terminal test is
 * watch-terminal.test.ts): `f` re-runs only the cells that failed and `a` every cell, both asking the models afresh;
 * each results screen starts with a clear (never of the scrollback) and the line saying what re-ran; the key
 * hints follow each run; `q` quits and gives the terminal back.
 */
import { EventEmitter } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { watchCommand } from '../../src/cli/watch.js';
import type { KeyInput } from '../../src/cli/watch-keys.js';
import { startFakeOpenAI, type FakeServer } from '../fakes/index.js';
import { count } from './watch-session.js';

const CLEAR = '\u001b[2J\u001b[H';
const TESTS = 3;

let dir: string;
let server: FakeServer;
beforeAll(async () => {
  server = await startFakeOpenAI();
});
afterAll(async () => {
  await server.close();
});
/** A watch session in this process: its keyboard, what it printed, and waiting for what it prints next. */
interface Session {
  stdin: FakeStdin;
  output: { stdout: string; stderr: string };
  exited: Promise<number>;
  waitFor(check: () => boolean, what: string): Promise<void>;
  /** `[watch] run … done` lines so far. */
  runsShown(): number;
  /** What the terminal shows: everything after the last clear. */
  screen(): string;
}

let session: Session | undefined;
afterEach(async () => {
  // A failed test leaves its session running in this process: quit it (twice: a second quit cancels calls in flight).
  session?.stdin.type('q');
  session?.stdin.type('\u0003');
  await session?.exited;
  session = undefined;
  rmSync(dir, { recursive: true, force: true });
});

/** A terminal's stdin as watch mode sees it: raw mode switched on and off, keys typed as data. */
class FakeStdin extends EventEmitter implements KeyInput {
  readonly isTTY = true;
  readonly rawModes: boolean[] = [];
  setRawMode(raw: boolean): this {
    this.rawModes.push(raw);
    return this;
  }
  resume(): this {
    return this;
  }
  pause(): this {
    return this;
  }
  type(keys: string): void {
    this.emit('data', Buffer.from(keys));
  }
}

/** Prompt a passes (the fake echoes the prompt, which must contain "Question"); prompt b fails. */
function writeProject(tests = TESTS): void {
  dir = mkdtempSync(join(tmpdir(), 'llmlab-watch-keys-'));
  mkdirSync(join(dir, 'prompts'));
  writeFileSync(join(dir, 'prompts/a.txt'), 'Question A: {{ q }}');
  writeFileSync(join(dir, 'prompts/b.txt'), 'Answer B: {{ q }}');
  const cases = Array.from({ length: tests }, (_, i) => JSON.stringify({ description: `case ${i}`, vars: { q: `number ${i}` } }));
  writeFileSync(join(dir, 'cases.jsonl'), `${cases.join('\n')}\n`);
  writeFileSync(
    join(dir, 'suite.yaml'),
    `providers:\n  - id: openai:gpt-4o-mini\n    config: { baseUrl: "${server.url}/v1" }\n` +
      `prompts:\n  - { id: a, file: prompts/a.txt }\n  - { id: b, file: prompts/b.txt }\n` +
      `tests: file:cases.jsonl\ndefaultTest:\n  assert: [{ type: contains, value: Question }]\n`,
  );
  writeFileSync(join(dir, 'llmlab.config.yaml'), 'concurrency: 2\n');
}

function startInProcess(): Session {
  const stdin = new FakeStdin();
  const output = { stdout: '', stderr: '' };
  const exited = watchCommand(['suite.yaml'], { cache: true }, {
    stdout: { write: (text) => void (output.stdout += text), isTTY: true, columns: 120 },
    stderr: { write: (text) => void (output.stderr += text), isTTY: true, columns: 120 },
    env: { ...process.env, CI: 'true', LLMLAB_DB: '' },
    cwd: dir,
  }, stdin);
  let code: number | undefined;
  void exited.then((c) => (code = c));
  const waitFor = async (check: () => boolean, what: string) => {
    const until = Date.now() + 15_000;
    while (!check()) {
      if (code !== undefined) throw new Error(`exited ${code} waiting for ${what}\n${output.stdout}\n${output.stderr}`);
      if (Date.now() > until) throw new Error(`timed out waiting for ${what}\nstdout:\n${output.stdout}\nstderr:\n${output.stderr}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  const runsShown = () => count(output.stdout, /\[watch\] run \S+ done/);
  const screen = () => output.stdout.slice(output.stdout.lastIndexOf(CLEAR) + CLEAR.length);
  session = { stdin, output, exited, waitFor, runsShown, screen };
  return session;
}

describe('--watch keys on a terminal', () => {
  it('f re-runs the failing cells and a every cell, with fresh answers; q quits', async () => {
    writeProject();
    const w = startInProcess();
    await w.waitFor(() => w.runsShown() === 1, 'the first run');
    expect(w.stdin.rawModes).toEqual([true]);
    expect(w.screen().split('\n')[0]).toBe('[watch] first run: 6 of 6 cells run (0 cached)');
    expect(w.screen()).toMatch(/\[watch\] run \S+ done · watching 5 files\npress a to re-run all, f failing, q to quit\n$/);
    // The screen is cleared, the scrollback never.
    expect(w.output.stdout).not.toContain('\u001b[3J');

    // f: prompt b's three cells, asked again although their answers are cached.
    let before = server.requests.length;
    w.stdin.type('f');
    await w.waitFor(() => w.runsShown() === 2, 'the run of the failing cells');
    expect(w.output.stdout).toMatch(/\[watch\] iteration 2: f pressed, re-running the 3 cells that failed or errored, without reading the cache/);
    expect(w.screen().split('\n')[0]).toBe('[watch] f: 3 failing cells re-run, cache not read');
    expect(server.requests.length - before).toBe(3);
    expect(server.requests.slice(before).every((r) => JSON.stringify(r.body.messages).includes('Answer B'))).toBe(true);
    expect(w.screen()).toMatch(/^no verdict changed since run \S+ \(3 cells compared\)$/m);
    // A run of part of the suite: the targets it did not run are not "gone".
    expect(w.screen()).not.toMatch(/gone:/);

    // a: every cell, fresh; compared with the last whole run (the first), not with the run of the failing cells.
    before = server.requests.length;
    w.stdin.type('a');
    await w.waitFor(() => w.runsShown() === 3, 'the run of every cell');
    expect(w.screen().split('\n')[0]).toBe('[watch] a: all 6 cells re-run, cache not read');
    expect(server.requests.length - before).toBe(6);
    expect(w.screen()).toMatch(/^no verdict changed since run \S+ \(6 cells compared\)$/m);

    // Fixed: nothing fails any more, so f has nothing to re-run and says so.
    writeFileSync(join(dir, 'prompts/b.txt'), 'Question B: {{ q }}');
    await w.waitFor(() => w.runsShown() === 4, 'the run after fixing prompt b');
    expect(w.screen().split('\n')[0]).toBe('[watch] prompts/b.txt changed: 3 of 6 cells re-run (3 cached)');
    before = server.requests.length;
    w.stdin.type('f');
    await w.waitFor(() => /\[watch\] f: no cell failed in run \S+, nothing to re-run/.test(w.output.stdout), 'the f refusal');
    expect(server.requests.length - before).toBe(0);

    w.stdin.type('q');
    expect(await w.exited).toBe(0);
    expect(w.stdin.rawModes).toEqual([true, false]);
    expect(w.stdin.listenerCount('data')).toBe(0);
  });

  it('a key pressed during a run cancels it and starts the run asked for', async () => {
    writeProject(20);
    server.setBehaviour({ latencyMs: 60 });
    try {
      const sent = server.requests.length;
      const w = startInProcess();
      await w.waitFor(() => server.requests.length >= sent + 4, 'the first run to be under way');
      w.stdin.type('a');
      await w.waitFor(() => w.runsShown() === 1, 'the run asked for');
      expect(w.output.stdout).toMatch(/\[watch\] run \S+ cancelled: a was pressed/);
      expect(w.screen().split('\n')[0]).toBe('[watch] a: all 40 cells re-run, cache not read');
      w.stdin.type('q');
      expect(await w.exited).toBe(0);
    } finally {
      server.setBehaviour({ latencyMs: 0 });
    }
  });
});
