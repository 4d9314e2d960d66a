/**
 * The executor: runs a plan's cells with a global limit on model calls in flight, per-provider concurrency
 * and rate limits, retries with backoff, and the response cache. Every finished cell goes to the run writer
 * and the event bus as soon as it is graded; nothing accumulates in memory.
 */
import { setMaxListeners } from 'node:events';
import { LlmlabError } from '../errors.js';
import type { ResponseCache, RunWriter } from '../store/index.js';
import type { Assertion, AssertionResult, CellResult, GenerateResult, Provider } from '../types.js';
import { BUDGET_REFUSED, type BudgetGate } from './budget-gate.js';
import { createCaller, type Caller } from './caller.js';
import { cellRequest } from './cell-request.js';
import { costOf, suitePrice, type ModelPrice } from './cost.js';
import { loadInputCounter, outputBound, worstCaseCost, type InputCounter } from './estimate.js';
import type { EventBus } from './events.js';
import type { Grader } from './grade.js';
import { createJudges, type JudgeFactory, type JudgeStats } from './judge.js';
import { createSemaphore } from './limits.js';
import type { Plan, PlannedCell } from './plan.js';

/** What the executor needs besides the plan. */
export interface ExecuteOptions {
  providers: Map<string, Provider>;
  /** Grader and embedder instances by the key model-graded assertions name (see ResolvedSuite.graders). */
  graders?: Map<string, Provider>;
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
  /** While paused, no new cell is taken; calls in flight finish. */
  pause?: PauseGate;
  /** The run's budget: every uncached call reserves its worst case first; refused cells are skipped. */
  budget?: BudgetGate;
}

/** Holds dispatch while `paused` (the TUI's `p`); `wait` settles on resume or when `signal` aborts. */
export interface PauseGate {
  readonly paused: boolean;
  wait(signal: AbortSignal): Promise<void>;
}

/** Counts of what the executor did, for the caller's summary. */
export interface ExecuteStats extends JudgeStats {
  finished: number;
  /** Generation calls made; judge calls are counted apart. */
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
  });
  const workers: Promise<void>[] = [];
  for (const resolved of plan.suite.providers) {
    const provider = options.providers.get(resolved.label);
    if (!provider) throw new LlmlabError('INTERNAL', `no instance for provider ${resolved.label}`);
    const call = createCaller(resolved.limits, global, options);
    const price = suitePrice(plan.suite.prices, provider.type, provider.model);
    const costing: Costing = {
      price,
      ...(options.budget
        ? {
            count: (await loadInputCounter(provider.type, provider.model)).count,
            outputTokens: outputBound(resolved).tokens,
            scopes: options.budget.scopesOf(resolved.label, resolved.id),
          }
        : {}),
    };
    const cells = plan.cellsFor(resolved);
    const width = Math.min(resolved.limits.concurrency ?? options.concurrency, options.concurrency);
    for (let w = 0; w < width; w++) {
      workers.push(
        (async () => {
          for (const cell of cells) {
            if (options.stop.aborted) return;
            if (options.skip.has(cell.cellId)) continue;
            if (options.pause?.paused) {
              await options.pause.wait(options.stop);
              if (options.stop.aborted) return;
            }
            const result = await runCell(cell, provider, costing, call, judges, options, stats);
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

/** What a provider's calls cost, and with a budget, how to reserve their worst case. */
interface Costing {
  price: ModelPrice | undefined;
  count?: InputCounter;
  outputTokens?: number;
  scopes?: string[];
}

async function runCell(
  cell: PlannedCell,
  provider: Provider,
  costing: Costing,
  call: Caller,
  judges: JudgeFactory,
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
  const budget = options.budget;
  const scopes = costing.scopes ?? [];
  const worstCase = () => worstCaseCost(costing.price, costing.count?.(messages) ?? 0, costing.outputTokens ?? 0);
  const skipped = (extra: Partial<CellResult> = {}, worst = worstCase()): CellResult => {
    budget?.skipped(worst);
    return { ...base, output: '', status: 'skipped', score: 0, assertions: [], latencyMs: 0, cost: 0, cached: false, skipReason: 'budget', ...extra };
  };
  // Once the budget stopped the run (or this provider), the cells left are recorded, not run: a resume does them.
  if (budget?.stopped(scopes)) return skipped();

  let result: GenerateResult;
  let cached = false;
  const hit = options.readCache ? options.cache.get(key) : undefined;
  if (hit) {
    result = hit;
    cached = true;
    stats.cacheHits++;
  } else {
    const reservation = budget && (await budget.reserve(worstCase(), scopes));
    if (budget && !reservation) return skipped();
    let spent = 0;
    try {
      const request = {
        messages,
        prompt,
        vars: cell.test.vars,
        repeatIndex: cell.repeatIndex,
        ...(cell.test.continuations ? { continuations: cell.test.continuations } : {}),
      };
      const site = {
        cellId: cell.cellId,
        providerId: provider.id,
        // node-start means "a call is in flight", which is what a UI's in-flight count shows.
        onStart: () =>
          options.events.emit({ type: 'node-start', cellId: cell.cellId, providerId: provider.id, providerLabel: cell.provider.label }),
      };
      result = await call(site, async (signal) => {
        const started = performance.now();
        const answer = await provider.generate(request, { signal });
        answer.latencyMs ??= Math.round(performance.now() - started);
        return answer;
      });
      stats.calls++;
      result.cost ??= costOf(costing.price, result.usage);
      spent = result.cost;
    } catch (error) {
      if (options.abort.aborted) return undefined;
      const message = error instanceof Error ? error.message : String(error);
      return { ...base, output: '', status: 'error', score: 0, assertions: [], latencyMs: 0, cost: 0, cached, error: message };
    } finally {
      if (reservation) budget?.settle(reservation, spent);
    }
    options.writer.cacheResponse(key, cell.provider.id, result);
  }

  // Most suites grade nothing by model: their cells skip the per-cell judge closure.
  const judged = options.graders?.size ? { cellId: cell.cellId, vars: cell.test.vars } : undefined;
  const verdict = await options.grader.grade({
    output: result.output,
    test: cell.test,
    prompt,
    result,
    providerId: cell.provider.id,
    ...(judged ? { judges: (assertion: Assertion) => judges(assertion, judged) } : {}),
  });
  // A judge call cancelled by a second Ctrl-C leaves no verdict: the cell is left for --resume.
  if (verdict.error && options.abort.aborted) return undefined;
  const gradingCost = gradingCostOf(verdict.assertions);
  const answered = {
    output: result.output,
    assertions: verdict.assertions,
    latencyMs: result.latencyMs ?? 0,
    usage: result.usage,
    cost: result.cost ?? 0,
    ...(gradingCost === undefined ? {} : { gradingCost }),
    cached,
  };
  // A judge call the budget refused leaves the cell ungraded: skipped, its answer cached by now, so a resume pays
  // only for the judging.
  if (verdict.assertions.some((a) => a.error?.includes(BUDGET_REFUSED))) return skipped(answered, 0);
  return {
    ...base,
    ...answered,
    status: verdict.error ? 'error' : verdict.pass ? 'pass' : 'fail',
    score: verdict.score,
    finishReason: result.finishReason,
    error: verdict.error,
  };
}

/** USD of the judge calls behind a cell's verdicts; undefined when nothing was model-graded. */
function gradingCostOf(assertions: readonly AssertionResult[]): number | undefined {
  let total: number | undefined;
  for (const a of assertions) if (a.cost !== undefined) total = (total ?? 0) + a.cost;
  return total;
}
