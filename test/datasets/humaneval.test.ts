/** HumanEval through the CLI: opt-in code execution, sandboxed scoring and unbiased pass@k over repeats. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { passAtKs } from '../../src/report/model/repeat-summary.js';
import { startFakeOpenAI, type FakeServer } from '../fakes/index.js';
import { runCli } from '../cli/run-cli.js';

const DATA = new URL('../fixtures/benchmarks/humaneval/HumanEval.jsonl', import.meta.url).pathname;
const TASKS = readFileSync(DATA, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { entry_point: string; canonical_solution: string });
let dir: string;
let server: FakeServer;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'llmlab-humaneval-'));
  server = await startFakeOpenAI();
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

const suite = (extra = '') => `providers:
  - id: openai:gpt-4o-mini
    config: { baseUrl: ${server.url}/v1, maxRetries: 0 }
prompts: ["{{ prompt }}"]
repeat: 12
dataset: { type: humaneval, path: ${DATA}, timeoutMs: 5000 }
gates: { minPassRate: 0 }
${extra}`;

describe('humaneval', () => {
  it('refuses to run model-written code unless allowed (exit 2, before any call)', async () => {
    const file = join(dir, 'refused.yaml');
    writeFileSync(file, suite());
    const r = await runCli(['eval', file, '--db', join(dir, 'refused.db')], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/runs model-written code \(code-exec\), which is off by default/);
    expect(r.stderr).toMatch(/allowCodeExecution: true.*--allow-code-execution/s);
    expect(server.requests).toHaveLength(0);
  });

  it('reports unbiased pass@1, pass@10 and pass@12 matching the estimator by hand', async () => {
    const calls = new Map<string, number>();
    server.setBehaviour({
      answer: (body) => {
        const task = TASKS.find((t) => String(body.messages.at(-1).content).includes(`def ${t.entry_point}(`))!;
        const n = (calls.get(task.entry_point) ?? 0) + 1;
        calls.set(task.entry_point, n);
        // add(): 2 correct samples of 12; the other tasks: always correct.
        return task.entry_point === 'add' && n > 2 ? '    return a * b\n' : task.canonical_solution;
      },
    });
    const file = join(dir, 'allowed.yaml');
    const out = join(dir, 'allowed.json');
    writeFileSync(file, suite());
    const r = await runCli(['eval', file, '--allow-code-execution', '-j', '4', '-o', out, '--db', join(dir, 'allowed.db')], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const repeats = JSON.parse(readFileSync(out, 'utf8')).summary.repeats[0];
    const atK = Object.fromEntries(repeats.passAtK.map((p: { k: number; value: number }) => [p.k, p.value]));
    // pass@k for one task = 1 − C(n−c, k)/C(n, k); n = 12, c = 2: k = 1 → 2/12, k = 10 → 1 − C(10,10)/C(12,10) = 1 − 1/66.
    expect(atK[1]).toBeCloseTo((2 / 12 + 1 + 1) / 3, 12);
    expect(atK[10]).toBeCloseTo((1 - 1 / 66 + 1 + 1) / 3, 12);
    expect(atK[12]).toBe(1);
    expect(r.stdout).toMatch(/pass@1 72\.2%, pass@10 99\.5%, pass@12 100\.0%/);
  });

  it('lists k ∈ {1, 10, N} ∩ [1, N]', () => {
    expect(passAtKs(1)).toEqual([1]);
    expect(passAtKs(5)).toEqual([1, 5]);
    expect(passAtKs(10)).toEqual([1, 10]);
    expect(passAtKs(20)).toEqual([1, 10, 20]);
  });
});
