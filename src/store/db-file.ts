/**
 * Cheap checks of the file at the database path, made before and just after SQLite opens it, so a text file, a
 * truncated copy or a database damaged by a crash is named as such (exit 2) instead of surfacing later as an
 * internal error in the middle of a run.
 */
import { closeSync, existsSync, openSync, readSync, renameSync, statSync } from 'node:fs';
import type Database from 'better-sqlite3';
import { LlmlabError, messageOf } from '../errors.js';
import { notLlmlabDatabase } from './faults.js';

const MAGIC = 'SQLite format 3\0';

/**
 * Throws when a non-empty file at `path` is not a SQLite database, or (with `length`) is shorter than its header
 * says: a truncated copy. Reads the 100-byte header only. An empty or missing file is a new database. The length
 * is only meaningful after a clean close: while a `-wal` file holds frames, a checkpoint cut short (by a full disk)
 * may have written the header before the pages, and SQLite recovers that from the WAL.
 */
export function checkHeader(path: string, length: boolean): void {
  const size = fileSize(path);
  if (size === 0) return;
  const header = Buffer.alloc(100);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, header, 0, 100, 0);
  } finally {
    closeSync(fd);
  }
  if (size < 100 || header.toString('latin1', 0, 16) !== MAGIC) throw notLlmlabDatabase(path);
  const raw = header.readUInt16BE(16);
  const pageSize = raw === 1 ? 65536 : raw;
  // The page count in the header is only valid when the change counter matches "version-valid-for" (file format §1.3.7).
  const pages = header.readUInt32BE(24) === header.readUInt32BE(92) ? header.readUInt32BE(28) : 0;
  if (pageSize < 512 || (length && pages * pageSize > size)) throw notLlmlabDatabase(path);
}

/**
 * True when the last process to use the database did not close it: a clean close of the last connection checkpoints
 * and deletes the `-wal` file, a killed process leaves it behind with frames in it. (Another process that has the
 * database open right now also has one; then the check that follows costs time, not correctness.)
 */
export function leftOpen(path: string): boolean {
  return fileSize(`${path}-wal`) > 0;
}

/** Runs `PRAGMA quick_check` and throws, with SQLite's first complaint, when the database is damaged. */
export function quickCheck(db: Database.Database, path: string): void {
  let verdict: string;
  try {
    verdict = String(db.pragma('quick_check', { simple: true }));
  } catch (error) {
    verdict = messageOf(error);
  }
  if (verdict === 'ok') return;
  throw new LlmlabError('DATABASE_INVALID', `${path} failed its integrity check (PRAGMA quick_check) after an unclean shutdown: ${verdict}`, {
    hint: `move it aside (\`mv ${path} ${path}.bad\`) and run again: answers will be fetched anew; or use --db with another path`,
  });
}

/** Throws when a database that is not ours (no schema version, tables of its own) sits at `path`. */
export function checkOwnSchema(db: Database.Database, path: string, version: number): void {
  if (version > 0) return;
  const tables = db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'").get() as { n: number };
  if (tables.n > 0) throw notLlmlabDatabase(path);
}

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0; // no file yet: SQLite creates it
  }
}

/**
 * Renames the database at `path` (with its `-wal` and `-shm` files, which belong to it) to
 * `<path>.corrupt-<time>`, so a new database can start there and the old one stays for inspection. Returns the new name.
 */
export function moveAside(path: string): string {
  const aside = `${path}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  renameSync(path, aside);
  for (const suffix of ['-wal', '-shm']) {
    if (existsSync(`${path}${suffix}`)) renameSync(`${path}${suffix}`, `${aside}${suffix}`);
  }
  return aside;
}
