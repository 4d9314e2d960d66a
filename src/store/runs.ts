/** Stored runs: one row per `llmlab eval` of one suite, with the options it ran with and its status. */
import { randomBytes } from 'node:crypto';
import type { Budget, DerivedMetric, Gates } from '../suite-settings.js';
import type { RunStatus } from '../types.js';
import type { Db } from './db.js';

/** Options a run was started with that a report or a resume needs. Never holds secrets. */
export interface RunOptions {
  concurrency: number;
  repeat: number;
  cache: boolean;
  llmlabVersion: string;
  minPassRate?: number;
  /** The suite's `gates:` as written, so `llmlab report` re-checks them; runs stored before hold only minPassRate. */
  gates?: Gates;
  /** The suite's `derivedMetrics:`, so `llmlab report` computes them again from the stored scores. */
  derivedMetrics?: DerivedMetric[];
  /** Provider labels and prompt ids in suite order, so reports list targets as the suite does. */
  providers?: string[];
  prompts?: string[];
  /** Per prompt id, its content hash (promptHash): which saved prompt version the run used. Older runs have none. */
  promptHashes?: Record<string, string>;
  /** Hash of the effective price table the run's costs were computed with. */
  priceTableHash?: string;
  /** The budget the run was first started with (`--budget-usd` applied). */
  budget?: Budget;
  /**
   * Per provider, the estimate made when the run first started (as `llmlab plan` prints it), so its report sets
   * it beside the calls' real usage. A resume keeps the first attempt's estimate. Runs stored before have none.
   */
  estimates?: RunEstimate[];
  /** Set when the run holds a chosen part of the suite's cells (`--filter`, `--first`, `--failing`, …). */
  subset?: RunSubset;
  /** The suite's fine-tune recipes, so the report compares each tuned model with its base again. */
  finetunes?: RunFinetune[];
  /** Set on a run of `llmlab view`'s studio: a draft of `promptId` beside its saved version; never resumed. */
  studio?: { promptId: string; draftHash: string };
}

/** A fine-tune recipe as a run keeps it: which providers are its base and its tuned points, and what its data held. */
export interface RunFinetune {
  id: string;
  /** Provider label of the base model. */
  base: string;
  /** `pass` (pass rate) or a metric name: what picks the sweep point the gate compares with the base. */
  select: string;
  /** One per sweep point (one without a sweep). `hash` finds its job in `finetune_jobs`. */
  points: Array<{ label: string; point: string; hash: string; hyperparameters: Record<string, number | string | boolean>; estimatedUsd: number }>;
  /** Forgetting suites: their prompts run in this run under ids `forgetting:<name>/<prompt id>`, on base and points only. */
  forgetting?: Array<{ name: string; path: string; prompts: string[] }>;
  /** What validating the data counted (DataReport counts), and how many warnings it listed. */
  validation: Record<string, number> & { warnings: number };
}

/**
 * What picked a subset of a suite's cells, as stored so that a resume plans the very same cells: every flag as
 * given, except `--failing`, which holds the id of the run whose failing cells were taken.
 */
export interface SubsetSelection {
  /** `--filter`: a JavaScript regex (case-sensitive) tried on each test's description and on its id. */
  filter?: string;
  /** `--first N`: the first N tests in suite order. */
  first?: number;
  /** `--sample N`: N tests drawn by `seed` (always stored, so the draw can be repeated). */
  sample?: number;
  seed?: number;
  /** `--provider`: labels or ids. */
  providers?: string[];
  /** `--prompt`: prompt ids. */
  prompts?: string[];
  /** `--failing`: the run whose failed or errored cells were selected. */
  failing?: string;
  /** Tests picked by exact id (the studio's test list; no command-line flag). */
  tests?: string[];
}

/** A run of a subset: how it was chosen, and how many cells it holds of the suite's. */
export interface RunSubset {
  /** The flags as a command line repeats them: `--filter refund --sample 40 --seed 1`. */
  flags: string;
  select: SubsetSelection;
  /** Cells the subset planned, and cells the whole suite plans (`subset: 40 of 2,000 cells`). */
  cells: number;
  suiteCells: number;
}

/** One provider's estimate before a run: the model calls it would make (cached cells excluded) and their cost. */
export interface RunEstimate {
  label: string;
  /** Cells to be answered by a model call, and cells the cache would answer (excluded from everything else). */
  calls: number;
  cached: number;
  inputTokens: number;
  /** The model's tokenizer, or about 4 characters per token. */
  method: 'tokenizer' | 'approximate';
  /** Output tokens per call at most, and whether that is the assumption rather than the provider's maxTokens. */
  outputPerCall: number;
  outputAssumed: boolean;
  priced: boolean;
  /** Input only (every answer empty) and worst case (every answer at the output bound), USD. */
  lowUsd: number;
  worstUsd: number;
}

