/** @jsxRuntime automatic @jsxImportSource react */
/** Verdicts, tokens and cost so far, and how many cells the cache answered. */
import { Text } from 'ink';
import { formatCount, formatUsd } from './format.js';
import type { ViewModel } from './view-model.js';

export function TotalsLine({ vm }: { vm: ViewModel }) {
  return (
    <Text wrap="truncate-end">
      <Text color="green">{formatCount(vm.passed)} passed</Text>
      {'  '}
      <Text color={vm.failed > 0 ? 'red' : undefined}>{formatCount(vm.failed)} failed</Text>
      {'  '}
      <Text color={vm.errors > 0 ? 'magenta' : undefined}>{formatCount(vm.errors)} errors</Text>
      {`   tokens ${formatCount(vm.tokens.input + vm.tokens.output)} (in ${formatCount(vm.tokens.input)}, out ${formatCount(vm.tokens.output)})`}
      {`   cost ${formatUsd(vm.cost)}`}
      {`   cached ${formatCount(vm.cached)}`}
    </Text>
  );
}
