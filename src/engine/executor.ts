/**
 * The executor: runs a plan's cells with a global limit on model calls in flight, per-provider concurrency
 * and rate limits, retries with backoff, and the response cache. Every finished cell goes to the run writer
 * and the event bus as soon as it is graded; nothing accumulates in memory.
 */
import { setMaxListeners } from 'node:events';
import { LlmlabError } from '../errors.js';
import type { ResponseCache, RunWriter } from '../store/index.js';
import type { CellResult, GenerateResult, Provider } from '../types.js';
import { cellRequest } from './cell-request.js';
import { costOf, priceOf } from './cost.js';
import type { EventBus } from './events.js';
import type { Grader } from './grade.js';
import { createRateLimiter, createSemaphore, sleep, type Semaphore } from './limits.js';
import type { Plan, PlannedCell } from './plan.js';
import { backoffMs, classify } from './retry.js';

/** What the executor needs besides the plan. */
export interface ExecuteOptions {
  providers: Map<string, Provider>;
  grader: Grader;
  cache: ResponseCache;
  writer: RunWriter;
  events: EventBus;
  /** Global cap on model calls in flight. */
  concurrency: number;
  /** Read cached answers (answers are written either way). */
  readCache: boolean;
  /** Cells already finished (resume): not run again. */
  skip: ReadonlySet<string>;
  /** Aborting stops dispatching new cells; calls in flight finish and are saved. */
  stop: AbortSignal;
  /** Aborting also cancels calls in flight (second Ctrl-C). */
  abort: AbortSignal;
}

/** Counts of what the executor did, for the caller's summary. */
export interface ExecuteStats {
  finished: number;
  calls: number;
  cacheHits: number;
}

export async function execute(plan: Plan, outer: ExecuteOptions): Promise<ExecuteStats> {
  // Every call in flight and every wait listens for cancellation: on the caller's signal that would be dozens
  // of listeners and a MaxListenersExceededWarning in the user's terminal. An internal signal may have many.
  const cancel = new AbortController();
  setMaxListeners(0, cancel.signal);
  const relay = () => cancel.abort(outer.abort.reason);
  if (outer.abort.aborted) relay();
  else outer.abort.addEventListener('abort', relay, { once: true });
  const options: ExecuteOptions = { ...outer, abort: cancel.signal };
  try {
    return await executeCells(plan, options);
  } finally {
    outer.abort.removeEventListener('abort', relay);
  }
}

async function executeCells(plan: Plan, options: ExecuteOptions): Promise<ExecuteStats> {
  const stats: ExecuteStats = { finished: 0, calls: 0, cacheHits: 0 };
  const global = createSemaphore(options.concurrency);
  const workers: Promise<void>[] = [];
  for (const resolved of plan.suite.providers) {
    const provider = options.providers.get(resolved.label);
    if (!provider) throw new LlmlabError('INTERNAL', `no instance for provider ${resolved.label}`);
    const call = createCaller(provider, resolved.limits, global, options);
    const price = priceOf(provider.type, provider.model);
    const cells = plan.cellsFor(resolved);
    const width = Math.min(resolved.limits.concurrency ?? options.concurrency, options.concurrency);
    for (let w = 0; w < width; w++) {
      workers.push(
        (async () => {
          for (const cell of cells) {
            if (options.stop.aborted) return;
            if (options.skip.has(cell.cellId)) continue;
            const result = await runCell(cell, provider, price, call, options, stats);
            // A call cancelled by a second Ctrl-C has no answer and no verdict: leave the cell for --resume.
            if (!result) return;
            stats.finished++;
            options.writer.addResult(result);
            options.events.emit({ type: 'node-end', cell: result });
          }
        })(),
      );
    }
  }
  await Promise.all(workers);
  return stats;
}

