/** @jsxRuntime automatic @jsxImportSource react */
/**
 * Verdicts, cost, tokens so far, and how many cells the cache answered: one line cut to the width, cost before
 * tokens so an 80-column terminal keeps it; the in/out split goes first when the line is too long.
 */
import { Text } from 'ink';
import { formatUsd } from '../report/shared.js';
import { formatCount } from './format.js';
import { Paint } from './paint.js';
import type { ViewModel } from './view-model.js';

export function TotalsLine({ vm, width }: { vm: ViewModel; width: number }) {
  const verdicts = `${formatCount(vm.passed)} passed  ${formatCount(vm.failed)} failed  ${formatCount(vm.errors)} errors`;
  const cost = `   cost ${formatUsd(vm.cost)}`;
  const tokens = formatCount(vm.tokens.input + vm.tokens.output);
  const split = ` (in ${formatCount(vm.tokens.input)}, out ${formatCount(vm.tokens.output)})`;
  const cached = `   cached ${formatCount(vm.cached)}`;
  const short = `   tokens ${tokens}`;
  const tokensText = verdicts.length + cost.length + short.length + split.length + cached.length <= width ? short + split : short;
  return (
    <Text wrap="truncate-end">
      <Paint color="green">{formatCount(vm.passed)} passed</Paint>
      {'  '}
      <Paint color={vm.failed > 0 ? 'red' : undefined}>{formatCount(vm.failed)} failed</Paint>
      {'  '}
      <Paint color={vm.errors > 0 ? 'magenta' : undefined}>{formatCount(vm.errors)} errors</Paint>
      {cost}
      {tokensText}
      {cached}
    </Text>
  );
}
