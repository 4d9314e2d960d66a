/**
 * `contains-all`: the output includes every one of several substrings, exactly. The value is a list, or one
 * comma-separated string as promptfoo accepts (items trimmed; use a list when a phrase itself has a comma).
 */
import { defineContainsSet, quoted } from './contains-set.js';

export default defineContainsSet({
  id: 'contains-all',
  description: 'Substrings the output must all contain (case-sensitive): a list, or a comma-separated string.',
  example: ['order number', 'refund'],
  score: (output, items) => {
    const missing = items.filter((item) => !output.includes(item));
    if (missing.length === 0) return { pass: true, reason: `found all of ${quoted(items)}` };
    const found = items.filter((item) => !missing.includes(item));
    return { pass: false, reason: `missing ${quoted(missing)}${found.length > 0 ? ` (found ${quoted(found)})` : ''}` };
  },
});
