/**
 * `perplexity-score`: perplexity mapped into 0..1 as promptfoo maps it, 1 / (1 + perplexity) — 0.5 when every
 * token is certain, towards 0 as the model grows unsure. It passes at score ≥ the assertion's `threshold`
 * (promptfoo's way) or ≥ the `value` (the same, for symmetry with `perplexity`); with neither it always passes,
 * as in promptfoo, so set one to make it a check.
 */
import { LlmlabError } from '../errors.js';
import { defineMetric } from '../types.js';
import { fixed } from './text-overlap.js';
import { perplexityOf, showPerplexity } from './perplexity-shared.js';

export default defineMetric<number | undefined | null, number | undefined>({
  id: 'perplexity-score',
  optionsSchema: {
    description:
      'Optional: the lowest score that passes, like `threshold`. Score = 1 / (1 + perplexity), in (0, 0.5]; with ' +
      'no value and no threshold it always passes. Needs a provider that returns log-probabilities (openai chat, ollama).',
    anyOf: [{ type: 'number', exclusiveMinimum: 0, maximum: 0.5 }, { type: 'null' }],
  },
  needs: { logprobs: true },
  prepare: (value) => {
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'number' || !(value > 0 && value <= 0.5)) {
      throw new LlmlabError('CONFIG_INVALID', `perplexity-score: the minimum score must be in (0, 0.5], not ${JSON.stringify(value)}`, {
        hint: 'e.g. { type: perplexity-score, threshold: 0.4 } (0.5 is the best score: every token certain)',
      });
    }
    return value;
  },
  score: ({ value: min, result, providerId }) => {
    const { perplexity, tokens } = perplexityOf('perplexity-score', result, providerId);
    const score = 1 / (1 + perplexity);
    const shown = `score ${fixed(score)} = 1 / (1 + perplexity ${showPerplexity(perplexity)}) over ${tokens} token${tokens === 1 ? '' : 's'}`;
    if (min === undefined) return { pass: true, score, reason: shown };
    return { pass: score >= min, score, reason: `${shown}${score >= min ? ' ≥' : ' is below'} ${min}` };
  },
});
