/**
 * What the TUI shows, computed from the reducer's state at render time (at most ~10 times a second): rates,
 * ETA, p50 latencies, pass rates with Wilson intervals. Pure; the components only lay it out.
 */
import { stageLine } from './plain.js';
import { wilson } from '../stats/index.js';
import { recentItems } from './recent.js';
import { FAILURE_LIMIT, LATENCY_WINDOW, type BudgetState, type FailureEntry, type RunState } from './run-state.js';

export interface ProviderLine {
  label: string;
  inFlight: number;
  completed: number;
  errors: number;
  /** Cells waiting out a backoff (rate limit, 5xx) right now. */
  retryWaiting: number;
  retries: number;
  cached: number;
  /** Median of the recent calls' latencies; null before the first call. */
  p50Ms: number | null;
}

export interface PassRateLine {
  promptId: string;
  providerLabel: string;
  passed: number;
  /** Graded cells (skipped excluded; errors count as not passing, as in the summary). */
  n: number;
  rate: number | null;
  /** 95 % Wilson interval. */
  low: number | null;
  high: number | null;
}

export interface ViewModel {
  status: RunState['status'];
  runId?: string;
  suitePath?: string;
  done: number;
  total: number;
  /** 0..1 */
  fraction: number;
  elapsedMs: number;
  /** Cells per second finished by this attempt; null until one finished. */
  cellsPerSec: number | null;
  etaMs: number | null;
  passed: number;
  failed: number;
  errors: number;
  cached: number;
  tokens: { input: number; output: number };
  cost: number;
  providers: ProviderLine[];
  passRates: PassRateLine[];
  /** The newest failures, oldest first. */
  failures: readonly FailureEntry[];
  failureCount: number;
  /** Spend against the budget; null without one. */
  budget: BudgetLine | null;
  /** One line per tuned model of a fine-tune recipe: its latest stage (`finetune:x train running (ftjob-1)`). */
  stages: string[];
}

/** The budget meter: spent of limit, how full, and whether it alerted or stopped. */
export interface BudgetLine extends BudgetState {
  /** spent / limit, 0..1. */
  fraction: number;
}

/**
 * The view-model at `now`. `pausedMs` is the time the run spent paused so far (`p`): throughput counts only the
 * time cells could be taken, so the ETA holds still while paused instead of growing.
 */
export function toViewModel(state: RunState, now: number, pausedMs = 0): ViewModel {
  const end = state.endedAt ?? now;
  const elapsedMs = state.startedAt === undefined ? 0 : Math.max(end - state.startedAt, 0);
  const activeMs = Math.max(elapsedMs - pausedMs, 0);
  const sessionDone = state.doneCells - state.resumedCells;
  const cellsPerSec = sessionDone > 0 && activeMs > 0 ? sessionDone / (activeMs / 1000) : null;
  const remaining = Math.max(state.totalCells - state.doneCells, 0);
  return {
    status: state.status,
    ...(state.runId === undefined ? {} : { runId: state.runId }),
    ...(state.suitePath === undefined ? {} : { suitePath: state.suitePath }),
    done: state.doneCells,
    total: state.totalCells,
    fraction: state.totalCells > 0 ? Math.min(state.doneCells / state.totalCells, 1) : state.status === 'waiting' ? 0 : 1,
    elapsedMs,
    cellsPerSec,
    etaMs: remaining === 0 ? 0 : cellsPerSec ? (remaining / cellsPerSec) * 1000 : null,
    passed: state.passed,
    failed: state.failed,
    errors: state.errors,
    cached: state.cachedCells,
    tokens: state.tokens,
    cost: state.cost,
    providers: providerLines(state, now),
    passRates: [...state.targets.values()].map((t) => {
      const n = t.passed + t.failed + t.errors;
      const interval = wilson(t.passed, n);
      return {
        promptId: t.promptId,
        providerLabel: t.providerLabel,
        passed: t.passed,
        n,
        rate: n > 0 ? t.passed / n : null,
        low: interval?.low ?? null,
        high: interval?.high ?? null,
      };
    }),
    failures: recentItems(state.failures, FAILURE_LIMIT),
    failureCount: state.failureCount,
    stages: [...state.stages.values()].map((event) => stageLine(event).trim()),
    budget: state.budget
      ? { ...state.budget, fraction: state.budget.limitUsd > 0 ? Math.min(state.budget.spentUsd / state.budget.limitUsd, 1) : 1 }
      : null,
  };
}

function providerLines(state: RunState, now: number): ProviderLine[] {
  const waiting = new Map<string, number>();
  for (const cell of state.retrying.values()) {
    // Past its backoff, a retried cell is calling again: in flight, not waiting.
    if (cell.until > now) waiting.set(cell.providerLabel, (waiting.get(cell.providerLabel) ?? 0) + 1);
  }
  return [...state.providers.values()].map((p) => {
    const retryWaiting = waiting.get(p.label) ?? 0;
    return {
      label: p.label,
      // Every call that ended had started: the rest are in flight, or waiting to try again.
      inFlight: Math.max(p.started - p.called - retryWaiting, 0),
      completed: p.completed,
      errors: p.errors,
      retryWaiting,
      retries: p.retries,
      cached: p.cached,
      p50Ms: median(recentItems(p.latencies, LATENCY_WINDOW)),
    };
  });
}

/** Nearest-rank median, as the run summary computes its p50. */
function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.ceil(sorted.length / 2) - 1]!;
}
