/** The store: the database plus its cache, runs and results views, and a batched writer for a live run. */
import type { CellResult, GenerateResult } from '../types.js';
import { createResponseCache } from './cache.js';
import { openDb, type Db, type OpenDbOptions } from './db.js';
import { storageFault } from './faults.js';
import { createFinetuneJobStore } from './finetune-jobs.js';
import { createResultStore } from './results.js';
import { createPromptVersionStore } from './prompt-versions.js';
import { createRunSummaryStore } from './run-summaries.js';
import { createRunStore } from './runs.js';

export type { CachedResponse, CacheStats, ResponseCache } from './cache.js';
export type { RunEstimate, RunFinetune, RunOptions, RunRecord, RunShard, RunStore, RunSubset, SubsetSelection } from './runs.js';
export type { ResultStore, TargetTotals } from './results.js';
export type { OpenDbOptions } from './db.js';
export type { FinetuneJobPatch, FinetuneJobRecord, FinetuneJobStatus, FinetuneJobStore } from './finetune-jobs.js';
export { isFinalJobStatus } from './finetune-jobs.js';
export { storageFault } from './faults.js';
export { isLatestRef } from './runs.js';
export { promptHash, type PromptVersion, type PromptVersionStore } from './prompt-versions.js';
export { runFingerprint, type RunSummaryStore } from './run-summaries.js';

export interface Store {
  readonly db: Db;
  readonly path: string;
  readonly cache: ReturnType<typeof createResponseCache>;
  readonly runs: ReturnType<typeof createRunStore>;
  readonly results: ReturnType<typeof createResultStore>;
  /** Fine-tune job state (src/finetune/). */
  readonly finetunes: ReturnType<typeof createFinetuneJobStore>;
  /** Summaries `llmlab view` built, by run and fingerprint. */
  readonly summaries: ReturnType<typeof createRunSummaryStore>;
  /** Prompt versions the studio saved. */
  readonly promptVersions: ReturnType<typeof createPromptVersionStore>;
  close(): void;
}

/** Opens the store at `path`; see {@link openDb} for what fails how. */
export function openStore(path: string, options: OpenDbOptions = {}): Store {
  const db = openDb(path, options);
  return {
    db,
    path,
    cache: createResponseCache(db),
    runs: createRunStore(db),
    results: createResultStore(db),
    finetunes: createFinetuneJobStore(db),
    summaries: createRunSummaryStore(db),
    promptVersions: createPromptVersionStore(db),
    close: () => db.close(),
  };
}

/** Options of {@link createRunWriter}. */
export interface RunWriterOptions {
  /** Flush when this many writes are pending. */
  batchSize?: number;
  /** Flush at least this often, ms. */
  flushMs?: number;
  /**
   * Called once, with the first failed write (a storage fault as an LlmlabError when SQLite raised it): a flush
   * from the timer has no caller to throw to, and the run must stop dispatching rather than compute answers it
   * cannot save.
   */
  onFault?: (error: unknown) => void;
}

/**
 * Buffers a live run's cache entries and results and writes them in one transaction per batch: one commit
 * per cell would cost more than the fake model call it records. `flush()` is synchronous, so it can run in a
 * signal handler.
 */
export function createRunWriter(store: Store, runId: string, options: RunWriterOptions = {}) {
  const batchSize = options.batchSize ?? 256;
  const flushMs = options.flushMs ?? 100;
  let responses: { key: string; providerId: string; result: GenerateResult }[] = [];
  let cells: CellResult[] = [];
  let seq = store.results.nextSeq(runId);
  let timer: NodeJS.Timeout | undefined;
  let failed = false;

  const writeBatch = store.db.transaction(
    (r: typeof responses, c: CellResult[]) => {
      for (const entry of r) store.cache.put(entry.key, entry.providerId, entry.result);
      for (const cell of c) store.results.put(runId, cell, seq++);
    },
  );

  function flush(): void {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (responses.length === 0 && cells.length === 0) return;
    const [r, c] = [responses, cells];
    const firstSeq = seq;
    responses = [];
    cells = [];
    try {
      writeBatch(r, c);
    } catch (error) {
      // The transaction rolled back: keep the batch, so the run's final flush tries it once more.
      responses = r.concat(responses);
      cells = c.concat(cells);
      seq = firstSeq;
      const fault = storageFault(error, store.path) ?? error;
      if (!failed) options.onFault?.(fault);
      failed = true;
      throw fault;
    }
  }

  /** A flush nobody waits for: a failure reaches the run through `onFault`, not as an uncaught exception. */
  function flushQuietly(): void {
    try {
      flush();
    } catch {
      // reported through onFault
    }
  }

  function schedule(): void {
    // After a failure, only the run's final flush retries: retrying every batch would stall on every busy timeout.
    if (failed) return;
    if (responses.length + cells.length >= batchSize) flushQuietly();
    else if (!timer) {
      timer = setTimeout(flushQuietly, flushMs);
      timer.unref();
    }
  }

  return {
    /** Queues a successful model answer for the cache. */
    cacheResponse(key: string, providerId: string, result: GenerateResult): void {
      responses.push({ key, providerId, result });
      schedule();
    },
    /** Queues a finished cell. */
    addResult(cell: CellResult): void {
      cells.push(cell);
      schedule();
    },
    /** Writes what is queued now; throws the storage fault (as an LlmlabError) when that fails. */
    flush,
  };
}

export type RunWriter = ReturnType<typeof createRunWriter>;
