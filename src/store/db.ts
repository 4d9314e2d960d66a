/**
 * Opens the llmlab database: one SQLite file in WAL mode, schema versioned with PRAGMA user_version and
 * upgraded by forward-only migrations. This folder is the only code that touches SQLite.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { LlmlabError } from '../errors.js';
import { checkHeader, checkOwnSchema, leftOpen, quickCheck } from './db-file.js';
import { storageFault } from './faults.js';

/** The open database handle, shared by the cache, runs and results modules. */
export type Db = Database.Database;

/**
 * Each entry upgrades the schema from version i to i + 1. Never edit a released entry: append a new one.
 * Write cost shapes the tables: `responses` is keyed by a content hash, so it is one WITHOUT ROWID b-tree
 * rather than a table plus a random-order index; `results` appends in `seq` order and has no random-order
 * index at all (a cell is written once per attempt; a resume first drops the unfinished rows it will redo).
 */
const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE responses (
    key TEXT PRIMARY KEY,
    provider_id TEXT NOT NULL,
    output TEXT NOT NULL,
    usage TEXT,
    finish_reason TEXT,
    model TEXT,
    latency_ms REAL NOT NULL,
    cost REAL,
    created_at INTEGER NOT NULL
  ) WITHOUT ROWID;
  CREATE TABLE runs (
    id TEXT PRIMARY KEY,
    suite_path TEXT NOT NULL,
    suite_hash TEXT NOT NULL,
    description TEXT,
    status TEXT NOT NULL,
    total_cells INTEGER NOT NULL,
    options TEXT NOT NULL,
    git_sha TEXT,
    created_at INTEGER NOT NULL,
    finished_at INTEGER
  );
  CREATE INDEX runs_by_suite ON runs (suite_path, created_at);
  CREATE TABLE results (
    run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    cell_id TEXT NOT NULL,
    provider_id TEXT NOT NULL,
    provider_label TEXT NOT NULL,
    prompt_id TEXT NOT NULL,
    test_id TEXT NOT NULL,
    test_index INTEGER NOT NULL,
    repeat_index INTEGER NOT NULL,
    description TEXT,
    vars TEXT NOT NULL,
    prompt TEXT NOT NULL,
    output TEXT NOT NULL,
    status TEXT NOT NULL,
    score REAL NOT NULL,
    assertions TEXT NOT NULL,
    latency_ms REAL NOT NULL,
    usage TEXT,
    cost REAL NOT NULL,
    cached INTEGER NOT NULL,
    finish_reason TEXT,
    error TEXT,
    seq INTEGER NOT NULL
  );
  CREATE INDEX results_by_run ON results (run_id, seq);
  `,
  // A test's `cluster`: tests sharing one are not independent, and their intervals use clustered errors.
  `ALTER TABLE results ADD COLUMN cluster TEXT;`,
  // Why a cell was skipped (`budget`): a resume with a larger budget runs exactly these.
  `ALTER TABLE results ADD COLUMN skip_reason TEXT;`,
  // Security attack cells: their AttackRecord as JSON (NULL for ordinary cells), so pass rates can leave them out.
  // The partial index holds only attack cells: a run without any answers "has it attacks?" without a scan.
  `ALTER TABLE results ADD COLUMN attack TEXT;
  CREATE INDEX results_attacks ON results (run_id, seq) WHERE attack IS NOT NULL;`,
  // A shard's run (`--shard k/n`) or a run `llmlab merge` made of shards: JSON (see RunShard); NULL for a whole run.
  // A column rather than a key in `options`: `latest` and resume filter on it.
  `ALTER TABLE runs ADD COLUMN shard TEXT;`,
  // The tool calls of an answer (JSON ToolCall[]; NULL when the model called none), cached and per cell, so a
  // cached re-run and a report show the same calls.
  `ALTER TABLE responses ADD COLUMN tool_calls TEXT;
  ALTER TABLE results ADD COLUMN tool_calls TEXT;`,
  // The answer's token log-probabilities (JSON number[]; NULL unless the request asked for them, for `perplexity`),
  // so a cached answer can still be graded by a metric that reads them.
  `ALTER TABLE responses ADD COLUMN logprobs TEXT;`,
  // Fine-tune jobs (src/finetune/): one row per attempt of a training point, keyed by the point's content hash (data
  // hashes, base, method, hyperparameters, backend). The provider's job id is written before the first poll, so a
  // killed process never loses it; a re-run reuses a succeeded attempt and re-attaches to a running one.
  `CREATE TABLE finetune_jobs (
    hash TEXT NOT NULL,
    attempt INTEGER NOT NULL,
    recipe_id TEXT NOT NULL,
    label TEXT NOT NULL,
    backend TEXT NOT NULL,
    status TEXT NOT NULL,
    job_id TEXT,
    model TEXT,
    artifact TEXT,
    files TEXT,
    trained_tokens INTEGER,
    estimated_usd REAL,
    error TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (hash, attempt)
  ) WITHOUT ROWID;
  CREATE INDEX finetune_jobs_by_job ON finetune_jobs (job_id);`,
  // The gateway (src/gateway/, src/store/gateway*.ts): its request log, virtual keys (a secret's sha256 only) and
  // experiment outcomes. Requests append in time order and are read by time, by key and period (spend) and by
  // experiment arm; the id index serves feedback, which names a request. `llmlab merge` copies none of these.
  `CREATE TABLE gateway_requests (
    id TEXT NOT NULL UNIQUE,
    at INTEGER NOT NULL,
    key_id TEXT,
    model TEXT NOT NULL,
    candidate TEXT,
    attempts TEXT,
    status INTEGER NOT NULL,
    stream INTEGER NOT NULL,
    cached INTEGER NOT NULL,
    input_tokens INTEGER,
    output_tokens INTEGER,
    cost_usd REAL NOT NULL,
    latency_ms REAL NOT NULL,
    overhead_ms REAL NOT NULL,
    experiment TEXT,
    arm TEXT,
    unit TEXT,
    error TEXT,
    messages TEXT,
    output TEXT
  );
  CREATE INDEX gateway_requests_by_at ON gateway_requests (at);
  CREATE INDEX gateway_requests_by_key ON gateway_requests (key_id, at);
  CREATE INDEX gateway_requests_by_arm ON gateway_requests (experiment, arm);
  CREATE INDEX gateway_requests_by_unit ON gateway_requests (experiment, unit, at);
  CREATE TABLE gateway_keys (
    id TEXT NOT NULL,
    hash TEXT NOT NULL UNIQUE,
    prefix TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    revoked_at INTEGER
  );
  CREATE TABLE gateway_outcomes (
    request_id TEXT NOT NULL,
    source TEXT NOT NULL,
    score REAL NOT NULL,
    at INTEGER NOT NULL
  );
  CREATE INDEX gateway_outcomes_by_request ON gateway_outcomes (request_id, source, at);`,
  // `llmlab view` (src/view/): a run's summary as summarizeRun built it, keyed by what its results were when it was
  // built (`fingerprint`), so the web app does not recompute a 100,000-cell summary per page; and the prompt
  // versions the studio saved (content hash, label), which runs name by hash in `options.promptHashes`.
  `CREATE TABLE run_summaries (
    run_id TEXT PRIMARY KEY REFERENCES runs (id) ON DELETE CASCADE,
    fingerprint TEXT NOT NULL,
    summary TEXT NOT NULL,
    created_at INTEGER NOT NULL
  );
  CREATE TABLE prompt_versions (
    suite_path TEXT NOT NULL,
    prompt_id TEXT NOT NULL,
    hash TEXT NOT NULL,
    label TEXT,
    file TEXT NOT NULL,
    created_at INTEGER NOT NULL
  );
  CREATE INDEX prompt_versions_by_prompt ON prompt_versions (suite_path, prompt_id, created_at);`,
  // The media an answer produced (JSON MediaRef[]; NULL for text), cached and per cell: an image generation
  // provider's refs into the media store, so a cached re-run grades the same images and reports show them. The
  // bytes stay in the store, never in a row.
  `ALTER TABLE responses ADD COLUMN media TEXT;
  ALTER TABLE results ADD COLUMN media TEXT;`,
];

/** The schema version this build writes. */
export const SCHEMA_VERSION = MIGRATIONS.length;

/** Options of {@link openDb}. */
export interface OpenDbOptions {
  /** How long a write waits for another process's lock before failing with a storage fault, ms. Default 5000. */
  busyTimeoutMs?: number;
}

/**
 * Opens (creating when needed) and migrates the database at `path`. A file that is not an llmlab database, or one
 * damaged by a crash (checked with `PRAGMA quick_check` when the last process did not close it), fails here with
 * exit 2; a full disk or a lock held too long fails as a storage fault.
 */
export function openDb(path: string, options: OpenDbOptions = {}): Db {
  const memory = path === ':memory:';
  if (!memory) mkdirSync(dirname(path), { recursive: true });
  const unclean = !memory && leftOpen(path);
  if (!memory) checkHeader(path, !unclean);
  let db: Db;
  try {
    db = new Database(path);
  } catch (error) {
    throw new LlmlabError('USAGE', `cannot open database ${path}: ${(error as Error).message}`, {
      hint: 'check the path given by --db or LLMLAB_DB, and that its folder is writable',
    });
  }
  try {
    db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
    db.pragma('journal_mode = WAL');
    // NORMAL is durable against a killed process (the case resume cares about); only a power loss can drop
    // the last commits, and those are re-run from the cache on resume.
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    if (unclean) quickCheck(db, path);
    migrate(db, path);
  } catch (error) {
    db.close();
    throw storageFault(error, path) ?? error;
  }
  return db;
}

function migrate(db: Db, path: string): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  checkOwnSchema(db, path, version);
  if (version > SCHEMA_VERSION) {
    throw new LlmlabError('USAGE', `database ${path} has schema version ${version}, newer than this llmlab`, {
      hint: 'upgrade llmlab, or point --db at another file',
    });
  }
  for (let v = version; v < SCHEMA_VERSION; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]!);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
}
