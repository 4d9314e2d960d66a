/** @jsxRuntime automatic @jsxImportSource react */
/** Live pass rate per prompt × provider with its 95 % Wilson interval; long lists are capped. */
import { Box, Text } from 'ink';
import { cell, formatPercent } from './format.js';
import type { PassRateLine } from './view-model.js';

export interface PassRateTableProps {
  rates: PassRateLine[];
  width: number;
  /** Lines to show at most; the rest are summed up in one line. */
  limit: number;
}

export function PassRateTable({ rates, width, limit }: PassRateTableProps) {
  if (rates.length === 0) return null;
  const shown = rates.length > limit ? rates.slice(0, Math.max(limit - 1, 1)) : rates;
  const labelWidth = Math.max(Math.min(width - 36, 56), 16);
  return (
    <Box flexDirection="column">
      <Text dimColor wrap="truncate-end">
        {`  ${cell('prompt × provider', labelWidth)}${'pass rate [95% CI]'.padStart(24)}${'n'.padStart(8)}`}
      </Text>
      {shown.map((r) => (
        // Label and numbers in separate text nodes: the label never changes (Ink caches its width) and the
        // numbers, which change every frame, are ASCII (measuring non-ASCII text costs ~100× more).
        <Box key={`${r.promptId}\0${r.providerLabel}`}>
          <Text>{`  ${cell(`${r.promptId} × ${r.providerLabel}`, labelWidth)}`}</Text>
          <Text color={color(r)}>{rate(r).padStart(24)}</Text>
          <Text>{String(r.n).padStart(8)}</Text>
        </Box>
      ))}
      {shown.length < rates.length ? <Text dimColor>{`  … ${rates.length - shown.length} more`}</Text> : null}
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
