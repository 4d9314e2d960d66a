/**
 * `contains`: the output includes a substring, exactly (case- and Unicode-form-sensitive; see `icontains` for
 * the forgiving variant).
 */
import { LlmlabError } from '../errors.js';
import { defineMetric } from '../types.js';

export default defineMetric<string | number, string>({
  id: 'contains',
  optionsSchema: {
    description: 'Substring the output must contain, case-sensitive. A number is matched as its decimal text.',
    anyOf: [{ type: 'string', minLength: 1 }, { type: 'number' }],
  },
  prepare: (value) => {
    // An empty needle matches every output, which is never what the author meant.
    if ((typeof value !== 'string' && typeof value !== 'number') || value === '') {
      throw new LlmlabError('CONFIG_INVALID', 'contains needs a non-empty string `value`', {
        hint: 'e.g. { type: contains, value: "reset link" }',
      });
    }
    return String(value);
  },
  score: ({ output, value }) => {
    const at = output.indexOf(value);
    return at >= 0
      ? { pass: true, reason: `found ${JSON.stringify(value)} at ${at}` }
      : { pass: false, reason: `${JSON.stringify(value)} not found` };
  },
});
