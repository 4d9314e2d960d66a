/**
 * The executor: runs a plan's cells with a global limit on model calls in flight, per-provider concurrency
 * and rate limits, retries with backoff, and the response cache. Every finished cell goes to the run writer
 * and the event bus as soon as it is graded; nothing accumulates in memory.
 */
import { setMaxListeners } from 'node:events';
import { LlmlabError } from '../errors.js';
import { createCaller } from './caller.js';
import { createComparisons } from './compare.js';
import { loadInputCounter, outputBound, providerPrice } from './estimate.js';
import type { ExecuteOptions, ExecuteStats } from './execute-options.js';
import { createJudges } from './judge.js';
import { createSemaphore } from './limits.js';
import type { Plan, PlannedCell } from './plan.js';
import { runCell, skippedCell, type Costing } from './run-cell.js';
import type { ResolvedProvider } from '../config/types.js';
import type { CellResult, Provider } from '../types.js';
import { createTimeSlicer } from './time-slice.js';

/** Runs the plan's cells not in `skip` and resolves with the counts once every worker is done or stopped. */
export async function execute(plan: Plan, outer: ExecuteOptions): Promise<ExecuteStats> {
  // Every call in flight and every wait listens for cancellation: on the caller's signal that would be dozens
  // of listeners and a MaxListenersExceededWarning in the user's terminal. An internal signal may have many.
  // The same goes for `stop`, which every retry wait listens to as well.
  const [abort, unrelayAbort] = relay(outer.abort);
  const [stop, unrelayStop] = relay(outer.stop);
  const options: ExecuteOptions = { ...outer, abort, stop };
  try {
    return await executeCells(plan, options);
  } finally {
    unrelayAbort();
    unrelayStop();
  }
}

/** An internal signal (any number of listeners) that aborts with `outer`, and how to detach it. */
function relay(outer: AbortSignal): [AbortSignal, () => void] {
  const inner = new AbortController();
  setMaxListeners(0, inner.signal);
  const forward = () => inner.abort(outer.reason);
  if (outer.aborted) forward();
  else outer.addEventListener('abort', forward, { once: true });
  return [inner.signal, () => outer.removeEventListener('abort', forward)];
}

async function executeCells(plan: Plan, options: ExecuteOptions): Promise<ExecuteStats> {
  const stats: ExecuteStats = { finished: 0, calls: 0, cacheHits: 0, judgeCalls: 0, judgeCacheHits: 0 };
  const global = createSemaphore(options.concurrency);
  const judges = createJudges({
    graders: options.graders ?? new Map(),
    resolved: plan.suite.graders ?? {},
    global,
    cache: options.cache,
    readCache: options.readCache,
    writer: options.writer,
    events: options.events,
    abort: options.abort,
    stop: options.stop,
    stats,
    prices: plan.suite.prices,
    ...(options.budget ? { budget: options.budget } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
  });
  // Tests with select-best or max-score: their cells are written a group at a time, once the group is graded.
  const comparisons = createComparisons(plan, { grader: options.grader, judges, skip: options.skip, abort: options.abort });
  const slicer = createTimeSlicer();
  // Every provider starts at once; a tuned model's cells first wait for its training (the others do not).
  const workers = plan.suite.providers.map((resolved) => runProvider(resolved));
  await Promise.all(workers);
  return stats;

  async function runProvider(resolved: ResolvedProvider): Promise<void> {
    const instance = await instanceOf(resolved);
    if (!instance.ok) {
      if (!instance.interrupted) skipProvider(resolved, instance.reason);
      return;
    }
    const provider = instance.provider;
    const call = createCaller(resolved.limits, global, options);
    const price = providerPrice(plan.suite.prices, resolved, provider);
    // Token estimates only when something reserves them: loading a tokenizer is not free.
    const estimated = options.budget !== undefined || resolved.limits.tpm !== undefined;
    const costing: Costing = {
      price,
      ...(estimated
        ? { count: (await loadInputCounter(provider.type, provider.model)).count, outputTokens: outputBound(resolved).tokens }
        : {}),
      ...(options.budget ? { scopes: options.budget.scopesOf(resolved.label, resolved.id) } : {}),
    };
    // The provider's work queue, shared by its workers: each takes the next cell from the one generator, so every
    // cell is run exactly once. It must stay a single iterator — an array here would hand every worker every cell.
    const queue: Iterator<PlannedCell> = plan.cellsFor(resolved);
    const width = Math.min(resolved.limits.concurrency ?? options.concurrency, options.concurrency);
    const mine: Promise<void>[] = [];
    for (let w = 0; w < width; w++) {
      mine.push(
        (async () => {
          for (let next = queue.next(); !next.done; next = queue.next()) {
            const cell = next.value;
            // Cells that finish synchronously would otherwise keep the loop from ever seeing Ctrl-C.
            const turn = slicer.due();
            if (turn) await turn;
            if (options.stop.aborted) return;
            if (options.skip.has(cell.cellId)) continue;
            if (options.pause?.paused) {
              await options.pause.wait(options.stop);
              if (options.stop.aborted) return;
            }
            const result = await runCell(cell, provider, costing, call, judges, options, stats);
            // A call cancelled by a second Ctrl-C has no answer and no verdict: leave the cell for --resume.
            if (!result) return;
            for (const done of comparisons ? await comparisons.settle(cell, result) : [result]) finish(done);
          }
        })(),
      );
    }
    await Promise.all(mine);
  }

  async function instanceOf(resolved: ResolvedProvider): Promise<{ ok: true; provider: Provider } | { ok: false; reason: string; interrupted: boolean }> {
    if (!resolved.finetune) {
      const provider = options.providers.get(resolved.label);
      if (!provider) throw new LlmlabError('INTERNAL', `no instance for provider ${resolved.label}`);
      return { ok: true, provider };
    }
    if (!options.training) throw new LlmlabError('INTERNAL', `no training stage for ${resolved.label}`);
    return options.training.ready(resolved.label);
  }

  /** A tuned model whose training failed: its cells are recorded skipped, with the job's reason. */
  function skipProvider(resolved: ResolvedProvider, reason: string): void {
    for (const cell of plan.cellsFor(resolved)) {
      if (options.stop.aborted) return;
      if (options.skip.has(cell.cellId)) continue;
      finish(skippedCell(cell, `fine-tune failed: ${reason}`));
    }
  }

  function finish(done: CellResult): void {
    stats.finished++;
    options.writer.addResult(done);
    options.events.emit({ type: 'node-end', cell: done });
  }
}
