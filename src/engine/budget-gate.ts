/**
 * The run's budget at dispatch time: wraps the pure ledger with what a live run needs — waiting for calls in
 * flight to settle before giving up, stopping the run (or one provider), and `budget` events for the UIs.
 * A call is refused only when its worst case would cross a limit with nothing else in flight: a reservation
 * that later settles for less may free enough room, so a refused call waits for the others first.
 */
import type { Budget } from '../suite-settings.js';
import type { BudgetEvent } from '../types.js';
import { createBudgetLedger, type BudgetLedger, type Refusal, type Reservation } from './budget.js';

/** The error of a judge call the budget refused; the executor records its cell as skipped for the budget. */
export const BUDGET_REFUSED = 'not started: the budget cannot cover its worst case';

/** How the budget ended a run, for the CLI's line and exit code. */
export interface BudgetOutcome {
  /** maxUsd (or `--budget-usd`), when set. */
  limitUsd?: number;
  spentUsd: number;
  /** True when the run or at least one provider was stopped. */
  stopped: boolean;
  /** `run`, or the perProvider keys whose providers were skipped. */
  stoppedScopes: string[];
  /** The refusal that stopped the run or a provider first. */
  refusal?: Refusal;
  /** Cells recorded `skipped` for the budget. */
  skippedCells: number;
  /** Worst-case USD of the skipped cells' generation calls: what a resume would need at most (judging aside). */
  skippedWorstCaseUsd: number;
  /** Calls that cost more than they reserved (their estimate was not an upper bound). */
  overruns: number;
}

export interface BudgetGate {
  /** The perProvider scopes a call to a provider with this label and id counts against. */
  scopesOf(label: string, id: string): string[];
  /** Reserves `usd`; undefined when the budget refuses it (the run or the scope is then stopped). */
  reserve(usd: number, scopes: readonly string[]): Promise<Reservation | undefined>;
  settle(reservation: Reservation, actualUsd: number): void;
  /** True once the run, or one of `scopes`, was stopped: its remaining cells are skipped. */
  stopped(scopes: readonly string[]): boolean;
  /** Counts a cell skipped for the budget and its worst case. */
  skipped(worstCaseUsd: number): void;
  outcome(): BudgetOutcome;
  readonly ledger: BudgetLedger;
}

export interface BudgetGateOptions {
  budget: Budget;
  emit: (event: BudgetEvent) => void;
  /** What the run spent before (a resume): counts against the limits. */
  initial?: { spentUsd: number; spentBy?: Record<string, number> };
}

export function createBudgetGate({ budget, emit, initial }: BudgetGateOptions): BudgetGate {
  const ledger = createBudgetLedger(budget, initial);
  const limitUsd = budget.maxUsd ?? sumOf(budget.perProvider);
  const stoppedScopes = new Set<string>();
  let firstRefusal: Refusal | undefined;
  let alerted = budget.alertAt !== undefined && budget.maxUsd !== undefined && ledger.spent() >= budget.alertAt * budget.maxUsd;
  let waiters: (() => void)[] = [];
  let skippedCells = 0;
  let skippedWorstCaseUsd = 0;

  const event = (level: BudgetEvent['level'], scope?: string): BudgetEvent => ({
    type: 'budget',
    level,
    spentUsd: ledger.spent(),
    limitUsd,
    ...(scope === undefined ? {} : { scope }),
  });
  const stopped = (scopes: readonly string[]) => stoppedScopes.has('run') || scopes.some((s) => stoppedScopes.has(s));

  const stop = (refusal: Refusal) => {
    firstRefusal ??= refusal;
    // A perProvider limit skips only its provider when asked to; anything else stops the whole run.
    const scope = refusal.scope !== 'run' && budget.onExceed === 'skip-provider' ? refusal.scope : 'run';
    if (stoppedScopes.has(scope)) return;
    stoppedScopes.add(scope);
    emit(event('stop', scope));
  };

  emit(event('update'));
  return {
    ledger,
    scopesOf(label, id) {
      const keys = Object.keys(budget.perProvider ?? {});
      return keys.filter((key) => key === label || key === id);
    },
    async reserve(usd, scopes) {
      for (;;) {
        if (stopped(scopes)) return undefined;
        const result = ledger.reserve(usd, scopes);
        if (result.ok) return result.reservation;
        if (result.refusal.outstanding === 0) {
          stop(result.refusal);
          return undefined;
        }
        await new Promise<void>((resolve) => waiters.push(resolve));
      }
    },
    settle(reservation, actualUsd) {
      ledger.settle(reservation, actualUsd);
      const ready = waiters;
      waiters = [];
      for (const wake of ready) wake();
      emit(event('update'));
      if (!alerted && budget.alertAt !== undefined && budget.maxUsd !== undefined && ledger.spent() >= budget.alertAt * budget.maxUsd) {
        alerted = true;
        emit(event('alert'));
      }
    },
    stopped,
    skipped(worstCaseUsd) {
      skippedCells++;
      skippedWorstCaseUsd += worstCaseUsd;
    },
    outcome: () => ({
      ...(budget.maxUsd === undefined ? {} : { limitUsd: budget.maxUsd }),
      spentUsd: ledger.spent(),
      stopped: stoppedScopes.size > 0,
      stoppedScopes: [...stoppedScopes],
      ...(firstRefusal ? { refusal: firstRefusal } : {}),
      skippedCells,
      skippedWorstCaseUsd,
      overruns: ledger.overruns(),
    }),
  };
}

function sumOf(values: Readonly<Record<string, number>> | undefined): number {
  return Object.values(values ?? {}).reduce((a, b) => a + b, 0);
}
