/**
 * `choice-logprob`: multiple-choice accuracy under the loglikelihood protocol. The cell's output is the
 * provider's ContinuationScores (one log-probability per choice); the prediction is the choice with the highest
 * log-probability (`acc`) or, with `normalize: true`, the highest log-probability per UTF-8 byte of the choice
 * text (lm-evaluation-harness's `acc_norm`), which stops long choices from losing just for being long.
 */
import { LlmlabError } from '../errors.js';
import { defineMetric } from '../types.js';
import type { ContinuationScores } from '../types.js';

const DESCRIPTION = 'the gold choice of a loglikelihood multiple-choice test (set by benchmark adapters)';

interface ChoiceValue {
  gold: number;
  normalize?: boolean;
}

export default defineMetric<ChoiceValue>({
  id: 'choice-logprob',
  optionsSchema: {
    type: 'object',
    description: DESCRIPTION,
    required: ['gold'],
    additionalProperties: false,
    properties: {
      gold: { type: 'integer', minimum: 0, description: 'index of the correct choice' },
      normalize: { type: 'boolean', description: 'divide each log-probability by the choice length in bytes (acc_norm)' },
    },
  },
  score({ output, value, test }) {
    const continuations = test.continuations;
    if (value.normalize && !continuations) {
      throw new LlmlabError('METRIC_ERROR', 'acc_norm needs the choices: use it on a loglikelihood test (dataset protocol: loglikelihood)');
    }
    const scores = parseScores(output, continuations?.length);
    const ranked = scores.map((logprob, i) =>
      continuations && value.normalize ? logprob / Math.max(1, Buffer.byteLength(continuations[i] ?? '', 'utf8')) : logprob,
    );
    let best = 0;
    for (let i = 1; i < ranked.length; i++) if (ranked[i]! > ranked[best]!) best = i;
    const shown = ranked.map((r) => r.toFixed(3)).join(', ');
    return { pass: best === value.gold, reason: `chose ${best} (gold ${value.gold}) from [${shown}]` };
  },
});

function parseScores(output: string, expected: number | undefined): number[] {
  let parsed: ContinuationScores;
  try {
    parsed = JSON.parse(output) as ContinuationScores;
  } catch {
    throw new LlmlabError('METRIC_ERROR', 'the output is not a loglikelihood answer (ContinuationScores JSON)');
  }
  const scores = Array.isArray(parsed?.scores) ? parsed.scores.map((s) => s?.logprob) : [];
  if (scores.length === 0 || (expected !== undefined && scores.length !== expected) || scores.some((s) => typeof s !== 'number' || Number.isNaN(s))) {
    throw new LlmlabError('METRIC_ERROR', `expected ${expected ?? 'some'} continuation log-probabilities, got ${scores.length}`);
  }
  return scores as number[];
}
