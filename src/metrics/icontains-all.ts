/**
 * `icontains-all`: the output includes every one of several substrings, ignoring case (folded as `icontains`
 * folds) — promptfoo's `icontains-all`. The value is a list, or one comma-separated string as promptfoo accepts.
 */
import { defineContainsSet, quoted } from './contains-set.js';
import { fold } from './icontains.js';

export default defineContainsSet({
  id: 'icontains-all',
  description: 'Substrings the output must all contain, ignoring case: a list, or a comma-separated string.',
  example: ['order number', 'refund'],
  score: (output, items) => {
    const folded = fold(output);
    const missing = items.filter((item) => !folded.includes(fold(item)));
    if (missing.length === 0) return { pass: true, reason: `found all of ${quoted(items)} (ignoring case)` };
    const found = items.filter((item) => !missing.includes(item));
    return { pass: false, reason: `missing ${quoted(missing)} (ignoring case)${found.length > 0 ? `; found ${quoted(found)}` : ''}` };
  },
});
