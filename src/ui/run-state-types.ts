/**
 * The shapes of the TUI's state (run-state.ts folds events into them; view-model.ts reads them), and how much of
 * the recent history it keeps.
 */
import type { RunStatus, StageEvent } from '../types.js';
import type { Recent } from './recent.js';

/** How many recent call latencies a provider keeps for its live p50. */
export const LATENCY_WINDOW = 200;
/** How many recent failures the state keeps (the failures view shows them). */
export const FAILURE_LIMIT = 50;

/** One provider entry of the suite, by label. */
export interface ProviderState {
  label: string;
  /** Its provider id, to attribute retry events (which name only the id). */
  id: string;
  /** Calls dispatched (node-start). */
  started: number;
  /** Cells answered (any status), cached or not. */
  completed: number;
  /** Cells answered by a call (not the cache): each had a node-start. */
  called: number;
  errors: number;
  /** Retry events so far (a cell retried twice counts twice). */
  retries: number;
  cached: number;
  /** Latencies of recent calls (cache hits excluded: they took no time now); read the newest {@link LATENCY_WINDOW}. */
  latencies: Recent<number>;
}

/** One prompt × provider: its verdicts so far. */
export interface TargetState {
  promptId: string;
  providerLabel: string;
  passed: number;
  failed: number;
  errors: number;
  skipped: number;
}

/** A failed or errored cell, as the failures list shows it. */
export interface FailureEntry {
  cellId: string;
  providerLabel: string;
  promptId: string;
  testId: string;
  description?: string;
  status: 'fail' | 'error';
  /** One line: the error, or the first failing assertion and its reason. */
  reason: string;
}

/** The run's spend against its budget, from the latest `budget` event. */
export interface BudgetState {
  spentUsd: number;
  limitUsd: number;
  /** Set once the alert fired; `stopped` once the budget stopped the run or a provider (sticky). */
  alerted: boolean;
  stopped: boolean;
  /** The provider skipped, or `run`. */
  stoppedScope?: string;
}

/** A cell waiting out a retry backoff. */
export interface RetryingCell {
  providerLabel: string;
  until: number;
}

export interface RunState {
  status: 'waiting' | RunStatus;
  runId: string | undefined;
  suitePath: string | undefined;
  totalCells: number;
  /** Finished cells, including those a resumed run found already done. */
  doneCells: number;
  /** Finished by an earlier attempt (resume); excluded from throughput. */
  resumedCells: number;
  startedAt: number | undefined;
  endedAt: number | undefined;
  passed: number;
  failed: number;
  errors: number;
  skipped: number;
  cachedCells: number;
  tokens: { input: number; output: number };
  /** USD of the calls made by this run (cache hits cost nothing now). */
  cost: number;
  /** By label, in order of first appearance. */
  providers: ReadonlyMap<string, ProviderState>;
  /** Keyed by `prompt\0provider`, in order of first verdict. */
  targets: ReadonlyMap<string, TargetState>;
  /** Cells that were retried and have not finished, by cell id (few: only retried ones). */
  retrying: ReadonlyMap<string, RetryingCell>;
  /** Read the newest {@link FAILURE_LIMIT}. */
  failures: Recent<FailureEntry>;
  failureCount: number;
  /** Undefined when the run has no budget. */
  budget: BudgetState | undefined;
  /** The latest fine-tune stage event per tuned model, in order of first appearance. */
  stages: ReadonlyMap<string, StageEvent>;
}
