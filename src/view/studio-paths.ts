/**
 * Where the studio may read and write: files inside the project directory only. A path from the browser is
 * resolved against the project root and refused when it leaves it — by `..`, by being absolute elsewhere, or
 * through a symlink (the real path of the deepest existing folder is checked, and of the file when it exists).
 * Writes go to text files only (never the database) and are atomic, so a failed save leaves the old file whole.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, extname, isAbsolute, relative, resolve, sep } from 'node:path';
import { writeTextAtomic } from '../report/writers/write-atomic.js';
import type { ViewContext } from './context.js';
import { ViewError } from './errors.js';

/** Extensions a prompt may be saved to; `.yaml`/`.yml` only for the suite file itself (inline prompts). */
export const PROMPT_EXTENSIONS: ReadonlySet<string> = new Set(['.txt', '.md', '.njk', '.prompt', '.j2', '.jinja', '.jinja2', '.tmpl']);
const SUITE_EXTENSIONS: ReadonlySet<string> = new Set(['.yaml', '.yml']);

/** sha256 of a file's bytes as they are on disk now: what a save compares with the hash the page loaded. */
export function fileHash(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** `path` relative to the project root, with `/` separators: how the API names files. */
export function relativeToRoot(view: ViewContext, path: string): string {
  return relative(view.root, path).split(sep).join('/');
}

/** True when `path` (absolute, normalized) is the root or below it. */
function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/**
 * The absolute path of `given` (relative to the project root, or absolute) when it lies inside the root, following
 * symlinks; else a 403. `what` names the path in the message.
 */
export function projectPath(view: ViewContext, given: string, what: string): string {
  if (typeof given !== 'string' || given.trim() === '' || given.includes('\0')) {
    throw new ViewError(400, `${what}: give a path inside the project`, `paths are relative to ${view.root}`);
  }
  const path = resolve(view.root, given);
  const outside = () => new ViewError(403, `${what} ${given} is outside the project directory`, `the studio reads and writes only below ${view.root}`);
  if (!inside(view.root, path)) throw outside();
  // A symlink inside the root may lead out of it: check where the deepest existing ancestor really is.
  let existing = path;
  while (!existsSync(existing)) existing = dirname(existing);
  const real = realpathSync(existing);
  if (!inside(view.root, real)) throw outside();
  return existing === path ? real : resolve(real, relative(existing, path));
}

/**
 * Refuses a save target that is not a text file the studio may write: the database (and its -wal/-shm), or an
 * extension outside {@link PROMPT_EXTENSIONS} (the suite's own YAML when `suite` is true).
 */
export function checkWritable(view: ViewContext, path: string, options: { suite?: boolean } = {}): void {
  const db = existsSync(view.project.db) ? realpathSync(view.project.db) : resolve(view.project.db);
  if (path === db || path.startsWith(`${db}-`)) {
    throw new ViewError(403, `${relativeToRoot(view, path)} is the llmlab database`, 'save the prompt to a text file (.txt, .md, .njk, .prompt, .j2)');
  }
  const ext = extname(path).toLowerCase();
  const allowed = options.suite ? SUITE_EXTENSIONS : PROMPT_EXTENSIONS;
  if (!allowed.has(ext)) {
    throw new ViewError(422, `the studio does not write ${ext || 'extensionless'} files (${relativeToRoot(view, path)})`, `use one of ${[...allowed].join(' ')}`);
  }
}

/** Writes `text` to `path` atomically (temp file + rename) and returns the new file's hash. */
export function writeProjectFile(path: string, text: string): string {
  writeTextAtomic(path, text);
  return fileHash(path);
}
