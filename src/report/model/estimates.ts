/**
 * Estimate against actual, per provider: what the run estimated before its first call (recorded in its options,
 * as `llmlab plan` computes it) beside what its model calls really used. Both sides leave cached cells out. When
 * fewer calls were made than estimated (a budget stop, errors, an interrupted run), the token error compares
 * per-call means, so it measures the estimator and not how much of the run happened.
 */
import { callUsageByProvider } from '../../store/call-usage.js';
import type { RunRecord, Store } from '../../store/index.js';

export interface EstimateSummary {
  providerLabel: string;
  /** How input tokens were estimated: the model's tokenizer, or about 4 characters per token. */
  method: 'tokenizer' | 'approximate';
  /** Model calls the estimate expected (cells not in the cache at the start) and calls made. */
  estimatedCalls: number;
  calls: number;
  estimatedInputTokens: number;
  actualInputTokens: number;
  /**
   * (estimated − actual) / actual input tokens per call, in percent: positive when the estimate was high. Null
   * when no call reported input tokens.
   */
  inputErrorPct: number | null;
  /** Output tokens at most: outputPerCall × estimatedCalls. */
  outputBound: number;
  outputPerCall: number;
  /** True when outputPerCall is an assumption (no maxTokens), not a limit the API enforces. */
  outputAssumed: boolean;
  actualOutputTokens: number;
  /** USD: low = input only, high = every answer at the output bound. */
  estimatedCost: { low: number; high: number };
  /** USD of the generation calls made. */
  actualCost: number;
  priced: boolean;
}

/** The run's estimates beside its calls' usage, in suite order; undefined for runs that recorded no estimate. */
export function summarizeEstimates(store: Store, run: RunRecord): EstimateSummary[] | undefined {
  const estimates = run.options.estimates;
  if (!estimates) return undefined;
  const actual = new Map(callUsageByProvider(store.db, run.id).map((u) => [u.providerLabel, u]));
  return estimates.map((e) => {
    const used = actual.get(e.label);
    const calls = used?.calls ?? 0;
    const inputTokens = used?.inputTokens ?? 0;
    return {
      providerLabel: e.label,
      method: e.method,
      estimatedCalls: e.calls,
      calls,
      estimatedInputTokens: e.inputTokens,
      actualInputTokens: inputTokens,
      inputErrorPct: calls > 0 && e.calls > 0 && inputTokens > 0 ? percentError(e.inputTokens / e.calls, inputTokens / calls) : null,
      outputBound: e.outputPerCall * e.calls,
      outputPerCall: e.outputPerCall,
      outputAssumed: e.outputAssumed,
      actualOutputTokens: used?.outputTokens ?? 0,
      estimatedCost: { low: e.lowUsd, high: e.worstUsd },
      actualCost: used?.cost ?? 0,
      priced: e.priced,
    };
  });
}

function percentError(estimated: number, actual: number): number {
  return ((estimated - actual) / actual) * 100;
}
