/** @jsxRuntime automatic @jsxImportSource react */
/**
 * The top of the TUI: what runs, the progress bar with done / total, throughput and ETA, and the run's state.
 * Two lines, each cut to the width: never wrapped (see frame-budget.ts).
 */
import { Box, Text } from 'ink';
import { formatCount, formatDuration, formatPercent, progressBar, truncate } from './format.js';
import { Paint } from './paint.js';
import type { ViewModel } from './view-model.js';

export interface ProgressHeaderProps {
  vm: ViewModel;
  /** Label of the suite (a path relative to the cwd). */
  title: string;
  paused: boolean;
  stopping: boolean;
  width: number;
}

const MAX_BAR = 40;
/** A title is cut to no fewer columns than this. */
const MIN_TITLE = 8;
/** Below this the bar says nothing the percentage does not: it goes. */
const MIN_BAR = 5;

export function ProgressHeader({ vm, title, paused, stopping, width }: ProgressHeaderProps) {
  const live = vm.status === 'running' || vm.status === 'waiting';
  const state = stopping && live ? 'stopping' : paused && live ? 'paused' : vm.status;
  const shownState = state === 'running' || state === 'waiting' ? '' : `  ${state.toUpperCase()}`;
  // The title gives way first, then the run id (the final frame's report hint names it too): the state stays.
  const room = width - 'llmlab '.length - shownState.length;
  const runText = vm.runId && room - ` run ${vm.runId}`.length >= Math.min(title.length, MIN_TITLE) ? ` run ${vm.runId}` : '';
  const titleWidth = Math.max(room - runText.length, MIN_TITLE);
  return (
    <Box flexDirection="column">
      <Text wrap="truncate-end">
        <Paint bold>llmlab</Paint> {truncate(title, titleWidth)}
        {runText ? <Paint dimColor>{runText}</Paint> : null}
        {shownState ? (
          <Paint color={stateColor(state)} bold>
            {shownState}
          </Paint>
        ) : null}
      </Text>
      {vm.status === 'waiting' ? (
        <Paint dimColor wrap="truncate-end">
          preparing the run: planning, checking templates and providers…
        </Paint>
      ) : (
        <ProgressLine vm={vm} width={width} />
      )}
    </Box>
  );
}

/** The bar and the numbers, fitted to `width`: the bar shrinks, then goes; then the throughput goes. */
function ProgressLine({ vm, width }: { vm: ViewModel; width: number }) {
  const rate =
    vm.cellsPerSec === null ? '- cells/s' : `${vm.cellsPerSec < 10 ? vm.cellsPerSec.toFixed(1) : formatCount(vm.cellsPerSec)} cells/s`;
  const eta = vm.status !== 'running' ? `in ${formatDuration(vm.elapsedMs)}` : vm.etaMs === null ? 'ETA -' : `ETA ${formatDuration(vm.etaMs)}`;
  const counts = ` ${formatCount(vm.done)}/${formatCount(vm.total)} cells ${formatPercent(vm.fraction)}`;
  let numbers = `${counts}  ${rate}  ${eta}`;
  if (width - numbers.length < MIN_BAR) numbers = `${counts}  ${eta}`;
  const room = width - numbers.length;
  const barWidth = room >= MIN_BAR ? Math.min(room, MAX_BAR, Math.max(width - 60, 10)) : 0;
  // The bar in its own text node: it changes at most `barWidth` times a run, so Ink's width cache keeps it, and
  // the numbers, which change every frame, stay ASCII (measuring non-ASCII text costs ~100× more).
  return (
    <Box>
      {barWidth > 0 ? <Paint color="cyan">{progressBar(vm.fraction, barWidth)}</Paint> : null}
      <Text wrap="truncate-end">{truncate(barWidth > 0 ? numbers : numbers.trimStart(), width - barWidth)}</Text>
    </Box>
  );
}

function stateColor(state: string): string {
  if (state === 'completed') return 'green';
  if (state === 'paused' || state === 'stopping' || state === 'interrupted') return 'yellow';
  return state === 'failed' ? 'red' : 'white';
}
