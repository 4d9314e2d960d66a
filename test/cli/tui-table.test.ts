/**
 * The end-of-run table on a terminal: `eval` and `report` fit it to the terminal's width (columns dropped in a
 * fixed order, never a wrapped line), `--wide` keeps them all, and piped output keeps them all too.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'llmlab-table-'));
  writeFileSync(
    join(dir, 'wide.yaml'),
    [
      'providers:',
      '  - id: echo',
      '    label: echo-provider-with-a-label-long-enough-to-crowd-the-table',
      'prompts: ["say {{ w }}"]',
      'tests:',
      ...['hi', 'there', 'you'].map((w) => `  - vars: { w: ${w} }\n    assert: [{ type: contains, value: hi }]`),
      '',
    ].join('\n'),
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** `llmlab …args` in-process with stdout as a terminal of `columns` (or a pipe), CI=true so no live view. */
async function llmlab(args: string[], stdout: { isTTY: boolean; columns?: number }): Promise<string> {
  let out = '';
  let err = '';
  const code = await main(args, {
    stdout: { ...stdout, write: (text) => void (out += text) },
    stderr: { write: (text) => void (err += text) },
    env: { ...process.env, CI: 'true', LLMLAB_DB: '' },
    cwd: dir,
  });
  // A failing test is expected (two of three miss "hi"): the gate's exit code is not what this file checks.
  expect(code, err).not.toBe(2);
  return out;
}

/** The table: from its header line to the line before the first blank or non-table line after the rule. */
function table(out: string): string[] {
  const lines = out.split('\n');
  const start = lines.findIndex((l) => l.startsWith('prompt '));
  return lines.slice(start, start + 3);
}

describe('the summary table on a terminal', () => {
  it('fits 80 columns by dropping $/pass, p95 and tokens; --wide and a pipe keep every column', async () => {
    const at80 = table(await llmlab(['eval', 'wide.yaml'], { isTTY: true, columns: 80 }));
    expect(at80[0]).not.toMatch(/\$\/pass|p95 ms|tokens in\/out/);
    expect(at80[0]).toMatch(/^prompt\s+provider\s+pass\s+fail\s+error\s+rate\s+cost\s+p50 ms$/);
    for (const line of at80) expect(line.length, line).toBeLessThanOrEqual(80);
    expect(at80[2]).toMatch(/^prompt-1\s+echo-provider-\S*…\s+1\s+2\s+0\s/);

    const wide = table(await llmlab(['eval', 'wide.yaml', '--wide'], { isTTY: true, columns: 80 }));
    expect(wide[0]).toMatch(/tokens in\/out\s+cost\s+\$\/pass\s+p50 ms\s+p95 ms$/);
    expect(wide[2]).toContain('echo-provider-with-a-label-long-enough-to-crowd-the-table');
    const piped = table(await llmlab(['eval', 'wide.yaml'], { isTTY: false, columns: 80 }));
    expect(piped[0]).toBe(wide[0]);

    const at120 = table(await llmlab(['eval', 'wide.yaml'], { isTTY: true, columns: 120 }));
    // 148 columns in all: at 120 the three columns go, and the label fits uncut.
    expect(at120[2]).toContain('echo-provider-with-a-label-long-enough-to-crowd-the-table');
    for (const line of at120) expect(line.length, line).toBeLessThanOrEqual(120);
  });

  it('fits `llmlab report` the same way, and keeps every column with --wide', async () => {
    await llmlab(['eval', 'wide.yaml'], { isTTY: false });
    const at80 = table(await llmlab(['report', 'latest'], { isTTY: true, columns: 80 }));
    expect(at80[0]).toMatch(/^prompt\s+provider\s+pass\s+fail\s+error\s+rate\s+cost\s+p50 ms$/);
    const wide = table(await llmlab(['report', 'latest', '--wide'], { isTTY: true, columns: 80 }));
    expect(wide[0]).toMatch(/\$\/pass\s+p50 ms\s+p95 ms$/);
  });
});
