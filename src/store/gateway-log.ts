/**
 * The gateway's request log: rows are queued in memory and written in one transaction per batch, off the request
 * path (one commit per request would cost more than the request itself). A queued row is already visible to `get`
 * and to the spend sums, so feedback that arrives right after its response, or a budget read, never misses it.
 */
import type { Db } from './db.js';
import { storageFault } from './faults.js';
import type { GatewayRequestRow } from './gateway-types.js';

/** Options of the gateway store's log (see createGatewayStore). */
export interface GatewayLogOptions {
  /** Flush when this many rows are queued. Default 256. */
  batchSize?: number;
  /** Flush at least this often, ms. Default 100. */
  flushMs?: number;
  /**
   * Called with the first failed write of an outage (a storage fault as an LlmlabError when SQLite raised it), not
   * again until a write has succeeded: a flush from the timer has no caller to throw to. The batch is kept, and
   * the timer tries it again every `flushMs`.
   */
  onFault?: (error: unknown) => void;
  /**
   * Most rows kept queued while writes fail (a full disk): past it the oldest are dropped, so a gateway that
   * cannot write does not run out of memory. Their cost stays in this process's spend sums. Default 100000.
   */
  maxQueued?: number;
}

interface RequestDbRow {
  id: string;
  at: number;
  key_id: string | null;
  model: string;
  candidate: string | null;
  attempts: string | null;
  status: number;
  stream: number;
  cached: number;
  input_tokens: number | null;
  output_tokens: number | null;
  cost_usd: number;
  latency_ms: number;
  overhead_ms: number;
  experiment: string | null;
  arm: string | null;
  unit: string | null;
  error: string | null;
  messages: string | null;
  output: string | null;
}

const COLUMNS = [
  'id', 'at', 'key_id', 'model', 'candidate', 'attempts', 'status', 'stream', 'cached', 'input_tokens', 'output_tokens',
  'cost_usd', 'latency_ms', 'overhead_ms', 'experiment', 'arm', 'unit', 'error', 'messages', 'output',
] as const;

function toDb(row: GatewayRequestRow): unknown[] {
  return [
    row.id,
    row.at,
    row.keyId ?? null,
    row.model,
    row.candidate ?? null,
    row.attempts && row.attempts.length > 0 ? JSON.stringify(row.attempts) : null,
    row.status,
    row.stream ? 1 : 0,
    row.cached ? 1 : 0,
    row.inputTokens ?? null,
    row.outputTokens ?? null,
    row.costUsd,
    row.latencyMs,
    row.overheadMs,
    row.experiment ?? null,
    row.arm ?? null,
    row.unit ?? null,
    row.error ?? null,
    row.messages === undefined ? null : JSON.stringify(row.messages),
    row.output ?? null,
  ];
}

function fromDb(r: RequestDbRow): GatewayRequestRow {
  return {
    id: r.id,
    at: r.at,
    ...(r.key_id === null ? {} : { keyId: r.key_id }),
    model: r.model,
    ...(r.candidate === null ? {} : { candidate: r.candidate }),
    ...(r.attempts === null ? {} : { attempts: JSON.parse(r.attempts) as GatewayRequestRow['attempts'] }),
    status: r.status,
    stream: r.stream === 1,
    cached: r.cached === 1,
    ...(r.input_tokens === null ? {} : { inputTokens: r.input_tokens }),
    ...(r.output_tokens === null ? {} : { outputTokens: r.output_tokens }),
    costUsd: r.cost_usd,
    latencyMs: r.latency_ms,
    overheadMs: r.overhead_ms,
    ...(r.experiment === null ? {} : { experiment: r.experiment }),
    ...(r.arm === null ? {} : { arm: r.arm }),
    ...(r.unit === null ? {} : { unit: r.unit }),
    ...(r.error === null ? {} : { error: r.error }),
    ...(r.messages === null ? {} : { messages: JSON.parse(r.messages) as unknown }),
    ...(r.output === null ? {} : { output: r.output }),
  };
}

/** Filters of `recent`. */
export interface RecentOptions {
  since?: number;
  limit?: number;
  model?: string;
  keyId?: string;
}

