/** @jsxRuntime automatic @jsxImportSource react */
/** The most recent failed or errored cells, one line each: where and why. */
import { Box, Text } from 'ink';
import { truncate } from './format.js';
import type { FailureEntry } from './run-state.js';

export interface FailureListProps {
  failures: readonly FailureEntry[];
  /** All failures so far; the list holds only the newest. */
  total: number;
  limit: number;
  width: number;
  title: string;
}

export function FailureList({ failures, total, limit, width, title }: FailureListProps) {
  if (total === 0) return null;
  const shown = failures.slice(-limit);
  return (
    <Box flexDirection="column">
      <Text dimColor>{`${title} (${total} in all${total > shown.length ? `, newest ${shown.length} shown` : ''})`}</Text>
      {shown.map((f) => {
        const where = `${f.promptId} × ${f.providerLabel}  ${f.description ? `"${f.description}"` : f.testId}`;
        return (
          <Text key={f.cellId} wrap="truncate-end">
            {'  '}
            <Text color={f.status === 'error' ? 'magenta' : 'red'}>{f.status === 'error' ? '!' : '✗'}</Text>{' '}
            {truncate(where, Math.floor(width / 2))}
            <Text dimColor>{'  '}{truncate(f.reason, Math.max(width - where.length - 8, 20))}</Text>
          </Text>
        );
      })}
    </Box>
  );
}
