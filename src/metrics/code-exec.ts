/**
 * `code-exec`: HumanEval-style functional correctness. The program is the task's prompt plus the model's
 * completion (or, when the model rewrote the whole function, its code block), then the task's `test` and
 * `check(<entry point>)`; it passes when it exits 0 within the limits. Runs in ./code-exec-sandbox.ts; a suite
 * may only use it with `allowCodeExecution: true` or `--allow-code-execution` (checked when the suite loads).
 */
import { defineMetric } from '../types.js';
import { runPythonSandboxed } from './code-exec-sandbox.js';

const DESCRIPTION = 'a Python task: prompt + the output must pass its check() in the sandbox (HumanEval)';

interface CodeExecValue {
  prompt?: string;
  test: string;
  entryPoint: string;
  timeoutMs?: number;
  memoryMb?: number;
  maxProcesses?: number;
}

const FENCE = /```(?:python|py)?[^\n]*\n([\s\S]*?)```/;

export default defineMetric<CodeExecValue>({
  id: 'code-exec',
  optionsSchema: {
    type: 'object',
    description: DESCRIPTION,
    required: ['test', 'entryPoint'],
    additionalProperties: false,
    properties: {
      prompt: { type: 'string', description: 'code the completion continues (the function signature and docstring)' },
      test: { type: 'string', description: 'Python defining check(candidate)' },
      entryPoint: { type: 'string', description: 'name of the function passed to check()' },
      timeoutMs: { type: 'integer', minimum: 100, description: 'wall-clock limit, ms (default 10000)' },
      memoryMb: { type: 'integer', minimum: 64, description: 'address-space limit, MB (default 1024)' },
      maxProcesses: { type: 'integer', minimum: 1, description: 'processes at once (default 16)' },
    },
  },
  async score({ output, value }) {
    const program = `${programOf(value.prompt ?? '', output, value.entryPoint)}\n\n${value.test}\n\ncheck(${value.entryPoint})\n`;
    const result = await runPythonSandboxed(program, {
      timeoutMs: value.timeoutMs ?? 10_000,
      memoryMb: value.memoryMb ?? 1024,
      maxProcesses: value.maxProcesses ?? 16,
    });
    if (result.timedOut) return { pass: false, reason: `timed out after ${value.timeoutMs ?? 10_000} ms` };
    if (result.exitCode === 0) return { pass: true, reason: 'all tests passed' };
    const last = result.stderr.trim().split('\n').slice(-1)[0] ?? '';
    return { pass: false, reason: `exit code ${result.exitCode}: ${last.slice(0, 200)}` };
  },
});

/** prompt + completion, or the model's own full definition when it wrote one in a code block. */
export function programOf(prompt: string, output: string, entryPoint: string): string {
  const code = FENCE.exec(output)?.[1] ?? output;
  return new RegExp(`^def\\s+${entryPoint}\\s*\\(`, 'm').test(code) ? `${prompt}\n${code}` : `${prompt}${code}`;
}
