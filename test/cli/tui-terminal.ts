/**
 * Runs a command in a real pseudo-terminal of a fixed size, for end-to-end TUI tests: tmux when installed (its
 * own server socket, so tests never touch a user's sessions), else util-linux `script`. Reads the screen and
 * types keys.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export interface Terminal {
  /** What the terminal shows now (tmux), or everything written so far without escape codes (script). */
  screen(): string;
  /** Types keys (tmux key names are not used: plain text only). */
  type(text: string): void;
  /** Every byte the command wrote, escape codes included (with `record`, or under `script`). */
  raw(): string;
  close(): void;
}

export type TerminalKind = 'tmux' | 'script';

/** tmux, else script; LLMLAB_TEST_TERMINAL=script forces the fallback (to test it where tmux exists). */
export function availableTerminal(): TerminalKind | undefined {
  const forced = process.env.LLMLAB_TEST_TERMINAL;
  if (forced === 'tmux' || forced === 'script') return forced;
  if (spawnSync('tmux', ['-V']).status === 0) return 'tmux';
  if (spawnSync('script', ['--version']).status === 0) return 'script';
  return undefined;
}

/**
 * Starts `command` (a shell command line) in a `cols`×`rows` terminal in `cwd`. `record` keeps the raw bytes
 * under tmux too (the command runs inside util-linux `script`, whose pty takes the pane's size), for checks on the
 * escape codes themselves.
 */
export function startTerminal(
  kind: TerminalKind,
  command: string,
  options: { cwd: string; cols?: number; rows?: number; record?: boolean },
): Terminal {
  const cols = options.cols ?? 100;
  const rows = options.rows ?? 30;
  return kind === 'tmux' ? startTmux(command, options.cwd, cols, rows, options.record === true) : startScript(command, options.cwd, cols, rows);
}

const shellQuote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;

function startTmux(command: string, cwd: string, cols: number, rows: number, record: boolean): Terminal {
  // A socket file of our own (not tmux's shared directory), removed on close.
  const socket = join(mkdtempSync(join(tmpdir(), 'llmlab-tmux-')), 'socket');
  const recording = join(dirname(socket), 'raw.log');
  const tmux = (...args: string[]) => spawnSync('tmux', ['-S', socket, '-f', '/dev/null', ...args], { cwd, encoding: 'utf8' });
  const run = record ? `script -qfec ${shellQuote(command)} ${shellQuote(recording)}` : command;
  const started = tmux('new-session', '-d', '-s', 'main', '-x', String(cols), '-y', String(rows), '-c', cwd, run);
  if (started.status !== 0) throw new Error(`tmux failed: ${started.stderr}`);
  // Keep the last screen readable after the command exits.
  tmux('set-option', '-t', 'main', 'remain-on-exit', 'on');
  return {
    screen: () => tmux('capture-pane', '-p', '-t', 'main').stdout ?? '',
    type: (text) => void tmux('send-keys', '-t', 'main', '-l', text),
    raw: () => (record && existsSync(recording) ? readFileSync(recording, 'utf8') : ''),
    close: () => {
      tmux('kill-server');
      rmSync(dirname(socket), { recursive: true, force: true });
    },
  };
}

function startScript(command: string, cwd: string, cols: number, rows: number): Terminal {
  const child: ChildProcess = spawn('script', ['-qfec', `stty cols ${cols} rows ${rows}; ${command}`, '/dev/null'], {
    cwd,
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  return {
    // eslint-disable-next-line no-control-regex
    screen: () => output.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, ''),
    type: (text) => void child.stdin!.write(text),
    raw: () => output,
    close: () => {
      if (child.exitCode === null && child.pid) process.kill(-child.pid, 'SIGKILL');
    },
  };
}

/**
 * Resolves once `check` holds, polling every 50 ms; after `ms` it throws with what it waited for and the screen as
 * it was (the pane's text, or the recording), so a failure shows what the terminal showed.
 */
export async function waitForScreen(check: () => boolean, what: string, screen: () => string | undefined, ms = 15_000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}; screen:\n${screen()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
