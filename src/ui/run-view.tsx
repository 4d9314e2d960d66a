/** @jsxRuntime automatic @jsxImportSource react */
/** The whole TUI screen for one view-model: the live dashboard, or the failures view (`f`). Props in, text out. */
import { Box, Text } from 'ink';
import { BudgetMeter } from './budget-meter.js';
import { FailureList } from './failure-list.js';
import { KeyHints } from './key-hints.js';
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
  width: number;
  /** Terminal rows: caps the long lists so a frame never scrolls. */
  height: number;
}

/** Failures on the dashboard; the failures view shows as many as fit. */
const DASHBOARD_FAILURES = 3;

export function RunView({ vm, title, paused, stopping, showFailures, width, height }: RunViewProps) {
  const inFlight = vm.providers.reduce((n, p) => n + p.inFlight, 0);
  const finished = vm.status !== 'running' && vm.status !== 'waiting';
  const hints = (
    <KeyHints paused={paused} stopping={stopping} showFailures={showFailures} inFlight={inFlight} finished={finished} />
  );
  const header = <ProgressHeader vm={vm} title={title} paused={paused} stopping={stopping} width={width} />;
  if (showFailures) {
    return (
      <Box flexDirection="column">
        {header}
        <TotalsLine vm={vm} />
        <BudgetMeter budget={vm.budget} />
        <Text> </Text>
        {vm.failureCount === 0 ? <Text dimColor>no failures so far</Text> : null}
        <FailureList failures={vm.failures} total={vm.failureCount} limit={Math.max(height - 7, 3)} width={width} title="failures" />
        {hints}
      </Box>
    );
  }
  // Header, blank lines, totals, failures and hints take about 12 rows; provider lines come first.
  const rateLimit = Math.max(height - 12 - vm.providers.length - Math.min(vm.failureCount, DASHBOARD_FAILURES), 3);
  return (
    <Box flexDirection="column">
      {header}
      <Text> </Text>
      <ProviderTable providers={vm.providers} width={width} />
      {vm.passRates.length > 0 ? <Text> </Text> : null}
      <PassRateTable rates={vm.passRates} width={width} limit={rateLimit} />
      <Text> </Text>
      <TotalsLine vm={vm} />
      <BudgetMeter budget={vm.budget} />
      <FailureList failures={vm.failures} total={vm.failureCount} limit={DASHBOARD_FAILURES} width={width} title="last failures" />
      {hints}
    </Box>
  );
}
