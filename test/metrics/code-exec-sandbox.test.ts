/** The code-execution sandbox: real python3 subprocesses, real limits, a real listening socket. */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPythonSandboxed } from '../../src/metrics/code-exec-sandbox.js';
import codeExec, { programOf } from '../../src/metrics/code-exec.js';
import type { TestCase } from '../../src/types.js';

const limits = { timeoutMs: 3000, memoryMb: 512, maxProcesses: 16 };
const TASKS = readFileSync(new URL('../fixtures/benchmarks/humaneval/HumanEval.jsonl', import.meta.url), 'utf8')
  .trim()
  .split('\n')
  .map((line) => JSON.parse(line) as { task_id: string; prompt: string; canonical_solution: string; test: string; entry_point: string });

let server: Server;
let port: number;
let connections = 0;
beforeAll(async () => {
  server = createServer((socket) => {
    connections++;
    socket.on('error', () => undefined);
    socket.end('hello');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => {
  server.close(() => resolve());
}));

const score = (task: (typeof TASKS)[number], output: string) =>
  codeExec.score({
    output,
    value: { prompt: task.prompt, test: task.test, entryPoint: task.entry_point },
    vars: {},
    test: { id: task.task_id, index: 0, vars: {}, assert: [] } as TestCase,
    prompt: task.prompt,
    result: { output },
    providerId: 'test',
  });

describe('code-exec sandbox', () => {
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

  it('kills an infinite loop at the time limit, process group included', async () => {
    const started = Date.now();
    const result = await runPythonSandboxed('import os\nos.fork()\nwhile True:\n    pass\n', { ...limits, timeoutMs: 1000 });
    expect(result.timedOut).toBe(true);
    expect(result.exitCode).toBeNull();
    expect(Date.now() - started).toBeLessThan(5000);
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
print("forked", n)
`;
    const result = await runPythonSandboxed(code, { ...limits, maxProcesses: 8 });
    expect(result.stdout).toMatch(/blocked after \d/);
    expect(Number(/blocked after (\d+)/.exec(result.stdout)![1])).toBeLessThan(8);
    expect(result.exitCode).toBe(3);
  });

  it('has no network: a connection to a listening loopback port fails', async () => {
    // Sanity: the port does answer outside the sandbox.
    const { connect } = await import('node:net');
    await new Promise<void>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.destroy();
        resolve();
      }).on('error', reject);
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const seen = connections;
    const code = `import socket\ntry:\n    socket.create_connection(("127.0.0.1", ${port}), timeout=2)\n    print("connected")\nexcept OSError as e:\n    print("refused", e)\n`;
    const result = await runPythonSandboxed(code, limits);
    expect(result.stdout).toMatch(/^refused/);
    expect(connections).toBe(seen);
  });

  it('enforces the memory limit', async () => {
    const result = await runPythonSandboxed('x = bytearray(800 * 1024 * 1024)\nprint("allocated")\n', { ...limits, memoryMb: 256 });
    expect(result.stdout).not.toContain('allocated');
    expect(result.stderr).toMatch(/MemoryError/);
  });

  it('runs in a fresh temp dir that is removed afterwards', async () => {
    const result = await runPythonSandboxed('import os\nprint(os.getcwd())\n', limits);
    const cwd = result.stdout.trim();
    expect(cwd).toMatch(/llmlab-exec-/);
    const { existsSync } = await import('node:fs');
    expect(existsSync(cwd)).toBe(false);
  });
});
