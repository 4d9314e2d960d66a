/** @jsxRuntime automatic @jsxImportSource react */
/**
 * One line per provider: calls in flight, cells done, errors, cells waiting out a retry backoff (rate limits,
 * 5xx) right now and retries so far, and the p50 latency of its recent calls. On a narrow terminal the columns
 * on the right go (p50 first) rather than a line wrapping; `limit` caps the lines (frame-budget.ts).
 */
import { Box, Text } from 'ink';
import { fitList } from './frame-budget.js';
import { cell, formatCount, formatDuration } from './format.js';
import { Paint } from './paint.js';
import type { ProviderLine } from './view-model.js';

export interface ProviderTableProps {
  providers: ProviderLine[];
  width: number;
  /** Lines under the heading at most, a `… N more` line included. */
  limit: number;
}

const NUMBERS = ['in flight', 'done', 'errors', 'waiting', 'retries', 'p50'] as const;
const NUMBER_WIDTH = 10;
const MIN_LABEL = 12;

export function ProviderTable({ providers, width, limit }: ProviderTableProps) {
  if (providers.length === 0 || limit <= 0) return null;
  // In flight, done and errors always; the rest while they fit beside a label of at least MIN_LABEL.
  const columns = Math.min(Math.max(Math.floor((width - 2 - MIN_LABEL) / NUMBER_WIDTH), 3), NUMBERS.length);
  const labelWidth = Math.max(Math.min(width - NUMBER_WIDTH * columns - 3, 36), MIN_LABEL);
  const row = (label: string, values: string[]) =>
    `  ${cell(label, labelWidth)}${values
      .slice(0, columns)
      .map((v) => v.padStart(NUMBER_WIDTH))
      .join('')}`;
  const { shown, more } = fitList(providers, limit);
  return (
    <Box flexDirection="column">
      <Paint dimColor wrap="truncate-end">
        {row('provider', [...NUMBERS])}
      </Paint>
      {shown.map((p) => (
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
      {more > 0 ? <Paint dimColor wrap="truncate-end">{`  … ${more} more`}</Paint> : null}
    </Box>
  );
}
