/**
 * `llmlab compare <A> <B>`: run B against run A over the cells both ran, matched by test identity. Either side is a
 * stored run (`latest`, `latest~N`, a run id) or a JSON report file, as `--baseline` takes them.
 */
import { extname, relative, resolve } from 'node:path';
import { LlmlabError } from '../errors.js';
import { formatRunComparison } from '../report/console/compare-lines.js';
import { resolveRunRef, type ResolvedRun } from '../report/compare/refs.js';
import { tryCompareRuns, type RunComparison } from '../report/compare/compare-runs.js';
import { writeTextAtomic } from '../report/writers/write-atomic.js';
import type { Store } from '../store/index.js';
import { createContext } from './context.js';
import type { CliIo } from './io.js';
import { version } from './version.js';

export interface CompareFlags {
  output?: string | string[];
  json?: boolean;
  db?: string;
}

export async function compareCommand(refA: string, refB: string, flags: CompareFlags, io: CliIo): Promise<number> {
  const output = outputPath(flags.output);
  const ctx = await createContext(flags, io);
  const store = ctx.store();
  const a = resolveSide(store, String(refA), 'A', io.cwd);
  const b = resolve(io.cwd, String(refA)) === resolve(io.cwd, String(refB)) && a.source !== 'results' ? a : resolveSide(store, String(refB), 'B', io.cwd, a.run.id);
  const source = a.source === 'results' ? b.source : a.source;
  const comparison = compareOrRefuse(store, a, b, source, io.cwd);
  const json = `${JSON.stringify({ generator: `llmlab ${version}`, ...comparison }, null, 2)}\n`;
  if (flags.json) io.stdout.write(json);
  else io.stdout.write(`${formatRunComparison(comparison, io.cwd, { security: 'all' })}\n`);
  if (output) {
    writeTextAtomic(resolve(io.cwd, output), json);
    io.stderr.write(`wrote ${output}\n`);
  }
  return 0;
}

/**
 * Runs of different suites are compared over the tests both ran, and the comparison's warnings say so in one
 * line; when they share no test, the refusal says that they are of different suites (exit 2).
 */
function compareOrRefuse(store: Store, a: ResolvedRun, b: ResolvedRun, source: ResolvedRun['source'], cwd: string): RunComparison {
  const result = tryCompareRuns(store, a.run, b.run, { source });
  if (!('nothingInCommon' in result)) return result;
  if (a.run.suitePath === b.run.suitePath) throw new LlmlabError('USAGE', result.nothingInCommon, { hint: result.hint });
  const path = (p: string) => relative(cwd, p) || p;
  throw new LlmlabError('USAGE', `runs ${a.run.id} and ${b.run.id} are of different suites (${path(a.run.suitePath)} and ${path(b.run.suitePath)}) and share no test: nothing to compare`, {
    hint: 'compare two runs of the same suite (`llmlab runs` lists them)',
  });
}

/** A stored run or a report file; an unknown run's hint names report files too. */
function resolveSide(store: Store, ref: string, side: 'A' | 'B', cwd: string, takenId?: string): ResolvedRun {
  try {
    return resolveRunRef(store, ref, { what: `run ${side} ${ref}`, cwd, ...(takenId === undefined ? {} : { takenId }) });
  } catch (error) {
    if (!(error instanceof LlmlabError) || error.code !== 'RUN_NOT_FOUND' || error.hint === undefined) throw error;
    throw new LlmlabError('RUN_NOT_FOUND', error.message, {
      hint: `${error.hint}; or give a JSON report file (\`llmlab eval <suite> -o report.json\`)`,
    });
  }
}

/** One `-o` file, and only JSON: checked before the database is opened. */
function outputPath(value: string | string[] | undefined): string | undefined {
  if (value === undefined) return undefined;
  const paths = Array.isArray(value) ? value.map(String) : [String(value)];
  if (paths.length > 1) throw new LlmlabError('USAGE', 'compare writes one report: give -o once');
  const path = paths[0]!;
  if (extname(path).toLowerCase() !== '.json') {
    throw new LlmlabError('USAGE', `cannot write \`${path}\`: compare reports are JSON only`, {
      hint: 'name the file with a .json extension, or use --json to print the JSON',
    });
  }
  return path;
}
