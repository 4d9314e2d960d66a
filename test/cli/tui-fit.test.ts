/**
 * The live view fits the terminal it is drawn in: the real binary in tmux at 80×24, 80×14 and 50×30 keeps its
 * header and cost line on screen, draws each part of the frame once (no ghost lines left by a redraw), never
 * erases the scrollback (`ESC[3J`), and its last frame names the run and how to open its report. With `-j 16`, a
 * pause prints no MaxListenersExceededWarning.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOpenAI, type FakeServer } from '../fakes/index.js';
import { cliBin } from './run-cli.js';
import { availableTerminal, startTerminal, type Terminal, waitForScreen } from './tui-terminal.js';

const TESTS = 40;
const kind = availableTerminal();
const CLEAN_ENV = `env -i PATH='${process.env.PATH}' HOME='${process.env.HOME}' TERM=xterm-256color`;
const ci = !!process.env.CI && process.env.CI !== 'false';

let dir: string;
let server: FakeServer;
let terminal: Terminal | undefined;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'llmlab-tui-fit-'));
  // Slow enough that the run is still going when each check is made; every test ends it with q.
  server = await startFakeOpenAI({ latencyMs: 100 });
  const cases = Array.from({ length: TESTS }, (_, i) => JSON.stringify({ vars: { q: `question ${i}` } })).join('\n');
  writeFileSync(join(dir, 'cases.jsonl'), `${cases}\n`);
  // Three providers × three prompts and failing cells: more lines than 14 or 24 rows hold.
  const providers = ['a-provider-with-a-long-label', 'b-provider', 'c-provider']
    .map((label) => `  - id: openai:gpt-4o-mini\n    label: ${label}\n    config: { baseUrl: "${server.url}/v1" }\n`)
    .join('');
  writeFileSync(
    join(dir, 'suite.yaml'),
    `providers:\n${providers}prompts: ["Answer: {{ q }}", "Reply: {{ q }}", "Say: {{ q }}"]\ntests: file:cases.jsonl\n` +
      'defaultTest:\n  assert: [{ type: contains, value: "question 1" }]\n',
  );
  writeFileSync(join(dir, 'llmlab.config.yaml'), 'concurrency: 2\n');
});
afterEach(() => {
  terminal?.close();
  terminal = undefined;
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

const waitFor = (check: () => boolean, what: string, ms?: number) => waitForScreen(check, what, () => terminal?.screen(), ms);

/** Runs the suite in a cols×rows terminal; resolves once the live view shows cells done and failures. */
async function startRun(cols: number, rows: number, name: string, flags = ''): Promise<Terminal> {
  const command = `${CLEAN_ENV} ${process.execPath} '${cliBin()}' eval suite.yaml ${flags} 2> ${name}-stderr.txt; echo $? > ${name}-exit.txt.part && mv ${name}-exit.txt.part ${name}-exit.txt`;
  terminal = startTerminal(kind!, command, { cwd: dir, cols, rows, record: true });
  await waitFor(() => /[1-9]\d* failed/.test(terminal!.screen()) && /\b([2-9]|\d\d+)\/360 cells/.test(terminal!.screen()), 'cells done and a failure');
  return terminal;
}

/** Stops the run with q and waits for the process to exit; returns its stderr. */
async function stop(t: Terminal, name: string): Promise<string> {
  t.type('q');
  await waitFor(() => existsSync(join(dir, `${name}-exit.txt`)), 'the process to exit');
  return readFileSync(join(dir, `${name}-stderr.txt`), 'utf8');
}

describe.skipIf(!kind && !ci)('the live view fits its terminal', () => {
  for (const [cols, rows] of [
    [80, 24],
    [80, 14],
    [50, 30],
  ] as const) {
    it(`at ${cols}×${rows}: header and cost on screen, no ghost lines, scrollback kept, the report hint last`, async () => {
      if (!kind) throw new Error('CI needs tmux or script for this test: apt-get install -y tmux');
      const name = `fit-${cols}x${rows}`;
      const t = await startRun(cols, rows, name);
      const screen = t.screen();
      const lines = screen.split('\n');
      // The frame is the whole screen here (a fresh terminal): the header is on its first line, and each part of
      // it is on screen once — a redraw that missed rows would leave older copies above or below.
      expect(lines[0], screen).toMatch(/^llmlab suite\.yaml/);
      expect(screen.match(/^llmlab suite\.yaml/gm), screen).toHaveLength(1);
      expect(screen.match(/\/360 cells/g), screen).toHaveLength(1);
      expect(screen.match(/ passed +\d+ failed/g), screen).toHaveLength(1);
      expect(screen).toMatch(/\d+ failed\s+\d+ errors\s+cost \$/);
      for (const line of lines) expect(line.length, line).toBeLessThanOrEqual(cols);

      await stop(t, name);
      const raw = t.raw();
      expect(raw).toContain('/360 cells');
      // eslint-disable-next-line no-control-regex
      expect(raw).not.toMatch(/\u001b\[3J/);
      // eslint-disable-next-line no-control-regex
      const text = raw.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '');
      const runId = /llmlab suite\.yaml run (\S+)/.exec(text)?.[1];
      expect(runId, text).toBeDefined();
      // The last frame, above the summary: the run stopped (at 50 columns the id gives way to the state), and
      // where its report is.
      expect(text).toMatch(new RegExp(`llmlab suite\\.yaml( run ${runId})?\\s+INTERRUPTED`));
      expect(text).toContain(`llmlab report ${runId} -o report.html`);
    });
  }

  it('pauses with -j 16 without a MaxListenersExceededWarning', async () => {
    if (!kind) throw new Error('CI needs tmux or script for this test: apt-get install -y tmux');
    const t = await startRun(100, 30, 'j16', '-j 16');
    t.type('p');
    await waitFor(() => /paused: 0 in flight finishing/.test(t.screen()), 'the calls in flight to finish');
    const stderr = await stop(t, 'j16');
    expect(stderr).toMatch(/interrupted: resume with/);
    expect(stderr).not.toContain('MaxListenersExceededWarning');
  });
});
