/**
 * Runs the CLI's `main(argv)` inside the test worker, for commands that fail before running anything (a bad flag,
 * an invalid suite): the same code path as `llmlab …` up to the exit code and the message, without ~0.5 s of
 * CPU for a process that only prints one error. Anything that runs a suite, signals, or depends on the process
 * itself (exit, TTY, help printed through console) keeps a real process: ./run-cli.ts.
 */
import type { CliResult } from './run-cli.js';

type Write = typeof process.stdout.write;

// main() reads the working directory, the environment and the standard streams of the process: one call at a time.
let queue: Promise<unknown> = Promise.resolve();

/**
 * `llmlab …args` in `cwd`, as ./run-cli.ts would run it (CI=true, LLMLAB_DB unset, plus `env`), but in this
 * process. Resolves with main's exit code and what it wrote to stdout and stderr.
 */
export function runCliInProcess(args: string[], options: { cwd: string; env?: Record<string, string> }): Promise<CliResult> {
  const run = queue.then(() => runNow(args, options));
  queue = run.catch(() => undefined);
  return run;
}

async function runNow(args: string[], options: { cwd: string; env?: Record<string, string> }): Promise<CliResult> {
  const { main } = await import('../../src/cli/main.js');
  const out = { stdout: '', stderr: '' };
  const env: Record<string, string> = { CI: 'true', LLMLAB_DB: '', ...options.env };
  const savedEnv = Object.fromEntries(Object.keys(env).map((key) => [key, process.env[key]]));
  const savedCwd = process.cwd();
  const writes = { stdout: process.stdout.write, stderr: process.stderr.write };
  const capture = (stream: 'stdout' | 'stderr'): Write =>
    ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      out[stream] += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      const done = rest.find((arg) => typeof arg === 'function') as (() => void) | undefined;
      done?.();
      return true;
    }) as Write;
  try {
    Object.assign(process.env, env);
    process.chdir(options.cwd);
    process.stdout.write = capture('stdout');
    process.stderr.write = capture('stderr');
    const code = await main(args);
    return { code, ...out };
  } finally {
    process.stdout.write = writes.stdout;
    process.stderr.write = writes.stderr;
    process.chdir(savedCwd);
    for (const [key, value] of Object.entries(savedEnv)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}
