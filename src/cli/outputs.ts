/**
 * Writes the `-o` report files of a run, and opens the `--output-stream` file. The format follows the file
 * extension; {@link WRITERS} is the one table to extend with a new format.
 */
import { basename, extname, join, relative, resolve } from 'node:path';
import { LlmlabError, messageOf } from '../errors.js';
import type { ResolvedBaseline } from '../report/compare/baseline.js';
import { jsonLine } from '../report/writers/jsonl.js';
import { openJsonlStream, type JsonlStream } from '../report/writers/jsonl-stream.js';
import type { BaselineComparison } from '../report/compare/baseline.js';
import { fileFault } from '../report/writers/write-atomic.js';
import type { RunSummary } from '../report/summary.js';
import type { RunRecord, Store } from '../store/index.js';
import type { RunEvent } from '../types.js';
import { version } from './version.js';
import type { CliIo } from './io.js';

/** What every report writer gets. */
export interface ReportInput {
  store: Store;
  run: RunRecord;
  summary: RunSummary;
  /** The run to compare against, or the comparison already made, when the command was given `--baseline`. */
  baseline?: RunRecord | BaselineComparison;
  /** The baseline run itself and where its cells are (a report file's live in a TEMP table), for per-cell views. */
  baselineRun?: ResolvedBaseline;
  /** The llmlab version, for the report's generator field. */
  version: string;
}

/** Renders one run into the file at an absolute `path`. */
export type ReportWriter = (path: string, input: ReportInput) => Promise<void>;

/**
 * Extension → writer. Each writer's module loads when its format is asked for: a plain `llmlab eval` pays for
 * none of them (nunjucks templates, the HTML page's assets) at start-up.
 */
const WRITERS: Record<string, ReportWriter> = {
  '.json': async (path, r) => (await import('../report/writers/json.js')).writeJsonReport(path, r.store, r.run, r.summary, r.version),
  '.md': async (path, r) =>
    (await import('../report/writers/markdown.js')).writeMarkdownReport(path, r.store, r.run, r.summary, {
      baseline: r.baseline,
      generator: `llmlab ${r.version}`,
    }),
  '.xml': async (path, r) => (await import('../report/writers/junit.js')).writeJunitReport(path, r.store, r.run),
  '.csv': async (path, r) => (await import('../report/writers/csv.js')).writeCsvReport(path, r.store, r.run),
  '.jsonl': async (path, r) => (await import('../report/writers/jsonl.js')).writeJsonlReport(path, r.store, r.run),
  '.html': async (path, r) =>
    (await import('../report/writers/html.js')).writeHtmlReport(path, r.store, r.run, r.summary, r.version, { baseline: htmlBaseline(r) }),
};

/** The extensions `-o` accepts. */
export function reportFormats(): string[] {
  return Object.keys(WRITERS);
}

/** Fails before a run starts when an output's format is unknown, so no run is wasted on a typo. */
export function checkOutputs(paths: string[]): void {
  for (const path of paths) {
    if (!Object.hasOwn(WRITERS, extname(path).toLowerCase())) {
      throw new LlmlabError('USAGE', `cannot write \`${path}\`: unknown report format \`${extname(path) || '(none)'}\``, {
        hint: `use one of: ${reportFormats().join(', ')}`,
      });
    }
  }
}

export async function writeOutputs(
  paths: string[],
  store: Store,
  run: RunRecord,
  summary: RunSummary,
  options: {
    io: CliIo;
    baseline?: RunRecord | BaselineComparison;
    baselineRun?: ResolvedBaseline;
    /** The project's `outputDir` (absolute), where a bare file name goes; see {@link outputPath}. */
    outputDir?: string;
  },
): Promise<void> {
  for (const given of paths) {
    const input = { store, run, summary, baseline: options.baseline, baselineRun: options.baselineRun, version };
    const absolute = outputPath(given, options.io.cwd, options.outputDir);
    // Named as the user can open it: as typed, or where outputDir put it.
    const path = absolute === resolve(options.io.cwd, given) ? given : relative(options.io.cwd, absolute) || absolute;
    try {
      await WRITERS[extname(path).toLowerCase()]!(absolute, input);
    } catch (error) {
      // Also covers a writer's own scratch files (JUnit's per-suite parts) filling the disk.
      throw fileFault(error, path) ?? error;
    }
    options.io.stderr.write(`wrote ${path}\n`);
  }
}

/**
 * Where `-o <given>` is written: a bare file name (`report.html`) into the project's `outputDir` when
 * llmlab.config.yaml sets one, anything else (`./report.html`, `out/report.html`, an absolute path) as given
 * from the working directory.
 */
export function outputPath(given: string, cwd: string, outputDir: string | undefined): string {
  const bare = basename(given) === given && given !== '.' && given !== '..';
  return outputDir !== undefined && bare ? join(outputDir, given) : resolve(cwd, given);
}

/** The HTML report pairs cells itself, so it needs the baseline run and its source, not only the comparison. */
function htmlBaseline(r: ReportInput) {
  if (r.baselineRun) return { run: r.baselineRun.run, source: r.baselineRun.source, sameSuite: r.baselineRun.sameSuite };
  if (r.baseline && 'suitePath' in r.baseline) return { run: r.baseline };
  return undefined;
}

/**
 * For `--resume`: when the resumed run starts, its stream file is rewritten from the cells the store holds for it,
 * then appended to, so after a kill -9 every cell has exactly one line.
 */
export function reconcileStream(stream: JsonlStream, store: Store): (event: RunEvent) => void {
  return (event) => {
    if (event.type !== 'run-start') return;
    stream.reset((function* () {
      for (const cell of store.results.iterate(event.runId)) yield jsonLine(cell);
    })());
  };
}

/**
 * Opens the `--output-stream` file of `llmlab eval` (JSON Lines, one cell per line as it finishes); undefined
 * without the flag. A resumed run appends to the file instead of starting it over.
 */
export function openOutputStream(path: unknown, resume: boolean, cwd: string): JsonlStream | undefined {
  if (path === undefined || path === false) return undefined;
  if (typeof path !== 'string' || path === '') {
    throw new LlmlabError('USAGE', '--output-stream takes one file name', { hint: 'e.g. --output-stream reports/cells.jsonl' });
  }
  try {
    return openJsonlStream(resolve(cwd, path), { append: resume });
  } catch (error) {
    throw new LlmlabError('USAGE', `cannot open --output-stream file \`${path}\`: ${messageOf(error)}`, { cause: error });
  }
}
