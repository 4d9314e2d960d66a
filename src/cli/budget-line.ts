/** The one line `llmlab eval` prints when the budget stopped a run or a provider, with how to finish it. */
import type { BudgetOutcome } from '../engine/budget-gate.js';
import { LlmlabError } from '../errors.js';
import { usd } from '../report/console/table.js';

/** `budget: stopped at $4.98 of $5.00; 120 cells skipped; resume with \`…\``; undefined when nothing stopped. */
export function formatBudgetStop(outcome: BudgetOutcome | undefined, suite: string, runId: string): string | undefined {
  if (!outcome?.stopped) return undefined;
  const resume = `llmlab eval ${suite} --resume ${runId}`;
  const skipped = `${outcome.skippedCells} cell${outcome.skippedCells === 1 ? '' : 's'} skipped`;
  const refusal = outcome.refusal;
  if (refusal && refusal.scope !== 'run') {
    const what = outcome.stoppedScopes.includes('run') ? 'stopped the run' : `skipped ${refusal.scope}`;
    return (
      `budget: ${what} at ${usd(refusal.committedUsd)} of its ${usd(refusal.limitUsd)} (budget.perProvider); ${skipped}; ` +
      `raise budget.perProvider["${refusal.scope}"] in the suite and resume with \`${resume}\``
    );
  }
  const limit = outcome.limitUsd ?? refusal?.limitUsd ?? 0;
  // Enough for every skipped cell's worst case (judging aside), rounded up to the cent, and always more.
  const needed = Math.max(Math.ceil((outcome.spentUsd + outcome.skippedWorstCaseUsd) * 100) / 100, limit + 0.01);
  return `budget: stopped at ${usd(outcome.spentUsd)} of ${usd(limit)}; ${skipped}; resume with \`${resume} --budget-usd ${needed.toFixed(2)}\``;
}

/** Parses `--budget-usd`: a positive number of dollars. */
export function parseBudgetUsd(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) {
    throw new LlmlabError('USAGE', `--budget-usd must be a positive number of dollars, got \`${String(value)}\``, {
      hint: 'e.g. `--budget-usd 5` for five dollars',
    });
  }
  return n;
}
