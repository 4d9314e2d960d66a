/**
 * Runs the CLI as the tests need it. `runCli` calls `main(argv, io)` from src/ inside the test worker with its own
 * captured streams, env and cwd: the same code path as `llmlab …` up to the exit code and the output, without
 * ~0.5 s of CPU to load the modules in a new process per call. `spawnCli` / `startCli` run the built bin
 * (node dist/cli/bin.js, built once per test run by test/setup/build-cli.ts) in a child process, for what only a
 * real process shows: signals, kill -9, a terminal, stdin keys, exit under faults, the bin itself.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { inject } from 'vitest';

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Where and with what extra environment a test runs `llmlab`. */
export interface CliOptions {
  cwd: string;
  env?: Record<string, string>;
}

/** The built bin of this run; only the `e2e` project builds it. */
export function cliBin(): string {
  const bin = inject('llmlabBin');
  if (!bin) throw new Error('no built CLI: run this file in the e2e project (`npx vitest run --project e2e …`), whose global setup builds it');
  return bin;
}

/** The environment of a CI pipeline (CI=true: the plain reporter), without the developer's LLMLAB_DB. */
function cliEnv(options: CliOptions): Record<string, string | undefined> {
  return { ...process.env, CI: 'true', LLMLAB_DB: '', ...options.env };
}

/**
 * `llmlab …args` in `cwd` (CI=true, LLMLAB_DB unset, plus `env`), in this process: resolves with main's exit code
 * and what it wrote to stdout and stderr. Nothing of the process is changed, so calls may overlap.
 */
export async function runCli(args: string[], options: CliOptions): Promise<CliResult> {
  const { main } = await import('../../src/cli/main.js');
  const out = { stdout: '', stderr: '' };
  const code = await main(args, {
    stdout: { write: (text) => void (out.stdout += text) },
    stderr: { write: (text) => void (out.stderr += text) },
    env: cliEnv(options),
    cwd: resolve(options.cwd),
  });
  return { code, ...out };
}

/** Starts the built `llmlab …args` in `cwd`, stdout and stderr piped, as a CI pipeline would (CI=true, no TTY). */
export function startCli(args: string[], options: CliOptions): ChildProcess {
  return spawn(process.execPath, [cliBin(), ...args], {
    cwd: options.cwd,
    env: cliEnv(options),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Runs the built `llmlab …args` in a child process to completion: its exit code and output. */
export function spawnCli(args: string[], options: CliOptions): Promise<CliResult> {
  const child = startCli(args, options);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}
