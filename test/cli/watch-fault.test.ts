/**
 * `--watch` meets a storage fault mid-run (the database locked by another writer): it says what failed and how to
 * go on, keeps watching instead of showing a half run as finished, and quits cleanly afterwards.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startCli } from './run-cli.js';

const TESTS = 60;
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'llmlab-watch-fault-'));
  const cases = Array.from({ length: TESTS }, (_, i) => `  - vars: { n: ${i} }\n`).join('');
  writeFileSync(
    join(dir, 'suite.yaml'),
    `providers:\n  - id: mock:bot\n    config: { latencyMs: 30, default: "answer" }\nprompts: ["Question {{ n }}"]\n` +
      `defaultTest:\n  assert: [{ type: contains, value: answer }]\ntests:\n${cases}`,
  );
  writeFileSync(join(dir, 'llmlab.config.yaml'), 'concurrency: 2\n');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function stored(db: string): number {
  try {
    const conn = new Database(db, { readonly: true, fileMustExist: true });
    try {
      return (conn.prepare('SELECT count(*) AS n FROM results').get() as { n: number }).n;
    } finally {
      conn.close();
    }
  } catch {
    return 0; // not created yet
  }
}

async function waitFor(check: () => boolean, ms = 15_000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('--watch and a storage fault', () => {
  it('names the fault and keeps watching, without presenting the half run as done', async () => {
    const db = join(dir, '.llmlab/llmlab.db');
    const child = startCli(['eval', 'suite.yaml', '--watch'], { cwd: dir, env: { LLMLAB_BUSY_TIMEOUT_MS: '100' } });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
    const code = new Promise<number | null>((r) => child.on('close', r));
    await waitFor(() => stored(db) >= 10);
    const other = new Database(db);
    other.exec('BEGIN EXCLUSIVE');
    try {
      await waitFor(() => /stopped by a storage fault/.test(stdout + stderr));
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    expect(stderr).toContain(`database ${db} is locked by another process`);
    expect(stderr).not.toMatch(/internal error|\n\s+at /);
    expect(stdout).not.toMatch(/\[watch\] run \S+ done/);
    child.kill('SIGINT');
    expect(await code).toBe(0);
  });
});
