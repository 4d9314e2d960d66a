/** @jsxRuntime automatic @jsxImportSource react */
/** The top of the TUI: what runs, the progress bar with done / total, throughput and ETA, and the run's state. */
import { Box, Text } from 'ink';
import { formatCount, formatDuration, formatPercent, progressBar, truncate } from './format.js';
import type { ViewModel } from './view-model.js';

export interface ProgressHeaderProps {
  vm: ViewModel;
  /** Label of the suite (a path relative to the cwd). */
  title: string;
  paused: boolean;
  stopping: boolean;
  width: number;
}

export function ProgressHeader({ vm, title, paused, stopping, width }: ProgressHeaderProps) {
  const live = vm.status === 'running' || vm.status === 'waiting';
  const state = stopping && live ? 'stopping' : paused && live ? 'paused' : vm.status;
  const barWidth = Math.max(Math.min(width - 60, 40), 10);
  const rate =
    vm.cellsPerSec === null ? '- cells/s' : `${vm.cellsPerSec < 10 ? vm.cellsPerSec.toFixed(1) : formatCount(vm.cellsPerSec)} cells/s`;
  const eta = vm.status !== 'running' ? `in ${formatDuration(vm.elapsedMs)}` : vm.etaMs === null ? 'ETA -' : `ETA ${formatDuration(vm.etaMs)}`;
  return (
    <Box flexDirection="column">
      <Text wrap="truncate-end">
        <Text bold>llmlab</Text> {truncate(title, Math.max(width - 40, 10))}
        {vm.runId ? <Text dimColor> run {vm.runId}</Text> : null}
        {state === 'running' || state === 'waiting' ? null : (
          <Text color={stateColor(state)} bold>
            {'  '}
            {state.toUpperCase()}
          </Text>
        )}
      </Text>
      {vm.status === 'waiting' ? (
        <Text dimColor>preparing the run: planning, checking templates and providers…</Text>
      ) : (
        // The bar in its own text node: it changes at most `barWidth` times a run, so Ink's width cache keeps it, and
        // the numbers, which change every frame, stay ASCII (measuring non-ASCII text costs ~100× more).
        <Box>
          <Text color="cyan">{progressBar(vm.fraction, barWidth)}</Text>
          <Text>{` ${formatCount(vm.done)}/${formatCount(vm.total)} cells ${formatPercent(vm.fraction)}  ${rate}  ${eta}`}</Text>
        </Box>
      )}
    </Box>
  );
}

function stateColor(state: string): string {
  if (state === 'completed') return 'green';
  if (state === 'paused' || state === 'stopping' || state === 'interrupted') return 'yellow';
  return state === 'failed' ? 'red' : 'white';
}
