/**
 * SQLite failures the user's machine causes (a full disk, another process holding the lock, an I/O error, a file
 * that is not a database) as LlmlabErrors that say what failed, where, and what to do. Everything else SQLite
 * raises is a bug in llmlab and keeps its stack. Reads `error.code` only: this module does not load better-sqlite3.
 */
import { LlmlabError, messageOf } from '../errors.js';

/** A machine fault: the run stops, stays resumable, and the CLI exits 3. */
interface FaultKind {
  /** SQLite primary code; extended codes (`SQLITE_IOERR_WRITE`) match their primary. */
  code: string;
  message: (db: string, error: unknown) => string;
  hint: string;
}

const RESUME = 'then continue the run with `--resume`';

const FAULTS: readonly FaultKind[] = [
  { code: 'SQLITE_FULL', message: (db) => `cannot write to ${db}: the disk is full`, hint: `free space on that disk, ${RESUME}` },
  { code: 'SQLITE_BUSY', message: (db) => `${db} is locked by another process`, hint: `close the other process using it (another llmlab?), ${RESUME}` },
  { code: 'SQLITE_LOCKED', message: (db) => `${db} is locked by another process`, hint: `close the other process using it (another llmlab?), ${RESUME}` },
  { code: 'SQLITE_IOERR', message: (db, e) => `I/O error on ${db}: ${messageOf(e)}`, hint: `check the disk (free space, dmesg), ${RESUME}` },
  { code: 'SQLITE_READONLY', message: (db, e) => `cannot write to ${db}: ${messageOf(e)}`, hint: `make the file and its folder writable, ${RESUME}` },
  { code: 'SQLITE_PERM', message: (db, e) => `cannot write to ${db}: ${messageOf(e)}`, hint: `make the file and its folder writable, ${RESUME}` },
  { code: 'SQLITE_CANTOPEN', message: (db, e) => `cannot open ${db}: ${messageOf(e)}`, hint: `check the folder exists and is writable, ${RESUME}` },
];

/** The SQLite result code (`SQLITE_FULL`, `SQLITE_IOERR_WRITE`, ...) of a better-sqlite3 error, else undefined. */
export function sqliteCode(error: unknown): string | undefined {
  if (!(error instanceof Error) || error.name !== 'SqliteError') return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && code.startsWith('SQLITE_') ? code : undefined;
}

/** `path` is not a database llmlab can read: exit 2, with the three ways out. */
export function notLlmlabDatabase(path: string, cause?: unknown): LlmlabError {
  return new LlmlabError('DATABASE_INVALID', `${path} is not an llmlab database (or it is corrupt)`, {
    hint: `move it aside (\`mv ${path} ${path}.bad\`), or run \`llmlab cache clear\` (it moves the file aside for you), or use --db with another path`,
    cause,
  });
}

/**
 * The LlmlabError for an error SQLite raised on the database at `path` (`STORAGE_FAULT`, or `DATABASE_INVALID` for
 * a corrupt file); undefined when `error` is not such a fault. An LlmlabError passes through unchanged.
 */
export function storageFault(error: unknown, path?: string): LlmlabError | undefined {
  if (error instanceof LlmlabError) return error;
  const code = sqliteCode(error);
  if (code === undefined) return undefined;
  const db = path === undefined ? 'the llmlab database' : `database ${path}`;
  if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') return notLlmlabDatabase(path ?? 'the llmlab database', error);
  const kind = FAULTS.find((f) => code === f.code || code.startsWith(`${f.code}_`));
  if (!kind) return undefined;
  return new LlmlabError('STORAGE_FAULT', kind.message(db, error), { hint: kind.hint, cause: error });
}
