/**
 * State of one translation: where each translated node came from, the notices, the untranslated list and the
 * problems, so every translator file records them the same way.
 */
import { resolve } from 'node:path';
import { LlmlabError, LlmlabErrors } from '../../errors.js';
import type { SourceLocation } from '../../errors.js';
import type { DialectDeps, Origin, PathSegment, SourceDoc, Translation } from './types.js';

/** A value of the promptfoo config (or of a file it references) together with where it is. */
export interface Here {
  doc: SourceDoc;
  path: PathSegment[];
}

export class Translator {
  readonly origins = new Map<string, Origin>();
  readonly notices: Translation['notices'] = [];
  readonly untranslated: Translation['untranslated'] = [];
  readonly fileRefs: PathSegment[][] = [];
  readonly sources: string[] = [];
  private readonly problems: LlmlabError[] = [];

  constructor(
    /** The promptfoo config itself. */
    readonly root: SourceDoc,
    readonly baseDir: string,
    readonly deps: DialectDeps,
  ) {}

  /** Records that the translated node at `to` came from `from`. */
  map(to: PathSegment[], from: Here): void {
    this.origins.set(JSON.stringify(to), { doc: from.doc, path: from.path });
  }

  at(here: Here, options?: { key?: boolean }): SourceLocation {
    return here.doc.locate(here.path, options);
  }

  notice(here: Here, text: string): void {
    this.notices.push({ where: this.at(here, { key: true }), text });
  }

  /** A key left out, listed for `llmlab import` and announced by eval/plan. */
  skip(here: Here, reason: string): void {
    this.untranslated.push({ where: this.at(here, { key: true }), key: keyName(here.path), reason });
  }

  problem(here: Here, message: string, hint: string, options?: { key?: boolean }): void {
    this.problems.push(new LlmlabError('CONFIG_INVALID', message, { where: this.at(here, options), hint }));
  }

  /** Adds an error thrown by a service (a missing file, a malformed dataset). */
  fail(error: unknown): void {
    if (error instanceof LlmlabErrors) this.problems.push(...error.errors);
    else if (error instanceof LlmlabError) this.problems.push(error);
    else throw error;
  }

  addSource(file: string): void {
    if (file !== this.root.file && !this.sources.includes(file)) this.sources.push(file);
  }

  /** Absolute path of a reference written in `doc` (relative to that file's folder). */
  resolvePath(doc: SourceDoc, ref: string): string {
    return resolve(doc === this.root ? this.baseDir : resolve(doc.file, '..'), ref);
  }

  /** Throws the problems in file order (the config first), then by position. */
  throwIfAny(): void {
    if (this.problems.length === 1) throw this.problems[0];
    if (this.problems.length === 0) return;
    const files = [this.root.file, ...this.sources];
    const rank = (e: LlmlabError) => [files.indexOf(e.where?.file ?? ''), e.where?.line ?? 0, e.where?.col ?? 0];
    const sorted = [...this.problems].sort((a, b) => {
      const [x, y] = [rank(a), rank(b)];
      return (x[0]! - y[0]!) || (x[1]! - y[1]!) || (x[2]! - y[2]!);
    });
    throw new LlmlabErrors(sorted);
  }
}

/** `tests[2].options` from a path, as the untranslated list names a key. */
export function keyName(path: readonly PathSegment[]): string {
  return path.map((segment, i) => (typeof segment === 'number' ? `[${segment}]` : i === 0 ? segment : `.${segment}`)).join('');
}

/** The path one level down. */
export function child(here: Here, segment: PathSegment): Here {
  return { doc: here.doc, path: [...here.path, segment] };
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `file://x` → `x`; undefined when the value is not a file reference. */
export function fileRef(value: unknown): string | undefined {
  if (typeof value !== 'string' || !value.startsWith('file://')) return undefined;
  return value.slice('file://'.length).trim();
}
