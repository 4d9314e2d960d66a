/** @jsxRuntime automatic @jsxImportSource react */
/** The most recent failed or errored cells, one line each (cut to the width): where and why. */
import { Box, Text } from 'ink';
import { truncate } from './format.js';
import { Paint } from './paint.js';
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
  if (total === 0 || limit <= 0) return null;
  const shown = failures.slice(-limit);
  return (
    <Box flexDirection="column">
      <Paint dimColor wrap="truncate-end">{`${title} (${total} in all${heading(total, shown.length)})`}</Paint>
      {shown.map((f) => {
        const where = `${f.promptId} × ${f.providerLabel}  ${f.description ? `"${f.description}"` : f.testId}`;
        return (
          <Text key={f.cellId} wrap="truncate-end">
            {'  '}
            <Paint color={f.status === 'error' ? 'magenta' : 'red'}>{f.status === 'error' ? '!' : '✗'}</Paint>{' '}
            {truncate(where, Math.floor(width / 2))}
            <Paint dimColor>{'  '}{truncate(f.reason, Math.max(width - where.length - 8, 20))}</Paint>
          </Text>
        );
      })}
    </Box>
  );
}

/** How many the list shows of all; a resumed run counts its earlier attempts' failures but has none of them listed. */
function heading(total: number, shown: number): string {
  if (shown === 0) return ', none in this attempt';
  return total > shown ? `, newest ${shown} shown` : '';
}
