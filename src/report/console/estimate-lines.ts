/** The console's estimate-vs-actual block: one line per provider, shown once the run made a model call. */
import type { EstimateSummary } from '../model/estimates.js';
import { formatUsd, signed } from '../shared.js';

export function formatEstimates(estimates: readonly EstimateSummary[] | undefined): string[] {
  if (!estimates || !estimates.some((e) => e.calls > 0)) return [];
  return ['estimate vs actual (model calls; cached cells left out of both)', ...estimates.map(formatLine)];
}

function formatLine(e: EstimateSummary): string {
  const calls = e.calls === e.estimatedCalls ? `${e.calls} calls` : `${e.calls} of ${e.estimatedCalls} estimated calls`;
  const error = e.inputErrorPct === null ? '' : ` (${signedPercent(e.inputErrorPct)}${e.calls === e.estimatedCalls ? '' : ' per call'})`;
  const method = e.method === 'tokenizer' ? 'tokenizer' : '~4 chars/token';
  const input = `input ~${e.estimatedInputTokens} est. (${method}) vs ${e.actualInputTokens}${error}`;
  const output = `output ≤ ${e.outputBound}${e.outputAssumed ? ' (assumed)' : ''} vs ${e.actualOutputTokens}`;
  const cost = e.priced ? `cost ${money(e.estimatedCost.low)}–${money(e.estimatedCost.high)} vs ${money(e.actualCost)}` : 'no price';
  return `  ${e.providerLabel}: ${calls}; ${input}; ${output}; ${cost}`;
}

function signedPercent(pct: number): string {
  return `${signed(pct, (m) => m.toFixed(1))}%`;
}

const money = formatUsd;
