/**
 * `llmlab merge`: the runs of a suite's shards (and earlier merges) become one run in the target database, and
 * their response caches join its cache. A merged run is an ordinary run with `shard.merged` set: every report,
 * comparison and gate reads it as it reads a run made on one machine.
 *
 * Idempotent by construction: the merged run is found again by what it is (suite hash, n, repeat, commit, gates),
 * a cell is keyed by its cell id and kept once, and cached answers are keyed by content. Of two rows of one cell
 * the better one stays (a verdict over an error, an error over a skip); between equals the one already merged,
 * then the first file given, wins. So merging twice, or merging a shard twice, changes nothing, and merging a
 * shard that was resumed after an earlier merge fills in the cells that had errored.
 */
import { resolve } from 'node:path';
import type { RunStatus } from '../types.js';
import type { Db } from './db.js';
import type { Store } from './index.js';
import { checkSameRun, mismatch, openMergeDb, selectRuns, type FileSelection } from './merge-select.js';
import { newRunId, type RunEstimate, type RunRecord, type RunShard } from './runs.js';

/** Options of {@link mergeShards}. */
export interface MergeOptions {
  /** Only runs of the suites this accepts (`--suite`). */
  suite?: (suitePath: string) => boolean;
}

/** What a merge did. */
export interface MergeOutcome {
  /** The merged run as stored. */
  run: RunRecord;
  /** False when the target already had this merged run and it was updated. */
  created: boolean;
  /** Per input file: the runs merged from it, and sharded runs of other runs it holds (left out). */
  files: Array<Pick<FileSelection, 'file' | 'runs' | 'leftOut'>>;
  /** Cells written now, cells whose merged row a better one replaced, and input rows not written (duplicates). */
  cells: { added: number; replaced: number; duplicates: number };
  /** Cached answers the target did not have. */
  responses: number;
}

/** A verdict beats an error, an error beats a skip: the better row of a cell is the one merged. */
const RANK: Readonly<Record<string, number>> = { pass: 2, fail: 2, error: 1, skipped: 0 };

interface Source {
  run: RunRecord;
  db: Db;
  /** The merged run already in the target. */
  existing: boolean;
}

/** Merges the shards in `files` into `target`; USAGE / FILE_NOT_FOUND (exit 2) for inputs that do not fit. */
export function mergeShards(target: Store, files: readonly string[], options: MergeOptions = {}): MergeOutcome {
  const selections: FileSelection[] = [];
  try {
    for (const file of files) {
      const db = openMergeDb(file, true);
      try {
        selections.push(selectRuns(file, db, options.suite));
      } catch (error) {
        db.close();
        throw error;
      }
    }
    for (const other of selections.slice(1)) checkSameRun(selections[0]!, other);
    const model = selections[0]!.runs[0]!;
    const existing = target.runs.sharded().find((r) => r.shard!.merged && mismatch(r, model) === undefined);
    const isTarget = (file: string) => resolve(file) === resolve(target.path);
    const sources: Source[] = [
      ...(existing ? [{ run: existing, db: target.db, existing: true }] : []),
      ...selections.flatMap((s) =>
        s.runs.filter((r) => !(isTarget(s.file) && r.id === existing?.id)).map((run) => ({ run, db: s.db, existing: false })),
      ),
    ];
    const run = mergedRecord(existing, sources);
    const cells = copyCells(target, run, sources);
    let responses = 0;
    for (const s of selections) if (!isTarget(s.file)) responses += copyResponses(target.db, s.file);
    return {
      run: target.runs.get(run.id)!,
      created: !existing,
      files: selections.map(({ file, runs, leftOut }) => ({ file, runs, leftOut })),
      cells,
      responses,
    };
  } finally {
    for (const s of selections) s.db.close();
  }
}

/** The merged run's record: the shards present, their cells, the earliest start and the latest finish; status is set by copyCells. */
function mergedRecord(existing: RunRecord | undefined, sources: readonly Source[]): RunRecord {
  const first = existing ?? sources[0]!.run;
  const cellsOf = new Map<number, number>();
  for (const { run } of sources) for (const p of run.shard!.present) if (!cellsOf.has(p.index)) cellsOf.set(p.index, p.cells);
  const present = [...cellsOf].sort(([a], [b]) => a - b).map(([index, cells]) => ({ index, cells }));
  const shard: RunShard = { count: first.shard!.count, present, merged: true, suiteCells: first.shard!.suiteCells };
  const createdAt = Math.min(...sources.map((s) => s.run.createdAt));
  const finished = sources.map((s) => s.run.finishedAt).filter((t): t is number => t !== undefined);
  const { estimates: _first, ...options } = first.options;
  const estimates = mergeEstimates(sources);
  return {
    id: existing?.id ?? newRunId(new Date(createdAt)),
    suitePath: first.suitePath,
    suiteHash: first.suiteHash,
    ...(first.description === undefined ? {} : { description: first.description }),
    status: 'interrupted', // until copyCells has counted the cells
    totalCells: present.reduce((n, p) => n + p.cells, 0),
    options: { ...options, ...(estimates ? { estimates } : {}) },
    ...(first.gitSha === undefined ? {} : { gitSha: first.gitSha }),
    createdAt,
    ...(finished.length > 0 ? { finishedAt: Math.max(...finished) } : {}),
    shard,
  };
}

/**
 * The shards' estimates added up per provider, each shard counted once; undefined when a shard recorded none, or
 * when an earlier merge overlaps another source (its sum cannot be split by shard).
 */
