/** `length`: the output has an exact number of characters, or a number within a range. */
import { defineCountMetric } from './count-range.js';

export default defineCountMetric({
  id: 'length',
  unit: 'characters',
  explain: 'Characters are Unicode code points (an emoji counts once), whitespace included.',
  count: (output) => {
    let n = 0;
    // Counting code points without building an array: a long output is graded once per cell.
    for (const _ of output) n++;
    return n;
  },
});
