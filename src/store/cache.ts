/**
 * The response cache: one row per model call, keyed by a hash of everything that can change the answer.
 * Only successful answers are stored; errors are never cached.
 */
import type { GenerateResult, MediaRef, TokenUsage, ToolCall } from '../types.js';
import type { Db } from './db.js';

/** A cached answer, as stored. */
export interface CachedResponse {
  output: string;
  usage?: TokenUsage;
  finishReason?: string;
  model?: string;
  latencyMs: number;
  cost?: number;
  toolCalls?: ToolCall[];
  logprobs?: number[];
  media?: MediaRef[];
}

export interface CacheStats {
  entries: number;
  bytes: number;
  byProvider: { providerId: string; entries: number }[];
  oldest?: number;
  newest?: number;
}

interface ResponseRow {
  output: string;
  usage: string | null;
  finish_reason: string | null;
  model: string | null;
  latency_ms: number;
  cost: number | null;
  tool_calls: string | null;
  logprobs: string | null;
  media: string | null;
}

interface SourcedRow extends ResponseRow {
  provider_id: string;
}

/** Read/write access to the response cache. */
export function createResponseCache(db: Db) {
  const get = db.prepare<[string], SourcedRow>(
    'SELECT output, usage, finish_reason, model, latency_ms, cost, tool_calls, logprobs, media, provider_id FROM responses WHERE key = ?',
  );
  const getFresh = db.prepare<[string, number], SourcedRow>(
    'SELECT output, usage, finish_reason, model, latency_ms, cost, tool_calls, logprobs, media, provider_id FROM responses WHERE key = ? AND created_at >= ?',
  );
  const fromRow = (row: ResponseRow): CachedResponse => ({
    output: row.output,
    usage: row.usage ? (JSON.parse(row.usage) as TokenUsage) : undefined,
    finishReason: row.finish_reason ?? undefined,
    model: row.model ?? undefined,
    latencyMs: row.latency_ms,
    cost: row.cost ?? undefined,
    ...(row.tool_calls === null ? {} : { toolCalls: JSON.parse(row.tool_calls) as ToolCall[] }),
    ...(row.logprobs === null ? {} : { logprobs: JSON.parse(row.logprobs) as number[] }),
    ...(row.media === null ? {} : { media: JSON.parse(row.media) as MediaRef[] }),
  });
  const put = db.prepare(
    `INSERT OR REPLACE INTO responses (key, provider_id, output, usage, finish_reason, model, latency_ms, cost, created_at, tool_calls, logprobs, media)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  return {
    get(key: string): CachedResponse | undefined {
      const row = get.get(key);
      return row ? fromRow(row) : undefined;
    },
    /**
     * The answer stored under `key` and who stored it (the provider id it was put with); with `notBefore` (ms since
     * epoch), only one stored at or after it (a TTL).
     */
    lookup(key: string, notBefore?: number): { response: CachedResponse; providerId: string } | undefined {
      const row = notBefore === undefined ? get.get(key) : getFresh.get(key, notBefore);
      return row ? { response: fromRow(row), providerId: row.provider_id } : undefined;
    },
    /** Stores a successful answer. Call inside the results writer's transaction when batching. */
    put(key: string, providerId: string, result: GenerateResult): void {
      put.run(
        key,
        providerId,
        result.output,
        result.usage ? JSON.stringify(result.usage) : null,
        result.finishReason ?? null,
        result.model ?? null,
        result.latencyMs ?? 0,
        result.cost ?? null,
        Date.now(),
        result.toolCalls?.length ? JSON.stringify(result.toolCalls) : null,
        result.logprobs?.length ? JSON.stringify(result.logprobs) : null,
        result.media?.length ? JSON.stringify(result.media) : null,
      );
    },
    stats(): CacheStats {
      const total = db
        .prepare<[], { n: number; bytes: number | null; oldest: number | null; newest: number | null }>(
          'SELECT count(*) AS n, sum(length(output) + ifnull(length(usage), 0)) AS bytes, min(created_at) AS oldest, max(created_at) AS newest FROM responses',
        )
        .get()!;
      const byProvider = db
        .prepare<[], { providerId: string; entries: number }>(
          'SELECT provider_id AS providerId, count(*) AS entries FROM responses GROUP BY provider_id ORDER BY entries DESC',
        )
        .all();
      return {
        entries: total.n,
        bytes: total.bytes ?? 0,
        byProvider,
        oldest: total.oldest ?? undefined,
        newest: total.newest ?? undefined,
      };
    },
    /** Deletes cached answers (all, or one provider's); returns how many. */
    clear(providerId?: string): number {
      const stmt = providerId
        ? db.prepare('DELETE FROM responses WHERE provider_id = ?')
        : db.prepare('DELETE FROM responses');
      return (providerId ? stmt.run(providerId) : stmt.run()).changes;
    },
  };
}

export type ResponseCache = ReturnType<typeof createResponseCache>;
