/**
 * `perplexity`: how surprised the model was by its own answer, exp(−mean token log-probability), from the log-
 * probabilities the provider returns (1 = every token certain; higher = less sure). The value is the highest
 * perplexity that passes; without one the assertion always passes and reports the perplexity. Pass/fail: score 1
 * or 0. Differs from promptfoo: promptfoo writes the maximum as the assertion's `threshold`; llmlab's `threshold`
 * always means "score ≥ threshold", so the maximum is the `value` (the promptfoo dialect moves it there).
 */
import { LlmlabError } from '../errors.js';
import { defineMetric } from '../types.js';
import { perplexityOf, showPerplexity } from './perplexity-shared.js';

export default defineMetric<number | undefined, number | undefined>({
  id: 'perplexity',
  optionsSchema: {
    description:
      'Optional: the highest perplexity (exp of the negative mean token log-probability, ≥ 1) that passes. Needs a ' +
      'provider that returns log-probabilities (openai chat, ollama); llmlab asks for them.',
    type: 'number',
    minimum: 1,
  },
  needs: { logprobs: true },
  prepare: (value) => {
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'number' || !(value >= 1)) {
      throw new LlmlabError('CONFIG_INVALID', `perplexity: the maximum must be a number ≥ 1, not ${JSON.stringify(value)}`, {
        hint: 'e.g. { type: perplexity, value: 1.5 } (perplexity is 1 when every token is certain)',
      });
    }
    return value;
  },
  score: ({ value: max, result, providerId }) => {
    const { perplexity, tokens } = perplexityOf('perplexity', result, providerId);
    const shown = `perplexity ${showPerplexity(perplexity)} over ${tokens} token${tokens === 1 ? '' : 's'}`;
    if (max === undefined) return { pass: true, reason: `${shown} (no maximum set)` };
    return perplexity <= max
      ? { pass: true, reason: `${shown} ≤ ${max}` }
      : { pass: false, reason: `${shown} is above the maximum ${max}` };
  },
});
