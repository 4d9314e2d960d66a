/** @jsxRuntime automatic @jsxImportSource react */
/**
 * Live pass rate per prompt × provider with its 95 % Wilson interval; `limit` caps the lines (frame-budget.ts)
 * and every line fits the width: the label gives way, then the `n` column.
 */
import { Box, Text } from 'ink';
import { fitList } from './frame-budget.js';
import { cell, formatPercent, truncate } from './format.js';
import { Paint } from './paint.js';
import type { PassRateLine } from './view-model.js';

export interface PassRateTableProps {
  rates: PassRateLine[];
  width: number;
  /** Lines under the heading at most, a `… N more` line included. */
  limit: number;
}

const RATE_WIDTH = 24;
const N_WIDTH = 8;
const MIN_LABEL = 16;

export function PassRateTable({ rates, width, limit }: PassRateTableProps) {
  if (rates.length === 0 || limit <= 0) return null;
  const { shown, more } = fitList(rates, limit);
  const nWidth = width >= 2 + MIN_LABEL + RATE_WIDTH + N_WIDTH ? N_WIDTH : 0;
  const labelWidth = Math.max(Math.min(width - 2 - RATE_WIDTH - nWidth, 56), 8);
  // What is left for the rate once the label has its minimum: the three nodes of a row never exceed the width.
  const rateWidth = Math.max(Math.min(RATE_WIDTH, width - 2 - labelWidth - nWidth), 0);
  return (
    <Box flexDirection="column">
      <Paint dimColor wrap="truncate-end">
        {`  ${cell('prompt × provider', labelWidth)}${'pass rate [95% CI]'.padStart(RATE_WIDTH)}${nWidth ? 'n'.padStart(nWidth) : ''}`}
      </Paint>
      {shown.map((r) => (
        // Label and numbers in separate text nodes: the label never changes (Ink caches its width) and the
        // numbers, which change every frame, are ASCII (measuring non-ASCII text costs ~100× more).
        <Box key={`${r.promptId}\0${r.providerLabel}`}>
          <Text>{`  ${cell(`${r.promptId} × ${r.providerLabel}`, labelWidth)}`}</Text>
          {rateWidth > 0 ? <Paint color={color(r)}>{truncate(rate(r), rateWidth).padStart(rateWidth)}</Paint> : null}
          {nWidth ? <Text>{String(r.n).padStart(nWidth)}</Text> : null}
        </Box>
      ))}
      {more > 0 ? <Paint dimColor wrap="truncate-end">{`  … ${more} more`}</Paint> : null}
    </Box>
  );
}

function rate(r: PassRateLine): string {
  if (r.rate === null) return '-';
  return `${formatPercent(r.rate)} [${((r.low ?? 0) * 100).toFixed(1)}-${((r.high ?? 0) * 100).toFixed(1)}]`;
}

function color(r: PassRateLine): string | undefined {
  if (r.rate === null) return undefined;
  return r.rate >= 0.9 ? 'green' : r.rate >= 0.5 ? 'yellow' : 'red';
}
