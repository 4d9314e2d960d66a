/**
 * `--watch` in a real pseudo-terminal (tmux): the keys arrive in raw mode, each results screen starts on a cleared
 * screen with the line saying what re-ran, and the scrollback survives the clear (tmux keeps a cleared screen in its
 * history, and `ESC[3J` would wipe that history). The keys' logic is tested in-process in watch-keys.test.ts.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cliBin } from './run-cli.js';

const hasTmux = spawnSync('tmux', ['-V']).status === 0;
const ci = !!process.env.CI && process.env.CI !== 'false';
if (!hasTmux && !ci) process.stderr.write('test/cli/watch-terminal.test.ts: skipped — tmux is not installed\n');

let dir: string;
let socket: string | undefined;
afterEach(() => {
  if (socket) spawnSync('tmux', ['-S', socket, 'kill-server']);
  socket = undefined;
  rmSync(dir, { recursive: true, force: true });
});

/** tmux on a socket of its own (never a user's server): the screen, the whole history, and keys. */
function startTmux(command: string, cwd: string, cols: number, rows: number) {
  socket = join(dir, 'tmux.sock');
  const tmux = (...args: string[]) => spawnSync('tmux', ['-S', socket!, '-f', '/dev/null', ...args], { cwd, encoding: 'utf8' });
  const started = tmux('new-session', '-d', '-s', 'main', '-x', String(cols), '-y', String(rows), '-c', cwd, command);
  if (started.status !== 0) throw new Error(`tmux failed: ${started.stderr}`);
  tmux('set-option', '-t', 'main', 'remain-on-exit', 'on');
  return {
    screen: () => tmux('capture-pane', '-p', '-t', 'main').stdout ?? '',
    /** The history above the screen and the screen. */
    everything: () => tmux('capture-pane', '-p', '-S', '-', '-t', 'main').stdout ?? '',
    type: (text: string) => void tmux('send-keys', '-t', 'main', '-l', text),
  };
}

async function waitFor(check: () => boolean, what: string, show: () => string): Promise<void> {
  const until = Date.now() + 15_000;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}; screen:\n${show()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.skipIf(!hasTmux && !ci)('--watch in a terminal', () => {
  it('reads a, f and q as keys, starts each results screen with what re-ran, and keeps the scrollback', async () => {
    if (!hasTmux) throw new Error('CI needs tmux for this test: apt-get install -y tmux');
    dir = mkdtempSync(join(tmpdir(), 'llmlab-watch-terminal-'));
    // echo answers with the prompt: prompt `ok` passes, prompt `bad` fails.
    writeFileSync(
      join(dir, 'suite.yaml'),
      'providers: [echo]\nprompts:\n  - { id: ok, template: "yes {{ w }}" }\n  - { id: bad, template: "no {{ w }}" }\n' +
        'tests:\n  - vars: { w: one }\n  - vars: { w: two }\ndefaultTest:\n  assert: [{ type: contains, value: "yes" }]\n',
    );
    // Nothing that says "CI": a terminal session as a user has it.
    const env = `env -i PATH='${process.env.PATH}' HOME='${process.env.HOME}' TERM=xterm-256color`;
    // The exit code lands under its final name by a rename: `echo $? > exit.txt` creates the file before it writes
    // the code, and a waiter that saw it exist read it empty on a loaded machine.
    const command = `${env} '${process.execPath}' '${cliBin()}' eval suite.yaml --watch 2> stderr.txt; echo $? > exit.txt.part && mv exit.txt.part exit.txt`;
    // Tall and wide enough that a results screen never scrolls: its first line stays the screen's first line.
    const t = startTmux(command, dir, 200, 60);
    const firstLine = () => t.screen().split('\n')[0] ?? '';
    const hints = 'press a to re-run all, f failing, q to quit';

    await waitFor(() => t.screen().includes(hints), 'the first run', t.screen);
    expect(firstLine()).toBe('[watch] first run: 4 of 4 cells run (0 cached)');

    t.type('f');
    await waitFor(() => firstLine().startsWith('[watch] f:') && t.screen().includes(hints), 'the run of the failing cells', t.screen);
    expect(firstLine()).toBe('[watch] f: 2 failing cells re-run, cache not read');

    t.type('a');
    await waitFor(() => firstLine().startsWith('[watch] a:') && t.screen().includes(hints), 'the run of every cell', t.screen);
    expect(firstLine()).toBe('[watch] a: all 4 cells re-run, cache not read');
    // The earlier screens are in the history above: clearing the screen did not erase the scrollback.
    expect(t.everything()).toContain('[watch] first run: 4 of 4 cells run (0 cached)');
    expect(t.everything()).toContain('[watch] f: 2 failing cells re-run, cache not read');

    t.type('q');
    await waitFor(() => existsSync(join(dir, 'exit.txt')), 'watch mode to exit', t.screen);
    expect(readFileSync(join(dir, 'exit.txt'), 'utf8').trim()).toBe('0');
  });
});
