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
