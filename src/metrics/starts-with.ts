/**
 * `starts-with`: the output begins with a prefix, exactly. Leading whitespace is not skipped (a parser
 * downstream would not skip it either), but the reason says when it is all that stands in the way.
 */
import { LlmlabError } from '../errors.js';
import { defineMetric } from '../types.js';

export default defineMetric<string | number, string>({
  id: 'starts-with',
  optionsSchema: {
    description: 'Prefix the output must start with, case-sensitive. A number is matched as its decimal text.',
    anyOf: [{ type: 'string', minLength: 1 }, { type: 'number' }],
  },
  prepare: (value) => {
    if ((typeof value !== 'string' && typeof value !== 'number') || value === '') {
      throw new LlmlabError('CONFIG_INVALID', 'starts-with needs a non-empty string `value`', {
        hint: 'e.g. { type: starts-with, value: "Yes" }',
      });
    }
    return String(value);
  },
  score: ({ output, value }) => {
    if (output.startsWith(value)) return { pass: true, reason: `starts with ${JSON.stringify(value)}` };
    const head = output.slice(0, value.length + 20);
    const shown = JSON.stringify(head) + (output.length > head.length ? '…' : '');
    const note = output.trimStart().startsWith(value) ? ' (the prefix follows leading whitespace)' : '';
    return { pass: false, reason: `starts with ${shown}, not ${JSON.stringify(value)}${note}` };
  },
});
