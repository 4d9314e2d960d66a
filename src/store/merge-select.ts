/**
 * Which runs `llmlab merge` reads from each file, and whether they belong together. A file may hold more than the
 * shard it was made for (a database restored from a cache keeps earlier runs), so each file contributes the runs of
 * its newest sharded run: that run and every other shard of the same run. Runs belong together when they split the
 * same suite version (suite hash, repeat, cells), the same n ways, at the same commit, with the same gates.
 */
import { existsSync } from 'node:fs';
import { LlmlabError, messageOf } from '../errors.js';
import { openDb, type Db } from './db.js';
import { createRunStore, type RunRecord } from './runs.js';

/** The runs one input file contributes, and the sharded runs it holds that belong to other runs. */
export interface FileSelection {
  file: string;
  db: Db;
  runs: RunRecord[];
  leftOut: RunRecord[];
}

/** Opens an input or output database of a merge, with a clean exit-2 error for a file that is not one. */
export function openMergeDb(file: string, mustExist: boolean): Db {
  if (mustExist && !existsSync(file)) {
    throw new LlmlabError('FILE_NOT_FOUND', `no such database: ${file}`, {
      hint: 'give the database files the shards wrote (`llmlab eval --shard k/n` prints where)',
    });
  }
  try {
    // Opening migrates an input made by an older llmlab, as every command does; it holds no shard then.
    return openDb(file);
  } catch (error) {
    // A merge input is a shard's file, not the user's own database: the hint says which files to give instead.
    if (error instanceof LlmlabError && error.code === 'DATABASE_INVALID') {
      throw new LlmlabError('DATABASE_INVALID', error.message, {
        hint: 'give the .db files written by `llmlab eval --shard k/n` (or by an earlier `llmlab merge`)',
      });
    }
    if (error instanceof LlmlabError) throw error;
    if ((error as { code?: unknown }).code === 'SQLITE_NOTADB') {
      throw new LlmlabError('USAGE', `${file} is not an llmlab database: ${messageOf(error)}`, {
        hint: 'give the .db files written by `llmlab eval --shard k/n` (or by an earlier `llmlab merge`)',
      });
    }
    throw new LlmlabError('USAGE', `cannot open database ${file}: ${messageOf(error)}`, {
      hint: 'merge copies of the shards\' files in a folder you can write to (SQLite writes beside a database it opens)',
    });
  }
}

/** The runs of `file` to merge: its newest sharded run (of the suite `suite` accepts) and the rest of that run. */
export function selectRuns(file: string, db: Db, suite?: (suitePath: string) => boolean): FileSelection {
  const sharded = createRunStore(db).sharded().filter((r) => !suite || suite(r.suitePath));
  const newest = sharded[0];
  if (!newest) {
    throw new LlmlabError('USAGE', `${file} holds no shard${suite ? ' of that suite' : ''}`, {
      hint: 'make shards with `llmlab eval <suite> --shard k/n`; a run without --shard is whole and needs no merge',
    });
  }
  const runs = sharded.filter((r) => mismatch(newest, r) === undefined);
  return { file, db, runs, leftOut: sharded.filter((r) => !runs.includes(r)) };
}

/** Throws USAGE (exit 2) when two files' runs are not shards of one run, naming what differs. */
export function checkSameRun(a: FileSelection, b: FileSelection): void {
  const ra = a.runs[0]!;
  const rb = b.runs[0]!;
  const differs = mismatch(ra, rb);
  if (!differs) return;
  const hints: Record<Mismatch, string> = {
    suite: 'merge the shards of one suite, all run from the same version of it',
    count: 'run every shard with the same n: another n is another partition of the cells',
    repeat: 'run every shard with the same --repeat',
    commit: 'run every shard from one commit, e.g. one CI workflow run',
    gates: 'run every shard from the same version of the suite file',
  };
  throw new LlmlabError('USAGE', `${a.file} and ${b.file} hold shards of different runs: ${describe(differs, ra, rb)}`, {
    hint: hints[differs],
  });
}

type Mismatch = 'suite' | 'count' | 'repeat' | 'commit' | 'gates';

/** The first way two runs differ as shards of one run, or undefined when they are shards of the same run. */
export function mismatch(a: RunRecord, b: RunRecord): Mismatch | undefined {
  if (a.suiteHash !== b.suiteHash) return 'suite';
  if (a.shard!.count !== b.shard!.count) return 'count';
  if (a.options.repeat !== b.options.repeat) return 'repeat';
  // The hash leaves out a suite's attacks: a different cell count is another version all the same.
  if (a.shard!.suiteCells !== b.shard!.suiteCells) return 'suite';
  if ((a.gitSha ?? null) !== (b.gitSha ?? null)) return 'commit';
  // Gates are not part of the suite hash (they judge cells, they do not change them), but a merged run has one set.
  const gates = (r: RunRecord) => JSON.stringify(Object.entries(r.options.gates ?? {}).sort(([x], [y]) => (x < y ? -1 : 1)));
  if (gates(a) !== gates(b)) return 'gates';
  return undefined;
}

function describe(what: Mismatch, a: RunRecord, b: RunRecord): string {
  const hash = (r: RunRecord) => `${r.suitePath} (suite hash ${r.suiteHash.slice(0, 12)}, ${r.shard!.suiteCells} cells)`;
  switch (what) {
    case 'suite':
      return `different suites or suite versions: ${hash(a)} and ${hash(b)}`;
    case 'count':
      return `split ${a.shard!.count} ways and ${b.shard!.count} ways`;
    case 'repeat':
      return `repeat ${a.options.repeat} and repeat ${b.options.repeat}`;
    case 'commit':
      return `made at commit ${a.gitSha?.slice(0, 12) ?? '(none)'} and at ${b.gitSha?.slice(0, 12) ?? '(none)'}`;
    case 'gates':
      return 'the suite\'s gates differ';
  }
}
