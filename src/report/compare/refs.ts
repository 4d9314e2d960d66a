/**
 * Run refs as `llmlab compare` and `--baseline` take them: `latest`, `latest~N`, a run id, or a JSON report file
 * (`-o x.json`) whose cells are loaded into a TEMP table of this connection, so a report is paired by the very
 * same queries as a stored run and never enters the database file.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { LlmlabError, messageOf } from '../../errors.js';
import { isLatestRef, type RunRecord, type Store } from '../../store/index.js';
import { importReportCells, type ImportedCell, type PairSource } from '../../store/run-pairs.js';
import type { RunStatus } from '../../types.js';
import { REPORT_SCHEMA_VERSION } from '../shared.js';

/** A run ready to compare: a stored run, or a report file's run loaded into the TEMP source. */
export interface ResolvedRun {
  /** As given on the command line. */
  ref: string;
  run: RunRecord;
  source: PairSource;
  /** For the console: `run 20261126-233512-9f3a (latest~1)` or `report reports/main.json (run …)`. */
  label: string;
}

/** Which runs `latest` and `latest~N` count (see {@link findRun}). */
export interface FindRunOptions {
  /** A baseline: count only whole and merged runs, never a lone shard or a subset (both are part of a run). */
  wholeRuns?: boolean;
  /** The suite named or implied (eval's suite, a report's run): count only its runs. Else every run. */
  suitePath?: string;
}

/**
 * Resolves `latest`, `latest~N` (the N-th run before the newest) or a run id; RUN_NOT_FOUND otherwise. `latest`
 * means the same everywhere: the newest run of the suite when one is named or implied, of all runs otherwise;
 * a baseline's skips lone shards and subsets. A run id names any run, subsets and shards included.
 */
export function findRun(store: Store, ref: string, options: FindRunOptions = {}): RunRecord {
  const which = { wholeRuns: options.wholeRuns === true, ...(options.suitePath === undefined ? {} : { suitePath: options.suitePath }) };
  const run = store.runs.byRef(ref, which);
  if (!run) {
    const narrowed = isLatestRef(ref) !== undefined && (options.wholeRuns === true || options.suitePath !== undefined);
    const among = narrowed ? ` among ${options.wholeRuns ? 'the whole runs' : 'the runs'}${options.suitePath ? ` of ${options.suitePath}` : ''}` : '';
    throw new LlmlabError('RUN_NOT_FOUND', `no run \`${ref}\`${among} in ${store.path}`, {
      hint: 'list runs with `llmlab runs`; `latest` names the newest, `latest~1` the one before',
    });
  }
  return run;
}

/** True when `ref` names a report file rather than a stored run: a `.json` name, or a file that exists. */
export function isReportRef(ref: string, cwd = process.cwd()): boolean {
  if (isLatestRef(ref)) return false;
  return /\.json$/i.test(ref) || existsSync(resolve(cwd, ref));
}

/** Options of {@link resolveRunRef}. */
export interface RunRefOptions {
  /** Starts the report-file errors: `--baseline x.json`, `run A x.json`. */
  what: string;
  /** Where relative paths start; default the working directory. */
  cwd?: string;
  /** An id already loaded from another report (two reports of one run, e.g. before and after `--resume`). */
  takenId?: string;
  /** `latest~N` skips lone shards and subsets (see {@link findRun}). */
  wholeRuns?: boolean;
  /** `latest~N` counts this suite's runs only (see {@link findRun}). */
  suitePath?: string;
}

/**
 * Resolves a stored run or a report file (see {@link isReportRef}); an unknown run is findRun's RUN_NOT_FOUND.
 * Errors exit 2 with a hint.
 */