/**
 * What part of a suite's cells a run holds, when not all by design: a shard's own run (`--shard k/n`) or a run
 * `llmlab merge` made of shards. A run without one is a whole run.
 */
export interface RunShard {
  /** n: how many shards the suite's cells were split into. */
  count: number;
  /** The shards whose cells the run holds, ascending, each with the cells it planned: one for a shard's own run. */
  present: Array<{ index: number; cells: number }>;
  /** True for a run made by `llmlab merge`. */
  merged: boolean;
  /** Cells of the whole suite, all n shards together. */
  suiteCells: number;
}

/** A stored run. */
export interface RunRecord {
  id: string;
  suitePath: string;
  suiteHash: string;
  description?: string;
  status: RunStatus;
  totalCells: number;
  options: RunOptions;
  gitSha?: string;
  createdAt: number;
  finishedAt?: number;
  /** Set on a shard's run and on a merged run; `totalCells` then counts the cells of the shards present. */
  shard?: RunShard;
}

interface RunRow {
  id: string;
  suite_path: string;
  suite_hash: string;
  description: string | null;
  status: string;
  total_cells: number;
  options: string;
  git_sha: string | null;
  created_at: number;
  finished_at: number | null;
  shard: string | null;
}

/**
 * SQL: the run is a whole run or a merged one, not a lone shard nor a subset. Both are a part of a run, so
 * `latest~N` and `git:REF` never pick one as a baseline; an explicit run id still names one.
 */
export const WHOLE_RUN = `((shard IS NULL OR json_extract(shard, '$.merged') = 1) AND json_extract(options, '$.subset') IS NULL)`;

function fromRow(row: RunRow): RunRecord {
  return {
    id: row.id,
    suitePath: row.suite_path,
    suiteHash: row.suite_hash,
    description: row.description ?? undefined,
    status: row.status as RunStatus,
    totalCells: row.total_cells,
    options: JSON.parse(row.options) as RunOptions,
    gitSha: row.git_sha ?? undefined,
    createdAt: row.created_at,
    finishedAt: row.finished_at ?? undefined,
    ...(row.shard === null ? {} : { shard: JSON.parse(row.shard) as RunShard }),
  };
}

/** `latest` → n 0, `latest~N` → n N; undefined for anything else (a run id). */
export function isLatestRef(ref: string): { n: number } | undefined {
  const back = /^latest(?:~(\d+))?$/.exec(ref);
  return back ? { n: Number(back[1] ?? 0) } : undefined;
}

