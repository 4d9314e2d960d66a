/** What every resolution step of one suite shares. */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { ProblemList } from './problems.js';
import { fileError, type PathSegment, type YamlSource } from './yaml-source.js';

export interface ResolveContext {
  /** Absolute path of the suite file. */
  file: string;
  baseDir: string;
  source: YamlSource;
  problems: ProblemList;
  /** The project's user metrics (name → absolute module path), from llmlab.config.yaml. */
  metrics: Readonly<Record<string, string>>;
  /** Every file read so far, the suite first. */
  sources: string[];
  /** The project's media store folder (beside its database), where media vars are stored; created on first use. */
  mediaDir: string;
  /** The suite's `media.maxEdge`: images larger than this are stored downscaled (src/media/downscale.ts). */
  mediaMaxEdge?: number;
}

/** Records a file as read (once). */
export function addSource(context: ResolveContext, file: string): void {
  if (!context.sources.includes(file)) context.sources.push(file);
}

/**
 * Reads a file the suite references at `path` (relative to the suite) and records it as a source; a read failure
 * is a problem at the reference, naming the file as `what`, and gives undefined.
 */
export async function readReferenced(
  context: ResolveContext,
  ref: string,
  what: string,
  path: PathSegment[],
): Promise<{ file: string; text: string } | undefined> {
  const file = resolve(context.baseDir, ref);
  try {
    const text = await readFile(file, 'utf8');
    addSource(context, file);
    return { file, text };
  } catch (error) {
    context.problems.add(fileError(error, file, what, context.source.locate(path)));
    return undefined;
  }
}
