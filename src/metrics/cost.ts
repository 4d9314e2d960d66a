/**
 * `cost`: the call cost at most a given amount in US dollars, as the provider reported it or as the engine
 * priced it from token usage. A cached answer keeps the cost of the call that first fetched it.
 */
import { LlmlabError } from '../errors.js';
import { defineMetric } from '../types.js';

/** Dollars as a person reads them: enough significant digits for fractions of a cent. */
function usd(n: number): string {
  return `$${Number(n.toPrecision(4))}`;
}

export default defineMetric<number, number>({
  id: 'cost',
  optionsSchema: {
    type: 'number',
    minimum: 0,
    description: 'Maximum cost of the model call in US dollars, e.g. 0.002. Pass/fail: score 1 or 0.',
  },
  prepare: (value) => {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new LlmlabError('CONFIG_INVALID', 'cost needs the maximum US dollars per call as `value`', {
        hint: 'e.g. { type: cost, value: 0.002 }',
      });
    }
    return value;
  },
  score: ({ result, value }) => {
    const cost = result.cost;
    if (typeof cost !== 'number' || !Number.isFinite(cost)) {
      throw new LlmlabError('METRIC_ERROR', 'cost: no cost was recorded for this answer');
    }
    const pass = cost <= value;
    return { pass, reason: `cost ${usd(cost)}, ${pass ? 'within' : 'over'} the limit of ${usd(value)}` };
  },
});
