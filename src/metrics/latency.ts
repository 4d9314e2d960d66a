/**
 * `latency`: the call answered within a time limit, in milliseconds, as the engine measured it (or as the
 * provider reported it). An answer served from the cache keeps the latency recorded when it was first fetched,
 * so a cached rerun gives the same verdict.
 */
import { LlmlabError } from '../errors.js';
import { defineMetric } from '../types.js';

export default defineMetric<number, number>({
  id: 'latency',
  optionsSchema: {
    type: 'number',
    minimum: 0,
    description:
      'Maximum latency of the model call in milliseconds (a cached answer keeps its recorded latency). ' +
      'Pass/fail: score 1 or 0.',
  },
  prepare: (value) => {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new LlmlabError('CONFIG_INVALID', 'latency needs the maximum milliseconds as `value`', {
        hint: 'e.g. { type: latency, value: 2000 } for at most 2 seconds',
      });
    }
    return value;
  },
  score: ({ result, value }) => {
    const ms = result.latencyMs;
    if (typeof ms !== 'number' || !Number.isFinite(ms)) {
      throw new LlmlabError('METRIC_ERROR', 'latency: no latency was recorded for this answer');
    }
    const pass = ms <= value;
    return { pass, reason: `latency ${ms} ms, ${pass ? 'within' : 'over'} the limit of ${value} ms` };
  },
});
