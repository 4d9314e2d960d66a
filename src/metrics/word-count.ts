/** `word-count`: the output has an exact number of words, or a number within a range. */
import { defineCountMetric } from './count-range.js';

export default defineCountMetric({
  id: 'word-count',
  unit: 'words',
  explain: 'Words are runs of non-whitespace characters (`don\'t` and `well-known` are one word each).',
  count: (output) => output.match(/\S+/gu)?.length ?? 0,
});
