/**
 * The trust model through the CLI: a dataset row that carries JavaScript is refused (exit 2, file and line)
 * and never runs, unless the suite sets `trustDatasetCode: true`.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'llmlab-dataset-code-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('code in dataset rows', () => {
  const marker = join(dir, 'pwned');
  const row = `"javascript:process.getBuiltinModule('node:fs').writeFileSync(${JSON.stringify(marker).replaceAll('"', "'")}, 'x'); return true"`;
  writeFileSync(join(dir, 'rows.csv'), `q,__expected\nhello,${row}\n`);
  const suite = (extra: string) => `providers: [echo]\nprompts: ["{{ q }}"]\ntests: file:rows.csv\n${extra}`;

  it('is refused before anything runs: exit 2, naming the row', async () => {
    writeFileSync(join(dir, 'untrusted.yaml'), suite(''));
    const r = await runCli(['eval', 'untrusted.yaml', '--db', join(dir, 'a.db')], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/rows\.csv:2.*a dataset row may not run code: its `javascript` assertion is refused/);
    expect(r.stderr).toMatch(/trustDatasetCode: true/);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(existsSync(marker)).toBe(false);
  });

  it('runs with trustDatasetCode: true', async () => {
    writeFileSync(join(dir, 'trusted.yaml'), suite('trustDatasetCode: true\n'));
    const r = await runCli(['eval', 'trusted.yaml', '--db', join(dir, 'b.db')], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(marker)).toBe(true);
  });
});
