/**
 * The TUI's state: a pure reducer that folds RunEvents into counts. No engine logic lives here — only what the
 * events say. Time comes in as an argument, so a sequence of events always folds to the same state. Each event
 * costs O(1) and well under a microsecond: counters, not a map of cells in flight, and copies made by
 * {@link copyState} (a fixed-shape literal; `{ ...state }` is some 30 times slower in V8).
 */
import type { CellResult, EarlierTargetTotals, RunEvent } from '../types.js';
import { addRecent } from './recent.js';
import { FAILURE_LIMIT, LATENCY_WINDOW, type FailureEntry, type ProviderState, type RunState } from './run-state-types.js';

export * from './run-state-types.js';

export function createRunState(): RunState {
  return {
    status: 'waiting',
    runId: undefined,
    suitePath: undefined,
    startedAt: undefined,
    endedAt: undefined,
    totalCells: 0,
    doneCells: 0,
    resumedCells: 0,
    passed: 0,
    failed: 0,
    errors: 0,
    skipped: 0,
    cachedCells: 0,
    tokens: { input: 0, output: 0 },
    cost: 0,
    providers: new Map(),
    targets: new Map(),
    retrying: new Map(),
    failures: undefined,
    failureCount: 0,
    budget: undefined,
    stages: new Map(),
  };
}

/** Folds one event into the state; returns a new state and leaves the old one untouched. */
export function reduceRun(state: RunState, event: RunEvent, now: number): RunState {
  switch (event.type) {
    case 'run-start':
      return withEarlier(
        {
          ...createRunState(),
          status: 'running',
          runId: event.runId,
          suitePath: event.suitePath,
          totalCells: event.totalCells,
          doneCells: event.doneCells,
          resumedCells: event.doneCells,
          startedAt: now,
        },
        event.earlier ?? [],
      );
    case 'node-start': {
      const next = copyState(state);
      next.providers = withProvider(state.providers, event.providerLabel ?? event.providerId, event.providerId, (p) => {
        p.started++;
      });
      return next;
    }
    case 'retry': {
      // Retry events name the provider id only: the entry (label) with that id, the first when two share it. A
      // retry to a provider that never started a cell is a judge call grading one: it counts there, and the cell
      // is not waiting on it.
      const owner = [...state.providers.values()].find((p) => p.id === event.providerId);
      const label = owner?.label ?? event.providerId;
      const next = copyState(state);
      next.providers = withProvider(state.providers, label, event.providerId, (p) => {
        p.retries++;
      });
      if (owner && owner.started > 0) {
        next.retrying = withEntry(state.retrying, event.cellId, { providerLabel: label, until: now + event.delayMs });
      }
      return next;
    }
    case 'node-end':
      return finishCell(state, event.cell);
    case 'stage': {
      const next = copyState(state);
      next.stages = new Map(state.stages).set(event.label, event);
      return next;
    }
    case 'budget': {
      const next = copyState(state);
      const stopped = state.budget?.stopped === true || event.level === 'stop';
      const stoppedScope = event.level === 'stop' ? event.scope : state.budget?.stoppedScope;
      next.budget = {
        spentUsd: event.spentUsd,
        limitUsd: event.limitUsd,
        alerted: state.budget?.alerted === true || event.level === 'alert',
        stopped,
        ...(stoppedScope === undefined ? {} : { stoppedScope }),
      };
      return next;
    }
    case 'run-end': {
      const next = copyState(state);
      next.status = event.status;
      next.endedAt = now;
      next.retrying = new Map();
      return next;
    }
    default:
      return state;
  }
}

function finishCell(state: RunState, cell: CellResult): RunState {
  const status = cell.status;
  const pass = status === 'pass' ? 1 : 0;
  const fail = status === 'fail' ? 1 : 0;
  const error = status === 'error' ? 1 : 0;
  const skip = status === 'skipped' ? 1 : 0;
  const cached = cell.cached ? 1 : 0;
  // Attack cells pass when the target resisted: their row says so, apart from any prompt of the same name.
  const promptId = cell.attack ? 'attacks resisted' : cell.promptId;
  const key = `${cell.attack ? '\u0001' : ''}${promptId}\0${cell.providerLabel}`;
  const target = state.targets.get(key);
  const next = copyState(state);
  next.doneCells++;
  next.passed += pass;
  next.failed += fail;
  next.errors += error;
  next.skipped += skip;
  next.cachedCells += cached;
  if (cell.usage && !cell.cached) {
    next.tokens = { input: state.tokens.input + cell.usage.input, output: state.tokens.output + cell.usage.output };
  }
  // Judge calls are paid apart from the answer, even when the answer came from the cache.
  next.cost += (cell.cached ? 0 : cell.cost) + (cell.gradingCost ?? 0);
  next.providers = withProvider(state.providers, cell.providerLabel, cell.providerId, (p) => {
    p.completed++;
    p.called += 1 - cached;
    p.errors += error;
    p.cached += cached;
    if (!cell.cached) p.latencies = addRecent(p.latencies, cell.latencyMs, LATENCY_WINDOW);
  });
  next.targets = withEntry(state.targets, key, {
    promptId,
    providerLabel: cell.providerLabel,
    passed: (target?.passed ?? 0) + pass,
    failed: (target?.failed ?? 0) + fail,
    errors: (target?.errors ?? 0) + error,
    skipped: (target?.skipped ?? 0) + skip,
  });
  if (state.retrying.has(cell.cellId)) next.retrying = without(state.retrying, cell.cellId);
  if (fail + error > 0) {
    next.failures = addRecent(state.failures, failureOf(cell, status as 'fail' | 'error'), FAILURE_LIMIT);
    next.failureCount++;
  }
  return next;
}

