/**
 * Machine faults met by the real CLI: the database locked by another writer mid-run, a full disk mid-run (a tiny
 * tmpfs, where this machine lets us mount one), a file at the database path that is not a database, an output
 * folder that cannot exist, and `--output-stream` after a kill -9 and `--resume`. Each ends with a clear message and
 * its own exit code, never a stack trace, and no run is left `running` once the fault is fixed and the run resumed.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { query, storedCells, waitFor, writeSlowMockSuite } from './fault-helpers.js';
import { runCli, startCli } from './run-cli.js';

const TESTS = 60;
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'llmlab-cli-faults-'));
  writeSlowMockSuite(dir, TESTS);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function collect(child: ReturnType<typeof startCli>) {
  const out = { stdout: '', stderr: '' };
  child.stdout!.on('data', (d) => (out.stdout += d));
  child.stderr!.on('data', (d) => (out.stderr += d));
  const code = new Promise<number | null>((r) => child.on('close', r));
  return { out, code };
}

/** After the fault is gone, --resume finishes the run: every cell stored once, no run left `running`. */
async function resumeAndCheck(db: string, extra: string[] = []): Promise<void> {
  const resumed = await runCli(['eval', 'suite.yaml', '--resume', ...extra], { cwd: dir });
  expect(resumed.stderr).not.toMatch(/\n\s+at /);
  expect(resumed.code).toBe(0);
  expect(query<{ status: string }>(db, 'SELECT status FROM runs').map((r) => r.status)).toEqual(['completed']);
  expect(query<{ n: number }>(db, "SELECT count(DISTINCT cell_id) AS n FROM results WHERE status = 'pass'")[0]!.n).toBe(TESTS);
}

function expectFaultExit(code: number | null, stderr: string): void {
  expect(stderr).not.toMatch(/internal error|\n\s+at /);
  expect(stderr).toMatch(/resume with `llmlab eval suite\.yaml --resume \S+`/);
  expect(code).toBe(3);
}

describe('a storage fault mid-run', () => {
  it('database locked by another writer: exit 3, the path and the fix, a partial report, and --resume finishes', async () => {
    const db = join(dir, '.llmlab/llmlab.db');
    const child = startCli(['eval', 'suite.yaml', '-o', 'partial.json'], { cwd: dir, env: { LLMLAB_BUSY_TIMEOUT_MS: '100' } });
    const { out, code } = collect(child);
    await waitFor(() => storedCells(db) >= 10);
    const other = new Database(db);
    other.exec('BEGIN EXCLUSIVE');
    let exit: number | null;
    try {
      exit = await code;
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    expect(out.stderr).toContain(`llmlab: database ${db} is locked by another process`);
    expect(out.stderr).toMatch(/hint: close the other process using it.*--resume/);
    expectFaultExit(exit, out.stderr);
    const report = JSON.parse(readFileSync(join(dir, 'partial.json'), 'utf8')) as { cells: unknown[] };
    expect(report.cells.length).toBeGreaterThanOrEqual(10);
    expect(report.cells.length).toBeLessThan(TESTS);
    await resumeAndCheck(db);
  });
});

/** A 1 MiB tmpfs, where this machine allows mounting one (root with CAP_SYS_ADMIN); elsewhere the test is skipped. */
function tryMount(): string | undefined {
  const point = mkdtempSync(join(tmpdir(), 'llmlab-tmpfs-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', point], { stdio: 'ignore' });
    return point;
  } catch {
    rmSync(point, { recursive: true, force: true });
    return undefined;
  }
}

/** Writes until the file system is full. */
function fill(path: string): void {
  const fd = openSync(path, 'w');
  const block = Buffer.alloc(4096, 1);
  try {
    for (;;) writeSync(fd, block);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  } finally {
    closeSync(fd);
  }
}

/** Probed once at load (mounted and at once unmounted), so a filtered run never leaves a mount behind. */
const canMount = ((point) => (point === undefined ? false : (unmount(point), true)))(tryMount());

