/**
 * `choice-logprob`: multiple-choice accuracy under the loglikelihood protocol. The cell's output is the
 * provider's ContinuationScores (one log-probability per choice); the prediction is the choice with the highest
 * log-probability (`acc`) or, with `normalize: true`, the highest log-probability per character of the choice
 * (lm-evaluation-harness's `acc_norm`: `lls / len(choice)`, Python characters = code points, the choice without
 * the leading space of its continuation), which stops long choices from losing just for being long.
 * `normalize: bytes` divides by UTF-8 bytes instead (lm-eval's `acc_bytes`).
 */
import { LlmlabError } from '../errors.js';
import { defineMetric } from '../types.js';
import type { ContinuationScores } from '../types.js';

const DESCRIPTION = 'the gold choice of a loglikelihood multiple-choice test (set by benchmark adapters)';

interface ChoiceValue {
  gold: number;
  normalize?: boolean | 'bytes';
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
      normalize: {
        description: 'true: divide each log-probability by the choice length in characters (acc_norm); `bytes`: by its UTF-8 bytes (acc_bytes)',
        oneOf: [{ type: 'boolean' }, { const: 'bytes' }],
      },
    },
  },
  score({ output, value, test }) {
    const continuations = test.continuations;
    if (value.normalize && !continuations) {
      throw new LlmlabError('METRIC_ERROR', 'acc_norm needs the choices: use it on a loglikelihood test (dataset protocol: loglikelihood)');
    }
    const scores = parseScores(output, continuations?.length);
    const ranked = scores.map((logprob, i) => (continuations && value.normalize ? logprob / lengthOf(continuations[i] ?? '', value.normalize) : logprob));
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

/** The choice's length as lm-eval counts it: the continuation without its target delimiter (one leading space). */
function lengthOf(continuation: string, unit: true | 'bytes'): number {
  const choice = continuation.startsWith(' ') ? continuation.slice(1) : continuation;
  const length = unit === 'bytes' ? Buffer.byteLength(choice, 'utf8') : [...choice].length;
  return Math.max(1, length);
}
