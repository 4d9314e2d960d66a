/**
 * File patterns of a suite (`tests: file:…`, a benchmark's `path`): a plain path is resolved as it is, and only a
 * pattern with glob syntax loads fast-glob, whose import is a noticeable part of every `llmlab eval`'s start.
 */
import { resolve } from 'node:path';

/** Characters that can make a pattern dynamic; without any, fast-glob would say "static" too. */
const GLOB_SYNTAX = /[*?[\]{}()!+@]/;

/** The files `pattern` names, relative to `cwd`, sorted; a plain path is returned whether or not it exists. */
export async function expandPattern(pattern: string, cwd: string): Promise<string[]> {
  if (!GLOB_SYNTAX.test(pattern)) return [resolve(cwd, pattern)];
  const { default: fg } = await import('fast-glob');
  if (!fg.isDynamicPattern(pattern)) return [resolve(cwd, pattern)];
  return (await fg(pattern, { cwd, absolute: true, onlyFiles: true, dot: false })).sort();
}