export function resolveRunRef(store: Store, ref: string, options: RunRefOptions): ResolvedRun {
  const cwd = options.cwd ?? process.cwd();
  if (isReportRef(ref, cwd)) return reportRun(store, ref, resolve(cwd, ref), options);
  const run = findRun(store, ref, { wholeRuns: options.wholeRuns === true, ...(options.suitePath === undefined ? {} : { suitePath: options.suitePath }) });
  return { ref, run, source: 'results', label: `run ${run.id}${run.id === ref ? '' : ` (${ref})`}` };
}

function reportRun(store: Store, ref: string, path: string, { what, takenId }: RunRefOptions): ResolvedRun {
  if (!existsSync(path)) {
    throw new LlmlabError('FILE_NOT_FOUND', `${what}: no such report file`, {
      hint: 'write one with `llmlab eval <suite> -o report.json` or `llmlab report <run> -o report.json`',
    });
  }
  const report = readReport(path, what);
  // A prefix no stored run id has, so the report's run can never collide with the run it came from.
  const id = `report:${report.run.id}${takenId === `report:${report.run.id}` ? '#2' : ''}`;
  const run: RunRecord = {
    id,
    suitePath: report.run.suite.path,
    suiteHash: report.run.suite.hash,
    ...(report.run.suite.description ? { description: report.run.suite.description } : {}),
    status: report.run.status,
    totalCells: report.cells.length,
    options: report.run.options,
    ...(report.run.gitSha ? { gitSha: report.run.gitSha } : {}),
    createdAt: Date.parse(report.run.createdAt) || 0,
  };
  const source = importReportCells(store.db, id, report.cells);
  return { ref, run, source, label: `report ${ref} (run ${report.run.id})` };
}

interface ReportFile {
  run: {
    id: string;
    status: RunStatus;
    suite: { path: string; hash: string; description?: string | null };
    gitSha?: string | null;
    createdAt: string;
    options: RunRecord['options'];
  };
  cells: ImportedCell[];
}

const WRITE_ONE = 'give a file written by `llmlab eval -o report.json` or `llmlab report <run> -o report.json`';

/** Reads what pairing needs from a JSON report, with an exit-2 error naming the first thing missing. */
function readReport(path: string, what: string): ReportFile {
  const bad = (why: string, hint = WRITE_ONE) =>
    new LlmlabError('USAGE', `${what}: not an llmlab JSON report (${why})`, { where: { file: path }, hint });
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw bad(`cannot parse it: ${messageOf(error)}`);
  }
  const report = data as Partial<ReportFile> & { schemaVersion?: unknown; runA?: unknown };
  if (typeof report !== 'object' || report === null || typeof report.schemaVersion !== 'number') throw bad('no schemaVersion');
  if (report.runA !== undefined && report.run === undefined) {
    throw bad('it is a comparison written by `llmlab compare`', `${WRITE_ONE}; compare the two runs it names instead`);
  }
  if (report.schemaVersion !== REPORT_SCHEMA_VERSION) {
    throw new LlmlabError('USAGE', `${what}: report schema version ${report.schemaVersion}, but this llmlab reads version ${REPORT_SCHEMA_VERSION}`, {
      where: { file: path },
      hint: 'write the report again with this llmlab version (`llmlab report <run> -o report.json`), or compare with the llmlab that wrote it',
    });
  }
  const run = report.run;
  if (!run || typeof run.id !== 'string' || !run.suite || typeof run.suite.path !== 'string') throw bad('no run');
  if (!Array.isArray(report.cells)) throw bad('no cells');
  report.cells.forEach((cell, i) => {
    for (const key of ['providerLabel', 'promptId', 'testId', 'status'] as const) {
      if (typeof cell?.[key] !== 'string') throw bad(`cells[${i}] has no ${key}`);
    }
    if (typeof cell.repeatIndex !== 'number' || typeof cell.testIndex !== 'number') throw bad(`cells[${i}] has no repeatIndex or testIndex`);
  });
  return {
    run: { ...run, options: run.options ?? { concurrency: 1, repeat: 1, cache: true, llmlabVersion: 'unknown' } } as ReportFile['run'],
    cells: report.cells,
  };
}
