/**
 * `icontains-any`: the output includes at least one of several substrings, ignoring case (folded as `icontains`
 * folds) — promptfoo's `icontains-any`. The value is a list, or one comma-separated string as promptfoo accepts.
 */
import { defineContainsSet, quoted } from './contains-set.js';
import { fold } from './icontains.js';

export default defineContainsSet({
  id: 'icontains-any',
  description: 'Substrings, one of which the output must contain, ignoring case: a list or a comma-separated text.',
  example: ['refund', 'credit'],
  score: (output, items) => {
    const folded = fold(output);
    const hit = items.find((item) => folded.includes(fold(item)));
    return hit === undefined
      ? { pass: false, reason: `none of ${quoted(items)} found (ignoring case)` }
      : { pass: true, reason: `found ${JSON.stringify(hit)} (ignoring case)` };
  },
});