async function runCell(
  cell: PlannedCell,
  provider: Provider,
  price: ReturnType<typeof priceOf>,
  call: Caller,
  options: ExecuteOptions,
  stats: ExecuteStats,
): Promise<CellResult | undefined> {
  const { messages, prompt, key } = cellRequest(cell, provider);
  const base = {
    cellId: cell.cellId,
    providerId: cell.provider.id,
    providerLabel: cell.provider.label,
    promptId: cell.prompt.id,
    testId: cell.test.id,
    testIndex: cell.test.index,
    repeatIndex: cell.repeatIndex,
    description: cell.test.description,
    ...(cell.test.cluster === undefined ? {} : { cluster: cell.test.cluster }),
    vars: cell.test.vars,
    prompt,
  };

  let result: GenerateResult;
  let cached = false;
  const hit = options.readCache ? options.cache.get(key) : undefined;
  if (hit) {
    result = hit;
    cached = true;
    stats.cacheHits++;
  } else {
    try {
      result = await call(cell, { messages, prompt, vars: cell.test.vars, repeatIndex: cell.repeatIndex });
      stats.calls++;
    } catch (error) {
      if (options.abort.aborted) return undefined;
      const message = error instanceof Error ? error.message : String(error);
      return { ...base, output: '', status: 'error', score: 0, assertions: [], latencyMs: 0, cost: 0, cached, error: message };
    }
    result.cost ??= costOf(price, result.usage);
    options.writer.cacheResponse(key, cell.provider.id, result);
  }

  const verdict = await options.grader.grade({
    output: result.output,
    test: cell.test,
    prompt,
    result,
    providerId: cell.provider.id,
  });
  return {
    ...base,
    output: result.output,
    status: verdict.error ? 'error' : verdict.pass ? 'pass' : 'fail',
    score: verdict.score,
    assertions: verdict.assertions,
    latencyMs: result.latencyMs ?? 0,
    usage: result.usage,
    cost: result.cost ?? 0,
    cached,
    finishReason: result.finishReason,
    error: verdict.error,
  };
}

type Caller = (cell: PlannedCell, request: Parameters<Provider['generate']>[0]) => Promise<GenerateResult>;

/** One provider's call path: rate limit → global slot → call with timeout → retry on retryable failures. */
function createCaller(
  provider: Provider,
  limits: { rpm?: number; timeoutMs: number; maxRetries: number },
  global: Semaphore,
  options: ExecuteOptions,
): Caller {
  const limiter = createRateLimiter(limits.rpm);
  return async (cell, request) => {
    for (let attempt = 0; ; attempt++) {
      await limiter.take(options.abort);
      await global.acquire();
      // node-start means "a call is in flight", which is what a UI's in-flight count shows.
      if (attempt === 0) options.events.emit({ type: 'node-start', cellId: cell.cellId, providerId: provider.id });
      // One plain controller per call: AbortSignal.timeout/any build transferable signals, which cost more
      // than a fake model call at a thousand calls a second.
      const call = new AbortController();
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        call.abort(new Error(`timed out after ${limits.timeoutMs} ms`));
      }, limits.timeoutMs);
      const onAbort = () => call.abort(options.abort.reason);
      options.abort.addEventListener('abort', onAbort, { once: true });
      const started = performance.now();
      let delay: number;
      try {
        const result = await provider.generate(request, { signal: call.signal });
        result.latencyMs ??= Math.round(performance.now() - started);
        return result;
      } catch (error) {
        if (options.abort.aborted) throw new LlmlabError('INTERRUPTED', 'cancelled');
        const failure = classify(error, timedOut, limits.timeoutMs);
        if (!failure.retryable || attempt >= limits.maxRetries || options.stop.aborted) {
          const tries = attempt + 1;
          throw new Error(tries > 1 ? `${failure.message} (after ${tries} attempts)` : failure.message);
        }
        delay = backoffMs(attempt, failure.retryAfterMs);
        options.events.emit({
          type: 'retry',
          cellId: cell.cellId,
          providerId: provider.id,
          attempt: attempt + 1,
          delayMs: delay,
          reason: failure.message,
        });
      } finally {
        clearTimeout(timer);
        options.abort.removeEventListener('abort', onAbort);
        global.release();
      }
      // The global slot is free while we wait: a rate-limited provider must not starve the others.
      await sleep(delay, options.abort);
    }
  };
}
