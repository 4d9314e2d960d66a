/** @jsxRuntime automatic @jsxImportSource react */
/**
 * One line per provider: calls in flight, cells done, errors, cells waiting out a retry backoff (rate limits,
 * 5xx) right now and retries so far, and the p50 latency of its recent calls.
 */
import { Box, Text } from 'ink';
import { cell, formatCount, formatDuration } from './format.js';
import type { ProviderLine } from './view-model.js';

export interface ProviderTableProps {
  providers: ProviderLine[];
  width: number;
}

const NUMBERS = ['in flight', 'done', 'errors', 'waiting', 'retries', 'p50'] as const;
const NUMBER_WIDTH = 10;

export function ProviderTable({ providers, width }: ProviderTableProps) {
  if (providers.length === 0) return null;
  const labelWidth = Math.max(Math.min(width - NUMBER_WIDTH * NUMBERS.length - 3, 36), 12);
  const row = (label: string, values: string[]) =>
    `  ${cell(label, labelWidth)}${values.map((v) => v.padStart(NUMBER_WIDTH)).join('')}`;
  return (
    <Box flexDirection="column">
      <Text dimColor wrap="truncate-end">
        {row('provider', [...NUMBERS])}
      </Text>
      {providers.map((p) => (
        <Text key={p.label} wrap="truncate-end">
          {row(p.label, [
            formatCount(p.inFlight),
            formatCount(p.completed),
            formatCount(p.errors),
            formatCount(p.retryWaiting),
            formatCount(p.retries),
            p.p50Ms === null ? '-' : formatDuration(p.p50Ms),
          ])}
        </Text>
      ))}
    </Box>
  );
}