function unmount(point: string): void {
  execFileSync('umount', [point]);
  rmSync(point, { recursive: true, force: true });
}
describe.skipIf(!canMount)('a full disk mid-run (tmpfs; skipped where mount is not permitted)', () => {
  it('exit 3, the path and the fix, reports from the store, and --resume finishes once there is space', async () => {
    const point = tryMount()!;
    try {
      const db = join(point, 'llmlab.db');
      const child = startCli(['eval', 'suite.yaml', '--db', db, '-o', 'partial.json'], { cwd: dir });
      const { out, code } = collect(child);
      await waitFor(() => storedCells(db) >= 10);
      fill(join(point, 'filler'));
      const exit = await code;
      expect(out.stderr).toContain(`llmlab: cannot write to database ${db}: the disk is full`);
      expect(out.stderr).toMatch(/hint: free space on that disk, then continue the run with `--resume`/);
      expectFaultExit(exit, out.stderr);
      expect(existsSync(join(dir, 'partial.json'))).toBe(true);
      rmSync(join(point, 'filler'));
      await resumeAndCheck(db, ['--db', db]);
    } finally {
      unmount(point);
    }
  });
});

describe('a file at the database path that is not a database', () => {
  it('exit 2 with the path and the way out; `llmlab cache clear` moves it aside', async () => {
    writeFileSync(join(dir, 'bad.db'), 'this is a text file, not a database\n'.repeat(50));
    const r = await runCli(['runs', '--db', 'bad.db'], { cwd: dir });
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
    expect(r.stderr).toContain(`${join(dir, 'bad.db')} is not an llmlab database (or it is corrupt)`);
    expect(r.stderr).toMatch(/hint: move it aside .*`llmlab cache clear`.*--db/);
    expect(r.code).toBe(2);

    const cleared = await runCli(['cache', 'clear', '--db', 'bad.db'], { cwd: dir });
    expect(cleared.stderr).toMatch(/moved .*bad\.db.* aside to .*bad\.db\.corrupt-/);
    expect(cleared.code).toBe(0);
    expect(readdirSync(dir).filter((f) => f.startsWith('bad.db.corrupt-'))).toHaveLength(1);
    expect((await runCli(['runs', '--db', 'bad.db'], { cwd: dir })).code).toBe(0);
  });
});

describe('report files', () => {
  it('an -o path under a regular file: exit 2 naming the path, no stack trace', async () => {
    writeFileSync(join(dir, 'afile'), 'x');
    const r = await runCli(['eval', 'suite.yaml', '-o', 'afile/report.json'], { cwd: dir });
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
    expect(r.stderr).toMatch(/cannot write .*afile\/report\.json/);
    expect(r.code).toBe(2);
  });
});

describe('--output-stream after kill -9 and --resume', () => {
  it('holds every cell exactly once', async () => {
    const db = join(dir, '.llmlab/llmlab.db');
    const streamPath = join(dir, 'out/cells.jsonl');
    mkdirSync(join(dir, 'out'));
    const lines = () => (existsSync(streamPath) ? readFileSync(streamPath, 'utf8').split('\n').filter((l) => l !== '') : []);
    const child = startCli(['eval', 'suite.yaml', '--output-stream', 'out/cells.jsonl'], { cwd: dir });
    const { code } = collect(child);
    // Killed while the stream is ahead of the store (the writer batches): the case that used to duplicate lines.
    await waitFor(() => storedCells(db) >= 10 && lines().length > storedCells(db));
    child.kill('SIGKILL');
    await code;
    const resumed = await runCli(['eval', 'suite.yaml', '--resume', '--output-stream', 'out/cells.jsonl'], { cwd: dir });
    expect(resumed.code).toBe(0);
    const ids = lines().map((l) => (JSON.parse(l) as { cellId: string }).cellId);
    const counts = new Map<string, number>();
    for (const id of ids) counts.set(id, (counts.get(id) ?? 0) + 1);
    expect(counts.size).toBe(TESTS);
    expect([...counts.values()].filter((n) => n !== 1)).toEqual([]);
  });
});
