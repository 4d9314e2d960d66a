/**
 * Storage faults met in-process, on a real SQLite file: a full disk mid-run (SQLite's `max_page_count` caps the
 * file at a chosen size and makes SQLite answer SQLITE_FULL, as a full disk does), and files at the database path
 * that are not an llmlab database.
 */
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exitCodeFor } from '../../src/errors.js';
import { openStore, type Store } from '../../src/store/index.js';
import { makeSuite, provider, tests } from '../engine/make-suite.js';
import { runInStore } from '../engine/run-in-store.js';
import { thrownLlmlabError } from '../thrown.js';

let dir: string;
let path: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'llmlab-faults-'));
  path = join(dir, 'llmlab.db');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** 300 cells whose prompts are long enough that their rows need far more pages than the cap leaves. */
function bigSuite() {
  const questions = Array.from({ length: 300 }, (_, i) => `question ${i} ${'x'.repeat(400)}`);
  return makeSuite({ providers: [provider('echo')], tests: tests(questions) });
}

function statuses(store: Store): string[] {
  return (store.db.prepare('SELECT status FROM runs').all() as { status: string }[]).map((r) => r.status);
}


describe('a full disk mid-run', () => {
  it('stops the run as interrupted with a storage fault, and --resume finishes it', async () => {
    const store = openStore(path);
    try {
      const pages = store.db.pragma('page_count', { simple: true }) as number;
      store.db.pragma(`max_page_count = ${pages + 8}`);
      const { outcome } = await runInStore(store, dir, bigSuite());
      expect(outcome.status).toBe('interrupted');
      expect(outcome.fault?.code).toBe('STORAGE_FAULT');
      expect(exitCodeFor(outcome.fault)).toBe(3);
      expect(outcome.fault?.message).toContain(path);
      expect(outcome.fault?.message).toMatch(/full/);
      expect(outcome.fault?.hint).toMatch(/free space.*--resume/);
      expect(statuses(store)).toEqual(['interrupted']);
      const saved = store.results.finishedCellIds(outcome.run.id).size;
      expect(saved).toBeLessThan(300);

      store.db.pragma('max_page_count = 1073741823');
      const resumed = await runInStore(store, dir, bigSuite(), { resume: true });
      expect(resumed.outcome.status).toBe('completed');
      expect(resumed.outcome.fault).toBeUndefined();
      expect(resumed.outcome.resumedCells).toBe(saved);
      expect(new Set(resumed.cells.map((c) => c.cellId)).size).toBe(300);
      expect(statuses(store)).toEqual(['completed']);
    } finally {
      store.close();
    }
  });
});

describe('a file at the database path that is not an llmlab database', () => {
  const notLlmlab = (p: string) => `${p} is not an llmlab database (or it is corrupt)`;

  it.each([
    ['random bytes', () => writeFileSync(path, Buffer.from(Array.from({ length: 8192 }, (_, i) => (i * 7919 + 13) % 256)))],
    ['a text file', () => writeFileSync(path, 'providers:\n  - echo\n'.repeat(200))],
  ])('%s: exit 2, the path, and what to do', (_, make) => {
    make();
    const error = thrownLlmlabError(() => openStore(path));
    expect(error.message).toBe(notLlmlab(path));
    expect(exitCodeFor(error)).toBe(2);
    expect(error.hint).toMatch(/move it aside.*llmlab cache clear.*--db/);
    expect(readFileSync(path).length).toBeGreaterThan(0); // left as it was
  });

  it('a truncated database', async () => {
    const store = openStore(path);
    await runInStore(store, dir, bigSuite());
    store.close();
    truncateSync(path, Math.floor(statSync(path).size / 2));
    expect(thrownLlmlabError(() => openStore(path)).message).toBe(notLlmlab(path));
  });

  it('another program\'s SQLite database', async () => {
    const Database = (await import('better-sqlite3')).default;
    const other = new Database(path);
    other.exec('CREATE TABLE notes (body TEXT)');
    other.close();
    expect(thrownLlmlabError(() => openStore(path)).message).toBe(notLlmlab(path));
  });

  it('after an unclean shutdown, a damaged page fails the quick check', async () => {
    const store = openStore(path);
    await runInStore(store, dir, bigSuite());
    const pageSize = store.db.pragma('page_size', { simple: true }) as number;
    store.close();
    // Garbage over a b-tree page in the middle of the file; page 1 (header, schema) stays intact, so opening alone
    // would not notice. A `-wal` file left behind is what a killed process leaves.
    const fd = openSync(path, 'r+');
    writeSync(fd, Buffer.alloc(pageSize, 0xab), 0, pageSize, pageSize * 5);
    closeSync(fd);
    writeFileSync(`${path}-wal`, Buffer.alloc(4096, 1));
    const error = thrownLlmlabError(() => openStore(path));
    expect(error.message).toMatch(new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} failed its integrity check \\(PRAGMA quick_check\\) after an unclean shutdown: `));
    expect(exitCodeFor(error)).toBe(2);
    expect(error.hint).toMatch(/move it aside/);
  });

  it('an intact database left by a killed process opens after the quick check', async () => {
    const store = openStore(path);
    await runInStore(store, dir, bigSuite());
    store.close();
    writeFileSync(`${path}-wal`, Buffer.alloc(4096, 1));
    const again = openStore(path);
    expect(again.runs.list()).toHaveLength(1);
    again.close();
  });
});
