/**
 * `contains-any`: the output includes at least one of several substrings, exactly. The value is a list, or one
 * comma-separated string as promptfoo accepts (items trimmed; use a list when a phrase itself has a comma).
 */
import { defineContainsSet, quoted } from './contains-set.js';

export default defineContainsSet({
  id: 'contains-any',
  description: 'Substrings, one of which the output must contain (case-sensitive): a list or a comma-separated text.',
  example: ['refund', 'credit'],
  score: (output, items) => {
    const hit = items.find((item) => output.includes(item));
    return hit === undefined ? { pass: false, reason: `none of ${quoted(items)} found` } : { pass: true, reason: `found ${JSON.stringify(hit)}` };
  },
});
