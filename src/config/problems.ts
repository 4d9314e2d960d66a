/**
 * Collects the problems of one load so a user sees them all at once, ordered by position, instead of fixing
 * them one run at a time.
 */
import { LlmlabError, LlmlabErrors } from '../errors.js';
import type { ErrorCode, SourceLocation } from '../errors.js';
import type { Problem } from './explain-errors.js';
import type { PathSegment } from './yaml-source.js';

/** Finds the position of a path (or of its key) in the file a problem is in. */
export type Locate = (path: readonly PathSegment[], options?: { key?: boolean }) => SourceLocation;

/** Past this many, further problems are counted, not listed: a broken 10,000-row dataset is one fix, not 10,000. */
const SHOWN = 25;

export class ProblemList {
  private readonly errors: LlmlabError[] = [];
  private dropped = 0;

  add(error: LlmlabError): void {
    // The same problem at the same place once: the tests a promptfoo array var expands into share its
    // assertions, and their messages differ only in the test's index.
    if (this.errors.some((e) => e.code === error.code && sameWhere(e, error) && unindexed(e.message) === unindexed(error.message))) return;
    if (this.errors.length < SHOWN) this.errors.push(error);
    else this.dropped++;
  }

  /** Adds schema problems as errors with `code`, positioned by `locate`. */
  addProblems(problems: Problem[], code: ErrorCode, locate: Locate): void {
    for (const problem of problems) {
      const where = locate(problem.path, { key: problem.atKey === true });
      this.add(new LlmlabError(code, problem.message, { where, ...(problem.hint ? { hint: problem.hint } : {}) }));
    }
  }

  get size(): number {
    return this.errors.length + this.dropped;
  }

  /** Throws the one error, or all of them as LlmlabErrors sorted by file and position; no-op when empty. */
  throwIfAny(): void {
    if (this.errors.length === 0) return;
    const files = [...new Set(this.errors.map((error) => error.where?.file ?? ''))];
    const rank = (error: LlmlabError): number[] => [
      files.indexOf(error.where?.file ?? ''),
      error.where?.line ?? 0,
      error.where?.col ?? 0,
    ];
    const sorted = this.errors
      .map((error, i) => ({ error, key: [...rank(error), i] }))
      .sort((a, b) => compareKeys(a.key, b.key))
      .map(({ error }) => error);
    if (this.dropped > 0) {
      sorted.push(new LlmlabError(sorted[0]?.code ?? 'CONFIG_INVALID', `…and ${this.dropped} more problems`, {
        hint: 'fix the ones above and run again',
      }));
    }
    throw sorted.length === 1 ? sorted[0] : new LlmlabErrors(sorted);
  }
}

function unindexed(message: string): string {
  return message.replace(/\[\d+\]/g, '[]');
}

function sameWhere(a: LlmlabError, b: LlmlabError): boolean {
  return a.where?.file === b.where?.file && a.where?.line === b.where?.line && a.where?.col === b.where?.col;
}

function compareKeys(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
