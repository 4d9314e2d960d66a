/**
 * Report files are replaced whole or not at all. A write that fails part-way (a full disk: a real tiny tmpfs where
 * this machine can mount one, and an injected ENOSPC everywhere) leaves the previous file and no temp file, and
 * fails with an error naming the file; a path whose folder is a file is the user's to fix (exit 2).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exitCodeFor } from '../../../src/errors.js';
import { writeChunked } from '../../../src/report/writers/write-chunked.js';
import { writeAtomic, writeTextAtomic } from '../../../src/report/writers/write-atomic.js';
import { thrownLlmlabError } from '../../thrown.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'llmlab-atomic-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));


function* pieces(n: number, failAt?: number): Generator<string> {
  for (let i = 0; i < n; i++) {
    if (i === failAt) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    yield `{"line":${i},"pad":"${'x'.repeat(1000)}"}\n`;
  }
}

describe('writeAtomic', () => {
  it('writes the file and leaves nothing else in the folder', () => {
    const path = join(dir, 'out', 'report.jsonl');
    writeChunked(path, pieces(200));
    expect(readFileSync(path, 'utf8').split('\n')).toHaveLength(201);
    expect(readdirSync(join(dir, 'out'))).toEqual(['report.jsonl']);
  });

  it('a write failing part-way (injected ENOSPC) keeps the old file whole and says what to do: exit 3', () => {
    const path = join(dir, 'report.jsonl');
    writeFileSync(path, 'previous report\n');
    const error = thrownLlmlabError(() => writeChunked(path, pieces(500, 300)));
    expect(error.message).toBe(`cannot write ${path}: the disk is full`);
    expect(error.hint).toMatch(/free space.*llmlab report <run> -o/);
    expect(exitCodeFor(error)).toBe(3);
    expect(readFileSync(path, 'utf8')).toBe('previous report\n');
    expect(readdirSync(dir)).toEqual(['report.jsonl']);
  });

  it('a folder in the path that is a file: exit 2, naming the path', () => {
    writeFileSync(join(dir, 'afile'), 'x');
    const path = join(dir, 'afile', 'report.md');
    const error = thrownLlmlabError(() => writeTextAtomic(path, 'text'));
    expect(error.message).toBe(`cannot write ${path}: a folder in its path is a file`);
    expect(exitCodeFor(error)).toBe(2);
  });

  it('an error that is not a file fault is passed on unchanged', () => {
    const bug = new TypeError('bug');
    expect(() => writeAtomic(join(dir, 'x.json'), () => {
      throw bug;
    })).toThrow(bug);
    expect(readdirSync(dir)).toEqual([]);
  });
});

/** A 64 KiB tmpfs, where this machine allows mounting one (root with CAP_SYS_ADMIN); elsewhere skipped. */
function tryMount(): string | undefined {
  const point = mkdtempSync(join(tmpdir(), 'llmlab-tmpfs-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', point], { stdio: 'ignore' });
    return point;
  } catch {
    rmSync(point, { recursive: true, force: true });
    return undefined;
  }
}

/** Probed once at load (mounted and at once unmounted), so a filtered run never leaves a mount behind. */
const canMount = ((point) => (point === undefined ? false : (unmount(point), true)))(tryMount());

function unmount(point: string): void {
  execFileSync('umount', [point]);
  rmSync(point, { recursive: true, force: true });
}
describe.skipIf(!canMount)('on a real full disk (64 KiB tmpfs; skipped where mount is not permitted)', () => {
  it('a report larger than the free space leaves the previous file whole and no temp file', () => {
    const point = tryMount()!;
    try {
      const path = join(point, 'report.jsonl');
      writeFileSync(path, 'previous report\n');
      const error = thrownLlmlabError(() => writeChunked(path, pieces(200)));
      expect(error.message).toBe(`cannot write ${path}: the disk is full`);
      expect(readFileSync(path, 'utf8')).toBe('previous report\n');
      expect(readdirSync(point)).toEqual(['report.jsonl']);
    } finally {
      unmount(point);
    }
  });
});
