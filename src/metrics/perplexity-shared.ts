/**
 * What `perplexity` and `perplexity-score` share: the perplexity of the output from its token log-probabilities,
 * exp(−mean logprob), as promptfoo computes it. The engine asks the provider for log-probabilities because both
 * plugins declare `needs: { logprobs: true }`; a provider that returns none makes the assertion an error, never
 * a silent pass. Not a metric itself.
 */
import { LlmlabError } from '../errors.js';
import type { GenerateResult } from '../types.js';

/** The output's perplexity; throws METRIC_ERROR when the answer carries no log-probabilities. */
export function perplexityOf(id: string, result: GenerateResult, providerId: string): { perplexity: number; tokens: number } {
  const logprobs = result.logprobs;
  if (!logprobs || logprobs.length === 0) {
    throw new LlmlabError(
      'METRIC_ERROR',
      `${id}: provider ${providerId} returned no token log-probabilities; ${id} works with providers that do (openai chat models, ollama)`,
    );
  }
  let sum = 0;
  for (const logprob of logprobs) sum += logprob;
  return { perplexity: Math.exp(-sum / logprobs.length), tokens: logprobs.length };
}

/** A perplexity as a reason shows it. */
export function showPerplexity(perplexity: number): string {
  return perplexity < 100 ? perplexity.toFixed(3) : perplexity.toPrecision(4);
}
