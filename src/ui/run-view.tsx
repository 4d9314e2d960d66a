/** @jsxRuntime automatic @jsxImportSource react */
/**
 * The whole TUI screen for one view-model: the live dashboard, or the failures view (`f`). Props in, text out.
 * Every line is cut to `width` and the frame stays below `height` rows (frame-budget.ts says what goes first).
 */
import { Box, Text } from 'ink';
import { BudgetMeter } from './budget-meter.js';
import { FailureList } from './failure-list.js';
import { failuresViewRows, planDashboard } from './frame-budget.js';
import { KeyHints } from './key-hints.js';
import { truncate } from './format.js';
import { Paint } from './paint.js';
import { PassRateTable } from './pass-rate-table.js';
import { ProgressHeader } from './progress-header.js';
import { ProviderTable } from './provider-table.js';
import { TotalsLine } from './totals-line.js';
import type { ViewModel } from './view-model.js';

export interface RunViewProps {
  vm: ViewModel;
  title: string;
  paused: boolean;
  stopping: boolean;
  showFailures: boolean;
  /** Terminal columns: every line is cut to them. */
  width: number;
  /** Terminal rows: the frame keeps below them, so Ink never clears the screen and nothing scrolls. */
  height: number;
}

export function RunView({ vm, title, paused, stopping, showFailures, width, height }: RunViewProps) {
  const inFlight = vm.providers.reduce((n, p) => n + p.inFlight, 0);
  const finished = vm.status !== 'running' && vm.status !== 'waiting';
  const hints = (
    <KeyHints
      paused={paused}
      stopping={stopping}
      showFailures={showFailures}
      inFlight={inFlight}
      finished={finished}
      width={width}
      {...(vm.runId === undefined ? {} : { runId: vm.runId })}
    />
  );
  const header = <ProgressHeader vm={vm} title={title} paused={paused} stopping={stopping} width={width} />;
  if (showFailures) {
    return (
      <Box flexDirection="column" width={width}>
        {header}
        <TotalsLine vm={vm} width={width} />
        <BudgetMeter budget={vm.budget} />
        <Text> </Text>
        {vm.failureCount === 0 ? <Paint dimColor>no failures so far</Paint> : null}
        <FailureList failures={vm.failures} total={vm.failureCount} limit={failuresViewRows(height, vm.budget !== null)} width={width} title="failures" />
        {hints}
      </Box>
    );
  }
  const plan = planDashboard(
    { providers: vm.providers.length, passRates: vm.passRates.length, failures: Math.min(vm.failures.length, vm.failureCount), budget: vm.budget !== null, stages: vm.stages.length },
    height,
  );
  const gap = (shown: boolean) => (shown ? <Text> </Text> : null);
  return (
    // Ink lays out to the terminal's width anyway; saying so lets a test render any width on any stream.
    <Box flexDirection="column" width={width}>
      {header}
      {vm.stages.slice(0, plan.stages).map((line) => (
        <Text key={line.split(' ')[0]}>{truncate(line, width)}</Text>
      ))}
      {gap(plan.gaps[0])}
      <ProviderTable providers={vm.providers} width={width} limit={plan.providers} />
      {gap(plan.gaps[1])}
      <PassRateTable rates={vm.passRates} width={width} limit={plan.passRates} />
      {gap(plan.gaps[2])}
      <TotalsLine vm={vm} width={width} />
      <BudgetMeter budget={vm.budget} />
      <FailureList failures={vm.failures} total={vm.failureCount} limit={plan.failures} width={width} title="last failures" />
      {hints}
    </Box>
  );
}