/** A sortable, human-readable run id: `20261126-233512-9f3a`. */
export function newRunId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stamp}-${randomBytes(2).toString('hex')}`;
}

export function createRunStore(db: Db) {
  const byId = db.prepare<[string], RunRow>('SELECT * FROM runs WHERE id = ?');
  return {
    create(run: Omit<RunRecord, 'id' | 'status' | 'createdAt'>): RunRecord {
      const record: RunRecord = { ...run, id: newRunId(), status: 'running', createdAt: Date.now() };
      db.prepare(
        `INSERT INTO runs (id, suite_path, suite_hash, description, status, total_cells, options, git_sha, created_at, shard)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        record.id,
        record.suitePath,
        record.suiteHash,
        record.description ?? null,
        record.status,
        record.totalCells,
        JSON.stringify(record.options),
        record.gitSha ?? null,
        record.createdAt,
        record.shard ? JSON.stringify(record.shard) : null,
      );
      return record;
    },
    get(id: string): RunRecord | undefined {
      const row = byId.get(id);
      return row ? fromRow(row) : undefined;
    },
    /** The newest run, optionally of one suite. */
    latest(suitePath?: string): RunRecord | undefined {
      const row = suitePath
        ? db
            .prepare<[string], RunRow>('SELECT * FROM runs WHERE suite_path = ? ORDER BY created_at DESC, id DESC LIMIT 1')
            .get(suitePath)
        : db.prepare<[], RunRow>('SELECT * FROM runs ORDER BY created_at DESC, id DESC LIMIT 1').get();
      return row ? fromRow(row) : undefined;
    },
    /**
     * The newest run of a suite that did not complete (interrupted, or killed while `running`): of shard `k/n` when
     * given (a resume stays within its shard), else a whole run. Merged runs are never resumed: their shards are.
     */
    latestUnfinished(suitePath: string, shard?: { index: number; count: number }): RunRecord | undefined {
      const which = shard
        ? `json_extract(shard, '$.merged') = 0 AND json_extract(shard, '$.count') = @count
           AND json_extract(shard, '$.present[0].index') = @index`
        : 'shard IS NULL';
      const row = db
        .prepare<[Record<string, string | number>], RunRow>(
          `SELECT * FROM runs WHERE suite_path = @path AND status IN ('running', 'interrupted') AND ${which}
             AND json_extract(options, '$.studio') IS NULL
           ORDER BY created_at DESC, id DESC LIMIT 1`,
        )
        .get({ path: suitePath, ...(shard ? { count: shard.count, index: shard.index } : {}) });
      return row ? fromRow(row) : undefined;
    },
    /**
     * Runs made at a git commit, completed ones first, then newest first (what `--baseline git:REF` picks from).
     * A lone shard or a subset is not a run to compare with; a merged one is.
     */
    atCommit(gitSha: string): RunRecord[] {
      return db
        .prepare<[string], RunRow>(
          `SELECT * FROM runs WHERE git_sha = ? AND ${WHOLE_RUN}
           ORDER BY status = 'completed' DESC, created_at DESC, id DESC`,
        )
        .all(gitSha)
        .map(fromRow);
    },
    /**
     * Newest first. `wholeRuns` leaves lone shards and subsets out (what `latest~N` means for a baseline);
     * `suitePath` keeps one suite's runs (what `latest` means when a suite is named or implied).
     */
    list(limit = 20, options: { wholeRuns?: boolean; suitePath?: string } = {}): RunRecord[] {
      const where = [...(options.wholeRuns ? [WHOLE_RUN] : []), ...(options.suitePath === undefined ? [] : ['suite_path = @suitePath'])];
      return db
        .prepare<[Record<string, string | number>], RunRow>(
          `SELECT * FROM runs ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, id DESC LIMIT @limit`,
        )
        .all({ limit, ...(options.suitePath === undefined ? {} : { suitePath: options.suitePath }) })
        .map(fromRow);
    },
    /**
     * The run a ref names: `latest` / `latest~N` (the N-th run before the newest, among the runs `options`
     * narrows to) or a run id. Undefined when there is none; callers word the error for their flag.
     */
    byRef(ref: string, options: { wholeRuns?: boolean; suitePath?: string } = {}): RunRecord | undefined {
      const back = isLatestRef(ref);
      if (!back) return this.get(ref);
      return this.list(back.n + 1, options)[back.n];
    },
    /** Shards' runs and merged runs, newest first: what `llmlab merge` reads from a file. */
    sharded(): RunRecord[] {
      return db
        .prepare<[], RunRow>('SELECT * FROM runs WHERE shard IS NOT NULL ORDER BY created_at DESC, id DESC')
        .all()
        .map(fromRow);
    },
    /** Writes a run record under its own id, updating the stored one in place (its results stay): a merged run. */
    save(run: RunRecord): void {
      db.prepare(
        `INSERT INTO runs (id, suite_path, suite_hash, description, status, total_cells, options, git_sha, created_at,
           finished_at, shard)
         VALUES (@id, @suitePath, @suiteHash, @description, @status, @totalCells, @options, @gitSha, @createdAt,
           @finishedAt, @shard)
         ON CONFLICT (id) DO UPDATE SET suite_path = excluded.suite_path, suite_hash = excluded.suite_hash,
           description = excluded.description, status = excluded.status, total_cells = excluded.total_cells,
           options = excluded.options, git_sha = excluded.git_sha, created_at = excluded.created_at,
           finished_at = excluded.finished_at, shard = excluded.shard`,
      ).run({
        ...run,
        description: run.description ?? null,
        options: JSON.stringify(run.options),
        gitSha: run.gitSha ?? null,
        finishedAt: run.finishedAt ?? null,
        shard: run.shard ? JSON.stringify(run.shard) : null,
      });
    },
    setStatus(id: string, status: RunStatus): void {
      const finishedAt = status === 'running' ? null : Date.now();
      db.prepare('UPDATE runs SET status = ?, finished_at = ? WHERE id = ?').run(status, finishedAt, id);
    },
    /** A resumed run may have a different cell count (e.g. a larger --repeat). */
    setTotalCells(id: string, totalCells: number): void {
      db.prepare('UPDATE runs SET total_cells = ? WHERE id = ?').run(totalCells, id);
    },
  };
}

export type RunStore = ReturnType<typeof createRunStore>;