function mergeEstimates(sources: readonly Source[]): RunEstimate[] | undefined {
  const counted = new Set<number>();
  const byLabel = new Map<string, RunEstimate>();
  for (const { run } of sources) {
    const indices = run.shard!.present.map((p) => p.index);
    const fresh = indices.filter((k) => !counted.has(k));
    if (fresh.length === 0) continue;
    if (fresh.length < indices.length || !run.options.estimates) return undefined;
    for (const k of fresh) counted.add(k);
    for (const e of run.options.estimates) {
      const sum = byLabel.get(e.label);
      byLabel.set(e.label, sum ? {
        ...sum,
        calls: sum.calls + e.calls,
        cached: sum.cached + e.cached,
        inputTokens: sum.inputTokens + e.inputTokens,
        lowUsd: sum.lowUsd + e.lowUsd,
        worstUsd: sum.worstUsd + e.worstUsd,
      } : { ...e });
    }
  }
  return [...byLabel.values()];
}

/**
 * Writes the run record and the best row of every cell, in one transaction. Pass 1 reads only ids and statuses
 * to choose; pass 2 copies the chosen rows in suite order, so the merged run's `seq` does not depend on which
 * machine finished first.
 */
function copyCells(target: Store, run: RunRecord, sources: readonly Source[]): MergeOutcome['cells'] {
  const best = new Map<string, { source: number; rank: number }>();
  const merged = new Set<string>();
  let inputRows = 0;
  sources.forEach((source, i) => {
    const stmt = source.db.prepare<[string], { cell_id: string; status: string }>('SELECT cell_id, status FROM results WHERE run_id = ?');
    for (const row of stmt.iterate(source.run.id)) {
      if (source.existing) merged.add(row.cell_id);
      else inputRows++;
      const rank = RANK[row.status] ?? 0;
      if ((best.get(row.cell_id)?.rank ?? -1) < rank) best.set(row.cell_id, { source: i, rank });
    }
  });
  const replaced = [...merged].filter((id) => !sources[best.get(id)!.source]!.existing);
  let added = 0;
  target.db.transaction(() => {
    target.runs.save(run);
    if (replaced.length > 0) deleteCells(target.db, run.id, replaced);
    const insert = insertInto(target.db, 'results');
    let seq = target.results.nextSeq(run.id);
    sources.forEach((source, i) => {
      if (source.existing) return;
      const stmt = source.db.prepare<[string], Record<string, unknown> & { cell_id: string; status: string }>(
        'SELECT * FROM results WHERE run_id = ? ORDER BY test_index, prompt_id, provider_label, repeat_index, seq',
      );
      for (const row of stmt.iterate(source.run.id)) {
        const chosen = best.get(row.cell_id);
        if (chosen?.source !== i || (RANK[row.status] ?? 0) !== chosen.rank) continue;
        best.delete(row.cell_id); // taken: a second row of the cell in this source is a duplicate
        insert({ ...row, run_id: run.id, seq: seq++ });
        added++;
      }
    });
    // Complete when every planned cell of the shards present is there and ran: the cells say so whatever a shard's
    // own status was, so a shard resumed and merged again completes the run it had left unfinished.
    const complete = target.results.count(run.id) >= run.totalCells && target.results.countSkipped(run.id, 'budget') === 0;
    const status: RunStatus = complete ? 'completed' : 'interrupted';
    target.runs.save({ ...run, status });
  })();
  return { added, replaced: replaced.length, duplicates: inputRows - added };
}

/** Deletes a run's rows of these cells through a TEMP list: one pass over the run, not one per cell. */
function deleteCells(db: Db, runId: string, cellIds: readonly string[]): void {
  db.exec('CREATE TEMP TABLE IF NOT EXISTS llmlab_merge_replaced (cell_id TEXT PRIMARY KEY) WITHOUT ROWID');
  db.exec('DELETE FROM temp.llmlab_merge_replaced');
  const add = db.prepare('INSERT OR IGNORE INTO temp.llmlab_merge_replaced (cell_id) VALUES (?)');
  for (const id of cellIds) add.run(id);
  db.prepare('DELETE FROM results WHERE run_id = ? AND cell_id IN (SELECT cell_id FROM temp.llmlab_merge_replaced)').run(runId);
}

/** Adds the cached answers of `file` the target lacks. Keys are content hashes: an existing key has the same answer. */
function copyResponses(db: Db, file: string): number {
  const cols = columnsOf(db, 'responses').join(', ');
  db.prepare('ATTACH DATABASE ? AS llmlab_merge_source').run(file);
  try {
    return db.prepare(`INSERT OR IGNORE INTO main.responses (${cols}) SELECT ${cols} FROM llmlab_merge_source.responses`).run().changes;
  } finally {
    db.exec('DETACH DATABASE llmlab_merge_source');
  }
}

/** An insert of whole rows into `table`, by the target's own column list (every input was migrated to it). */
function insertInto(db: Db, table: 'results'): (row: Record<string, unknown>) => void {
  const cols = columnsOf(db, table);
  const stmt = db.prepare(`INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map((c) => `@${c}`).join(', ')})`);
  return (row) => {
    stmt.run(Object.fromEntries(cols.map((c) => [c, row[c] ?? null])));
  };
}

function columnsOf(db: Db, table: 'results' | 'responses'): string[] {
  return (db.prepare(`PRAGMA main.table_info(${table})`).all() as Array<{ name: string }>).map((c) => c.name);
}