/**
 * A resumed run starts from what its earlier attempts finished: verdicts, tokens and cost per prompt × provider
 * and per provider, so the live counts match the summary printed at the end. Their latencies are not this
 * attempt's and stay out of the p50.
 */
function withEarlier(state: RunState, earlier: readonly EarlierTargetTotals[]): RunState {
  let next = state;
  for (const t of earlier) {
    const done = t.passed + t.failed;
    next = copyState(next);
    next.passed += t.passed;
    next.failed += t.failed;
    // Counted, not listed: the failures list shows this attempt's, under a heading that counts them all.
    next.failureCount += t.failed;
    next.cachedCells += t.cachedCells;
    next.tokens = { input: next.tokens.input + t.inputTokens, output: next.tokens.output + t.outputTokens };
    next.cost += t.cost;
    next.providers = withProvider(next.providers, t.providerLabel, t.providerId, (p) => {
      p.completed += done;
      p.cached += t.cachedCells;
    });
    next.targets = withEntry(next.targets, `${t.promptId}\0${t.providerLabel}`, {
      promptId: t.promptId,
      providerLabel: t.providerLabel,
      passed: t.passed,
      failed: t.failed,
      errors: 0,
      skipped: 0,
    });
  }
  return next;
}

/** A shallow copy, as a literal of one fixed shape: what the reducer changes, it changes on the copy. */
function copyState(s: RunState): RunState {
  return {
    status: s.status,
    runId: s.runId,
    suitePath: s.suitePath,
    totalCells: s.totalCells,
    doneCells: s.doneCells,
    resumedCells: s.resumedCells,
    startedAt: s.startedAt,
    endedAt: s.endedAt,
    passed: s.passed,
    failed: s.failed,
    errors: s.errors,
    skipped: s.skipped,
    cachedCells: s.cachedCells,
    tokens: s.tokens,
    cost: s.cost,
    providers: s.providers,
    targets: s.targets,
    retrying: s.retrying,
    failures: s.failures,
    failureCount: s.failureCount,
    budget: s.budget,
    stages: s.stages,
  };
}

/** The providers with `label`'s entry replaced by a changed copy (created on first sight). */
function withProvider(
  providers: RunState['providers'],
  label: string,
  id: string,
  change: (copy: ProviderState) => void,
): RunState['providers'] {
  const p = providers.get(label);
  const copy: ProviderState = {
    label,
    id: p?.id ?? id,
    started: p?.started ?? 0,
    completed: p?.completed ?? 0,
    called: p?.called ?? 0,
    errors: p?.errors ?? 0,
    retries: p?.retries ?? 0,
    cached: p?.cached ?? 0,
    latencies: p?.latencies,
  };
  change(copy);
  return withEntry(providers, label, copy);
}

/** A copy of `map` with `key` set: these maps are small (providers, targets, retried cells). */
function withEntry<K, V>(map: ReadonlyMap<K, V>, key: K, value: V): ReadonlyMap<K, V> {
  return new Map(map).set(key, value);
}

function without<K, V>(map: ReadonlyMap<K, V>, key: K): ReadonlyMap<K, V> {
  const copy = new Map(map);
  copy.delete(key);
  return copy;
}

function failureOf(cell: CellResult, status: 'fail' | 'error'): FailureEntry {
  const failing = cell.assertions.find((a) => a.error !== undefined || !a.pass);
  const reason =
    cell.error ??
    (failing ? `${failing.type}: ${failing.error ?? failing.reason ?? 'did not pass'}` : status === 'error' ? 'error' : 'failed');
  return {
    cellId: cell.cellId,
    providerLabel: cell.providerLabel,
    // A failed attack cell is an attack that got through: say so rather than name the internal prompt.
    promptId: cell.attack && status === 'fail' ? 'attack succeeded' : cell.promptId,
    testId: cell.testId,
    ...(cell.description === undefined ? {} : { description: cell.description }),
    status,
    reason: reason.replace(/\s+/g, ' ').trim(),
  };
}
