/**
 * `levenshtein`: edit distance between the output and an expected text — the fewest single-character insertions,
 * deletions and substitutions that turn one into the other, counted in Unicode code points (an emoji is one),
 * case-sensitive, nothing trimmed. Score = similarity 1 − distance / (length of the longer text).
 *
 * Verdict: `{ expected, maxDistance }` passes when distance ≤ maxDistance, `{ expected, minSimilarity }` when the
 * similarity reaches it, and a bare text when distance ≤ 5 (promptfoo's default). A `threshold` on the assertion
 * overrides all of these with similarity ≥ threshold, as for every scored metric.
 */
import { LlmlabError } from '../errors.js';
import { levenshtein } from '../text/levenshtein.js';
import { defineMetric } from '../types.js';
import { fixed } from './text-overlap.js';

/** Pass mark for a bare expected text. */
export const DEFAULT_MAX_DISTANCE = 5;
const SHOWN = 60;

/** The distance the metric counts, over code-point arrays (`Array.from(text)`). */
export { levenshtein as levenshteinDistance };

type Value = string | number | { expected: string | number; maxDistance?: number; minSimilarity?: number };

interface Prepared {
  expected: string;
  chars: string[];
  maxDistance?: number;
  minSimilarity?: number;
}

const HINT =
  'e.g. value: "Paris", or { expected: "Paris", maxDistance: 1 }, or { expected: "Paris", minSimilarity: 0.8 }';

function prepare(value: Value): Prepared {
  const object = typeof value === 'object' && value !== null && !Array.isArray(value) ? value : undefined;
  const expected = object ? object.expected : value;
  if (typeof expected !== 'string' && typeof expected !== 'number') {
    throw new LlmlabError('CONFIG_INVALID', 'levenshtein needs the expected text as `value`', { hint: HINT });
  }
  if (object?.maxDistance !== undefined && object.minSimilarity !== undefined) {
    throw new LlmlabError('CONFIG_INVALID', 'levenshtein takes `maxDistance` or `minSimilarity`, not both', {
      hint: HINT,
    });
  }
  const text = String(expected);
  return {
    expected: text,
    chars: Array.from(text),
    ...(object?.maxDistance === undefined ? {} : { maxDistance: object.maxDistance }),
    ...(object?.minSimilarity === undefined ? {} : { minSimilarity: object.minSimilarity }),
  };
}

function show(text: string): string {
  return text.length > SHOWN ? `${JSON.stringify(text.slice(0, SHOWN))}…` : JSON.stringify(text);
}

const expectedSchema = {
  description: 'the text the output should be close to (a number is compared as its decimal text)',
  anyOf: [{ type: 'string' }, { type: 'number' }],
};

export default defineMetric<Value, Prepared>({
  id: 'levenshtein',
  optionsSchema: {
    description:
      'Expected text: a bare text (passes when the edit distance ≤ 5), { expected, maxDistance } or ' +
      '{ expected, minSimilarity } (0..1). Distance in Unicode code points, case-sensitive. Score = similarity ' +
      '1 − distance / longer length; a `threshold` on the assertion means similarity ≥ threshold instead.',
    anyOf: [
      { type: 'string' },
      { type: 'number' },
      // The branch with `minSimilarity` comes first: error messages follow the first branch whose required keys
      // are all present, so `{ expected, minSimilarity: 2 }` is reported as a bad minSimilarity.
      {
        title: 'an object with `expected` and `minSimilarity`',
        type: 'object',
        required: ['expected', 'minSimilarity'],
        additionalProperties: false,
        properties: {
          expected: expectedSchema,
          minSimilarity: {
            type: 'number',
            minimum: 0,
            maximum: 1,
            description: 'pass when 1 − distance / longer length is at least this',
          },
        },
      },
      {
        title: 'an object with `expected` (and optionally `maxDistance`)',
        type: 'object',
        required: ['expected'],
        additionalProperties: false,
        properties: {
          expected: expectedSchema,
          maxDistance: { type: 'integer', minimum: 0, description: 'pass when the edit distance is at most this' },
        },
      },
    ],
  },
  prepare,
  score: ({ output, value }) => {
    const chars = Array.from(output);
    const distance = levenshtein(chars, value.chars);
    const longer = Math.max(chars.length, value.chars.length);
    const similarity = longer === 0 ? 1 : 1 - distance / longer;
    const measured = `edit distance ${distance} from ${show(value.expected)} (similarity ${fixed(similarity)})`;
    if (value.minSimilarity !== undefined) {
      const pass = similarity >= value.minSimilarity;
      const reason = `${measured} ${pass ? '≥' : '<'} minSimilarity ${value.minSimilarity}`;
      return { pass, score: similarity, reason };
    }
    const max = value.maxDistance ?? DEFAULT_MAX_DISTANCE;
    const pass = distance <= max;
    return { pass, score: similarity, reason: `${measured}, ${pass ? 'within' : 'over'} the maximum of ${max}` };
  },
});
