/**
 * What a CLI run talks to: its output streams, its environment and its working directory. `main(argv, io)` takes
 * one, so the CLI can run inside another program (the tests) with captured output and its own env and cwd, without
 * touching the process it runs in; bin.ts passes {@link processIo}, the real process.
 */

/** An output stream of a CLI run: only what the commands use of a terminal stream. */
export interface CliStream {
  /** Writes `text` as is (callers add the newlines). */
  write(text: string): void;
  /** True on an interactive terminal: picks the live TUI and screen clearing in `--watch`. */
  isTTY?: boolean;
  /** Terminal width in columns, when known. */
  columns?: number;
}

/** The world of one CLI run. */
export interface CliIo {
  /** Results: summary tables, JSON, gate lines. */
  stdout: CliStream;
  /** Progress, warnings, `wrote <file>` lines and errors. */
  stderr: CliStream;
  /** Environment variables the run reads (API keys, hosts, CI, LLMLAB_*); `.env` values fill in what it lacks. */
  env: Readonly<Record<string, string | undefined>>;
  /** Absolute directory relative paths on the command line and in messages are taken from. */
  cwd: string;
}

/** The real process: its streams, environment and working directory at the time of the call. */
export function processIo(): CliIo {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() };
}

/** `write` plus a newline, the shape most commands print in. */
export function lineWriter(stream: CliStream): (line: string) => void {
  return (line) => stream.write(`${line}\n`);
}
