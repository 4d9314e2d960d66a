/**
 * `finish-reason`: the model stopped for the expected reason. Providers normalise their own words to `stop`,
 * `length`, `tool_calls` and `content_filter` (others pass through); the comparison ignores case. The usual
 * use is `not-finish-reason: length` — the answer was not cut off by the token limit. A provider that reports
 * no reason makes the assertion an error rather than a silent pass or fail.
 */
import { LlmlabError } from '../errors.js';
import { defineMetric } from '../types.js';

export default defineMetric<string, string>({
  id: 'finish-reason',
  optionsSchema: {
    type: 'string',
    minLength: 1,
    description:
      'Expected finish reason, compared case-insensitively: stop, length (hit the token limit), tool_calls, ' +
      "content_filter, or a provider's own word. Pass/fail: score 1 or 0.",
  },
  prepare: (value) => {
    if (typeof value !== 'string' || value.trim() === '') {
      throw new LlmlabError('CONFIG_INVALID', 'finish-reason needs the expected reason as `value`', {
        hint: 'e.g. { type: finish-reason, value: stop } or { type: not-finish-reason, value: length }',
      });
    }
    return value.trim().toLowerCase();
  },
  score: ({ result, value, providerId }) => {
    const reason = result.finishReason;
    if (typeof reason !== 'string' || reason === '') {
      throw new LlmlabError('METRIC_ERROR', `finish-reason: provider ${providerId} reported no finish reason`);
    }
    const pass = reason.trim().toLowerCase() === value;
    return { pass, reason: pass ? `finished with ${reason}` : `finished with ${reason}, expected ${value}` };
  },
});