/** The batched request log over `db` (`path` names it in storage faults). */
export function createGatewayLog(db: Db, path: string, options: GatewayLogOptions = {}) {
  const batchSize = options.batchSize ?? 256;
  const flushMs = options.flushMs ?? 100;
  const maxQueued = options.maxQueued ?? 100_000;
  // Keyed by id: a row appended twice (a retried log call) is written once, the later version winning, as the
  // INSERT OR REPLACE below does for a row that was already flushed.
  let queue = new Map<string, GatewayRequestRow>();
  let timer: NodeJS.Timeout | undefined;
  let immediate: NodeJS.Immediate | undefined;
  let failed = false;
  let closed = false;
  let dropped = 0;

  const insert = db.prepare(`INSERT OR REPLACE INTO gateway_requests (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map(() => '?').join(', ')})`);
  const writeBatch = db.transaction((rows: GatewayRequestRow[]) => {
    for (const row of rows) insert.run(...toDb(row));
  });
  const byId = db.prepare<[string], RequestDbRow>('SELECT * FROM gateway_requests WHERE id = ?');
  const keySum = db.prepare<[string, number, number], { usd: number }>(
    'SELECT ifnull(sum(cost_usd), 0) AS usd FROM gateway_requests WHERE key_id = ? AND at >= ? AND at < ?',
  );

  /** Writes the queue in one transaction; on failure keeps it queued and throws. */
  function flushNow(): void {
    if (timer) clearTimeout(timer);
    if (immediate) clearImmediate(immediate);
    timer = undefined;
    immediate = undefined;
    if (queue.size === 0) return;
    const batch = queue;
    queue = new Map();
    try {
      writeBatch([...batch.values()]);
      failed = false;
    } catch (error) {
      queue = batch; // the write is synchronous: nothing was appended meanwhile
      const fault = storageFault(error, path) ?? error;
      if (!failed) options.onFault?.(fault);
      failed = true;
      // A server lives on: try again on the timer (not on every append, which would stall on each busy timeout).
      arm();
      throw fault;
    }
  }

  function flushQuietly(): void {
    try {
      flushNow();
    } catch {
      // reported through onFault
    }
  }

  function arm(): void {
    if (timer || closed) return;
    timer = setTimeout(flushQuietly, flushMs);
    timer.unref();
  }

  return {
    append(row: GatewayRequestRow): void {
      queue.set(row.id, row);
      if (queue.size > maxQueued) {
        queue.delete(queue.keys().next().value!);
        dropped++;
      }
      // A full batch is written right after the current event (the response that logged it is already on its way),
      // so appending never does I/O itself.
      if (queue.size >= batchSize && !failed && !closed) immediate ??= setImmediate(flushQuietly);
      else arm();
    },
    /** Rows dropped because writes kept failing (see `maxQueued`). */
    dropped: () => dropped,
    flush: flushNow,
    get(id: string): GatewayRequestRow | undefined {
      const queued = queue.get(id);
      if (queued) return queued;
      const row = byId.get(id);
      return row && fromDb(row);
    },
    recent(filter: RecentOptions): GatewayRequestRow[] {
      flushQuietly();
      const where: string[] = ['at >= ?'];
      const values: unknown[] = [filter.since ?? 0];
      if (filter.model !== undefined) (where.push('model = ?'), values.push(filter.model));
      if (filter.keyId !== undefined) (where.push('key_id = ?'), values.push(filter.keyId));
      values.push(filter.limit ?? -1);
      const sql = `SELECT * FROM gateway_requests WHERE ${where.join(' AND ')} ORDER BY at DESC, rowid DESC LIMIT ?`;
      return db.prepare<unknown[], RequestDbRow>(sql).all(...values).map(fromDb);
    },
    /**
     * USD a key spent in [from, to): the written rows plus the queued ones (each row once: a queued row is not in
     * the table yet, or, appended again after a flush, its queued version replaces the written one).
     */
    keySpend(keyId: string, from: number, to: number): number {
      let usd = keySum.get(keyId, from, to)!.usd;
      for (const row of queue.values()) {
        if (row.keyId !== keyId || row.at < from || row.at >= to) continue;
        usd += row.costUsd;
        const written = byId.get(row.id);
        if (written && written.at >= from && written.at < to) usd -= written.cost_usd;
      }
      return usd;
    },
    /** Writes what is queued and stops the timer; appends after this are written by an explicit flush only. */
    close(): void {
      closed = true;
      flushNow();
    },
  };
}

export type GatewayLog = ReturnType<typeof createGatewayLog>;
