/**
 * The code-execution sandbox with real python3 processes, real limits and a real listening socket: HumanEval
 * scoring, then every hostile completion of ./sandbox-attacks.ts run from this process (as root in CI). The
 * same attacks as an ordinary user are in ./code-exec-sandbox-users.test.ts.
 */
import { readFileSync, rmSync } from 'node:fs';
import type { Server } from 'node:net';
import { homedir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareSandbox, runPythonSandboxed } from '../../src/metrics/code-exec-sandbox.js';
import codeExec, { programOf } from '../../src/metrics/code-exec.js';
import type { TestCase } from '../../src/types.js';
import { ATTACKS, attackContext, runAttack, type AttackContext } from './sandbox-attacks.js';

const limits = { timeoutMs: 3000, memoryMb: 512, maxProcesses: 16 };
const TASKS = readFileSync(new URL('../fixtures/benchmarks/humaneval/HumanEval.jsonl', import.meta.url), 'utf8')
  .trim()
  .split('\n')
  .map((line) => JSON.parse(line) as { task_id: string; prompt: string; canonical_solution: string; test: string; entry_point: string });

let server: Server;
let ctx: AttackContext;
const SECRET_VAR = 'LLMLAB_TEST_CANARY_API_KEY';

let count: () => number;
beforeAll(async () => {
  ({ ctx, server, count } = await attackContext({ homeDir: homedir() }));
  process.env[SECRET_VAR] = ctx.secret;
});
afterAll(async () => {
  delete process.env[SECRET_VAR];
  rmSync(ctx.hostDir, { recursive: true, force: true });
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const score = (task: (typeof TASKS)[number], output: string, extra: { timeoutMs?: number } = {}) =>
  codeExec.score({
    output,
    value: { prompt: task.prompt, test: task.test, entryPoint: task.entry_point, ...extra },
    vars: {},
    test: { id: task.task_id, index: 0, vars: {}, assert: [] } as TestCase,
    prompt: task.prompt,
    result: { output },
    providerId: 'test',
  });

describe('code-exec sandbox', () => {
  it('is bubblewrap, and says what it isolates', async () => {
    const choice = await prepareSandbox();
    expect(choice.safe).toBe(true);
    expect(choice.description).toMatch(/^bubblewrap \d+\.\d+(\.\d+)?: pid\/net\/user\/ipc\/uts namespaces.*private \/cell tmpfs.*per-cell/);
  });

  it('passes every canonical solution of the fixture and fails a broken one', async () => {
    for (const task of TASKS) expect((await score(task, task.canonical_solution)).pass, task.task_id).toBe(true);
    const broken = await score(TASKS[0]!, '    return a - b\n');
    expect(broken.pass).toBe(false);
    expect(broken.reason).toMatch(/AssertionError/);
  });

  it('accepts a whole function in a fenced code block', async () => {
    const task = TASKS[1]!;
    const output = 'Here it is:\n```python\ndef evens(xs):\n    return [x for x in xs if x % 2 == 0]\n```';
    expect(programOf(task.prompt, output, 'evens')).toContain('def evens(xs):\n    return');
    expect((await score(task, output)).pass).toBe(true);
  });

  it('reports a timeout as such', async () => {
    const result = await score(TASKS[0]!, '    while True:\n        pass\n', { timeoutMs: 1000 });
    expect(result).toMatchObject({ pass: false, reason: 'timed out after 1000 ms' });
  });

  it('stops a fork bomb at the process limit', async () => {
    const code = `import os, time
n = 0
try:
    for _ in range(500):
        if os.fork() == 0:
            time.sleep(5)
            os._exit(0)
        n += 1
except OSError as e:
    print("blocked after", n)
    raise SystemExit(3)
`;
    const result = await runPythonSandboxed(code, { ...limits, maxProcesses: 8 });
    expect(result.stdout).toMatch(/blocked after \d/);
    expect(Number(/blocked after (\d+)/.exec(result.stdout)![1])).toBeLessThan(8);
    expect(result.exitCode).toBe(3);
  });

  it('enforces the memory limit', async () => {
    const result = await runPythonSandboxed('x = bytearray(800 * 1024 * 1024)\nprint("allocated")\n', { ...limits, memoryMb: 256 });
    expect(result.stdout).not.toContain('allocated');
    expect(result.stderr).toMatch(/MemoryError/);
  });

  it('caps what the program prints', async () => {
    const result = await runPythonSandboxed('import sys\nsys.stdout.write("x" * 1_000_000)\n', limits);
    expect(result.exitCode).toBe(0);
    expect(result.stdout.length).toBe(64 * 1024);
  });
});

describe('hostile completions, run by this process', () => {
  for (const attack of ATTACKS) {
    it(attack.name, async () => {
      const before = count();
      const report = await runAttack(attack, ctx, runPythonSandboxed);
      attack.check(report, ctx, expect);
      expect(count(), 'connections to the loopback listener').toBe(before);
    });
  }
});
