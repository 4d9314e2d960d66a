/**
 * Every report file (`-o` of each format, the PR comment, JUnit, a comparison) is replaced whole or not at all: it is
 * written to a temporary file in the same folder, fsynced, then renamed over the target. A full disk or a read-only
 * folder then leaves the previous file as it was (and no half-written one a CI step would read or post) and fails
 * with an error that names the file and the fix. A leaf module: it imports only errors.ts.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { LlmlabError, messageOf } from '../../errors.js';

/** Appends bytes or text to the file being written. */
export type WriteFn = (data: string | Uint8Array) => void;

/** Writes `path` through `fill`, atomically; see the module comment. Throws an LlmlabError on a file fault. */
export function writeAtomic(path: string, fill: (write: WriteFn) => void): void {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
  let fd: number | undefined;
  try {
    mkdirSync(dirname(path), { recursive: true });
    fd = openSync(temp, 'wx');
    const target = fd;
    fill((data) => writeAll(target, data));
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(temp, path);
  } catch (error) {
    if (fd !== undefined) closeQuietly(fd);
    removeQuietly(temp);
    throw fileFault(error, path) ?? error;
  }
}

/** Writes `text` to `path` atomically. */
export function writeTextAtomic(path: string, text: string): void {
  writeAtomic(path, (write) => write(text));
}

/** write(2) may write less than asked when the disk fills: loop, so the next call reports ENOSPC instead of a cut file. */
function writeAll(fd: number, data: string | Uint8Array): void {
  const bytes = typeof data === 'string' ? Buffer.from(data) : data;
  for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done, bytes.length - done);
}

/** The temp file may not exist (its folder could not be made); the write's own error is the one to report. */
function removeQuietly(path: string): void {
  try {
    rmSync(path, { force: true });
  } catch {
    // nothing was created
  }
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // the write already failed; that error is the one to report
  }
}

/** The machine ran out of something: exit 3, like a storage fault of the database. */
const MACHINE = new Set(['ENOSPC', 'EDQUOT', 'EIO', 'EFBIG']);
/** The path cannot be written as given: the user picks another (exit 2). */
const PATH = new Set(['EACCES', 'EPERM', 'EROFS', 'ENOTDIR', 'EISDIR', 'EEXIST', 'ENOENT', 'ENAMETOOLONG']);

/** The LlmlabError for a failed write of the report file `path`; undefined for an error that is not a file fault. */
export function fileFault(error: unknown, path: string): LlmlabError | undefined {
  if (error instanceof LlmlabError) return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === undefined) return undefined;
  if (MACHINE.has(code)) {
    return new LlmlabError('STORAGE_FAULT', `cannot write ${path}: ${reason(code, error)}`, {
      hint: 'free space on that disk; the run is stored, so `llmlab report <run> -o <file>` writes the report again (`llmlab runs` lists run ids)',
      cause: error,
    });
  }
  if (PATH.has(code)) {
    return new LlmlabError('FILE_UNWRITABLE', `cannot write ${path}: ${reason(code, error)}`, {
      hint: 'choose another path, or make its folder writable (a folder in the path may be a file)',
      cause: error,
    });
  }
  return undefined;
}

function reason(code: string, error: unknown): string {
  const known: Record<string, string> = {
    ENOSPC: 'the disk is full',
    EDQUOT: 'the disk quota is exhausted',
    EFBIG: 'the file is larger than this process may write',
    EROFS: 'the file system is read-only',
    EACCES: 'permission denied',
    EPERM: 'permission denied',
    ENOTDIR: 'a folder in its path is a file',
    EEXIST: 'a folder in its path is a file',
  };
  return known[code] ?? messageOf(error);
}
