/**
 * `--watch` meets a storage fault mid-run (the database locked by another writer): it says what failed and how to
 * go on, keeps watching instead of showing a half run as finished, and quits cleanly afterwards.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { storedCells, waitFor, writeSlowMockSuite } from './fault-helpers.js';
import { startCli } from './run-cli.js';

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'llmlab-watch-fault-'));
  writeSlowMockSuite(dir, 60);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('--watch and a storage fault', () => {
  it('names the fault and keeps watching, without presenting the half run as done', async () => {
    const db = join(dir, '.llmlab/llmlab.db');
    const child = startCli(['eval', 'suite.yaml', '--watch'], { cwd: dir, env: { LLMLAB_BUSY_TIMEOUT_MS: '100' } });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
    const code = new Promise<number | null>((r) => child.on('close', r));
    await waitFor(() => storedCells(db) >= 10);
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
