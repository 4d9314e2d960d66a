/**
 * The real binary in a real pseudo-terminal (tmux, or `script`): the Ink TUI shows the run, `p` pauses
 * dispatch, `q` stops it gracefully with the resume command, and `--resume` finishes without repeating cells.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOpenAI, type FakeServer } from '../fakes/index.js';
import { writeOpenAISuite } from './openai-suite.js';
import { cliBin, runCli } from './run-cli.js';
import { availableTerminal, startTerminal, type Terminal, waitForScreen } from './tui-terminal.js';

/** The built CLI as a shell command line (what the terminal runs). */
const llmlab = () => `'${process.execPath}' '${cliBin()}'`;
const TESTS = 80;
const kind = availableTerminal();
// Nothing that says "CI" (CI, CI_*, CONTINUOUS_INTEGRATION): in a CI log the CLI rightly picks the plain reporter.
const CLEAN_ENV = `env -i PATH='${process.env.PATH}' HOME='${process.env.HOME}' TERM=xterm-256color`;
const ci = !!process.env.CI && process.env.CI !== 'false';

if (!kind && !ci) {
  process.stderr.write('test/cli/tui.test.ts: skipped — neither tmux nor script is installed (apt-get install -y tmux)\n');
}

let dir: string;
let server: FakeServer;
let terminal: Terminal | undefined;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'llmlab-tui-'));
  server = await startFakeOpenAI({ latencyMs: 100 });
  writeOpenAISuite(dir, server.url, TESTS);
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
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(!kind && !ci)('the TUI in a pseudo-terminal', () => {
  it('shows the live run, pauses on p, stops on q with the resume command, and the resume finishes the rest', async () => {
    if (!kind) throw new Error('CI needs tmux or script for this test: apt-get install -y tmux');
    // stderr to a file: the resume hint is checked there, while stdout (the TUI) stays on the terminal.
    const command =
      `${CLEAN_ENV} ${llmlab()} eval suite.yaml 2> stderr.txt; ` +
      `echo $? > exit.txt.part && mv exit.txt.part exit.txt`;
    terminal = startTerminal(kind, command, { cwd: dir, cols: 100, rows: 30 });
    const screen = terminal.screen;

    // The last count on screen: `script` gives everything written so far, tmux the screen as it is now.
    const done = () => Number([...screen().matchAll(/(\d+)\/80 cells/g)].at(-1)?.[1] ?? 0);
    await waitFor(() => done() >= 6, 'progress');
    expect(screen()).toMatch(/llmlab suite\.yaml run \S+/);
    expect(screen()).toMatch(/provider\s+in flight\s+done\s+errors\s+waiting\s+retries\s+p50/);
    expect(screen()).toMatch(/openai:gpt-4o-mini\s+\d+\s+\d+\s+0\s+0\s+0\s+\d+ ms/);
    expect(screen()).toMatch(/prompt-1 × openai:gpt-4o-mini\s+100\.0% \[/);
    expect(screen()).toContain('q stop · p pause · f failures');

    terminal.type('p');
    await waitFor(() => screen().includes('PAUSED'), 'the paused indicator');
    // Calls in flight when p was pressed finish; then nothing more is sent.
    const inFlight = () => Number(/openai:gpt-4o-mini\s+(\d+)\s+\d+\s+0\s+0\s+0/.exec(screen().split('PAUSED').at(-1) ?? '')?.[1] ?? -1);
    await waitFor(() => inFlight() === 0, 'the calls in flight to finish');
    const held = server.requests.length;
    // A window in which nothing may happen: no call while paused.
    await sleep(500);
    expect(server.requests.length).toBe(held);
    expect(held).toBeLessThan(TESTS);

    terminal.type('q');
    await waitFor(() => existsSync(join(dir, 'exit.txt')), 'the process to exit');
    expect(readFileSync(join(dir, 'exit.txt'), 'utf8').trim()).toBe('130');
    const stderr = readFileSync(join(dir, 'stderr.txt'), 'utf8');
    const resume = /interrupted: resume with `llmlab eval suite\.yaml --resume (\S+)`/.exec(stderr);
    expect(resume, stderr).not.toBeNull();
    // The summary table follows the TUI's last frame.
    await waitFor(() => /prompt-1\s+openai:gpt-4o-mini\s+\d+\s+0\s+0\s/.test(screen()), 'the summary table');

    const sent = server.requests.length;
    // The rest need no pacing: no more keys are pressed.
    server.setBehaviour({ latencyMs: 0 });
    const resumed = await runCli(['eval', 'suite.yaml', '--resume', resume![1]!, '-o', 'report.json'], { cwd: dir });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(new RegExp(`80 cells \\(${sent} already done, resuming\\)`));
    // Every cell called the model exactly once across both attempts.
    expect(server.requests.length).toBe(TESTS);
    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'));
    expect(report.cells).toHaveLength(TESTS);
  });

  it('quits watch mode on q (a key in raw mode, not a signal) with exit code 0', async () => {
    if (!kind) throw new Error('CI needs tmux or script for this test: apt-get install -y tmux');
    writeFileSync(join(dir, 'echo.yaml'), 'providers: [echo]\nprompts: ["say {{ w }}"]\ntests:\n  - vars: { w: hi }\n    assert: [{ type: contains, value: hi }]\n');
    const command =
      `${CLEAN_ENV} ${llmlab()} eval echo.yaml --watch 2> watch-stderr.txt; ` +
      `echo $? > watch-exit.txt.part && mv watch-exit.txt.part watch-exit.txt`;
    terminal = startTerminal(kind, command, { cwd: dir, cols: 100, rows: 30 });
    await waitFor(() => /\[watch\] run \S+ done · watching 2 files\s+press a to re-run all, f failing, q to quit/.test(terminal!.screen()), 'the first iteration');
    terminal.type('q');
    await waitFor(() => existsSync(join(dir, 'watch-exit.txt')), 'watch mode to exit');
    expect(readFileSync(join(dir, 'watch-exit.txt'), 'utf8').trim()).toBe('0');
  });
});
