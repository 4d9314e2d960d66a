/** @jsxRuntime automatic @jsxImportSource react */
/** One line: spend against the budget as a bar, yellow past the alert, red once it stopped the run or a provider. */
import { Text } from 'ink';
import { Paint } from './paint.js';
import { formatUsd } from '../report/shared.js';
import { progressBar } from './format.js';
import type { BudgetLine } from './view-model.js';

const BAR_WIDTH = 20;

export function BudgetMeter({ budget }: { budget: BudgetLine | null }) {
  if (!budget) return null;
  const color = budget.stopped ? 'red' : budget.alerted ? 'yellow' : undefined;
  const state = budget.stopped
    ? budget.stoppedScope && budget.stoppedScope !== 'run'
      ? `  ${budget.stoppedScope} stopped: no more calls to it`
      : '  stopped: no more calls start'
    : budget.alerted
      ? '  past the alert'
      : '';
  return (
    <Text wrap="truncate-end">
      {'budget '}
      <Paint color={color}>{progressBar(budget.fraction, BAR_WIDTH)}</Paint>
      {` ${formatUsd(budget.spentUsd)} of ${formatUsd(budget.limitUsd)} (${Math.round(budget.fraction * 100)}%)`}
      <Paint color={color}>{state}</Paint>
    </Text>
  );
}
