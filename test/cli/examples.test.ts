import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'llmlab-examples-'));
  cpSync(new URL('../../suites', import.meta.url).pathname, join(dir, 'suites'), { recursive: true });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('suites/examples/metrics.yaml', () => {
  it('runs every metric offline and shows a significant and a non-significant comparison', async () => {
    const r = await runCli(['eval', 'suites/examples/metrics.yaml'], { cwd: dir });
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/plain\s+expert\s+12\s+0\s+0\s+100\.0%/);
    expect(r.stdout).toMatch(/plain\s+novice\s+0\s+12\s+0\s+0\.0%/);
    expect(r.stdout).toMatch(/expert vs novice on plain: .*\(significant/);
    expect(r.stdout).toMatch(/plain vs polite on expert: .*p=1.*\(not significant/);
  });
});

describe('suites/examples/finetune.yaml', () => {
  it('trains with the stand-in trainer, prints the tuned-vs-base comparison and gates; a re-run trains nothing', async () => {
    const first = await runCli(['eval', 'suites/examples/finetune.yaml'], { cwd: dir });
    expect(first.stderr).not.toMatch(/\n\s+at /);
    expect(first.stderr).toMatch(/finetune:support-v2 train done/);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/fine-tune support-v2 \(base base\)/);
    expect(first.stdout).toMatch(/pass\s+base 0\.0% → tuned 100\.0%\s+\+100\.0 pts \[\+65\.7, \+100\.0\]/);
    expect(first.stdout).toMatch(/forgetting general\s+100\.0% → 100\.0%/);
    expect(first.stdout).toMatch(/gate finetune: pass/);

    const second = await runCli(['eval', 'suites/examples/finetune.yaml'], { cwd: dir });
    expect(second.code).toBe(0);
    expect(second.stderr).toMatch(/finetune:support-v2 train reused/);
    expect(second.stderr).not.toMatch(/train done/);
  });
});
