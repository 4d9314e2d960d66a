/**
 * Runs the built CLI (node dist/cli/bin.js, built once per test run by test/setup/build-cli.ts) in a child
 * process, as a user would, and captures what it prints.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { inject } from 'vitest';

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The built bin of this run; only the `e2e` project builds it. */
export function cliBin(): string {
  const bin = inject('llmlabBin');
  if (!bin) throw new Error('no built CLI: run this file in the e2e project (`npx vitest run --project e2e …`), whose global setup builds it');
  return bin;
}

/** Starts `llmlab …args` in `cwd`, stdout and stderr piped, as a CI pipeline would (CI=true, no TTY). */
export function startCli(args: string[], options: { cwd: string; env?: Record<string, string> }): ChildProcess {
  return spawn(process.execPath, [cliBin(), ...args], {
    cwd: options.cwd,
    // CI=true and no TTY: the plain reporter, as in a pipeline.
    env: { ...process.env, CI: 'true', LLMLAB_DB: '', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Runs `llmlab …args` to completion and resolves with its exit code and output. */
export function runCli(args: string[], options: { cwd: string; env?: Record<string, string> }): Promise<CliResult> {
  const child = startCli(args, options);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}
