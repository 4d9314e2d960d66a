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
import { defineMetric } from '../types.js';
import { fixed } from './text-overlap.js';

/** Pass mark for a bare expected text. */
export const DEFAULT_MAX_DISTANCE = 5;
const SHOWN = 60;

/** Levenshtein distance of two code-point arrays: common prefix and suffix skipped, then two DP rows. */
export function levenshteinDistance(a: readonly string[], b: readonly string[]): number {
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const x = a.slice(start, endA);
  const y = b.slice(start, endB);
  if (x.length === 0 || y.length === 0) return x.length + y.length;
  let previous = new Uint32Array(y.length + 1);
  let current = new Uint32Array(y.length + 1);
  for (let j = 0; j <= y.length; j++) previous[j] = j;
  for (let i = 1; i <= x.length; i++) {
    current[0] = i;
    const char = x[i - 1];
    for (let j = 1; j <= y.length; j++) {
      const substitute = (previous[j - 1] as number) + (char === y[j - 1] ? 0 : 1);
      current[j] = Math.min(substitute, (previous[j] as number) + 1, (current[j - 1] as number) + 1);
    }
    [previous, current] = [current, previous];
  }
  return previous[y.length] as number;
}

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
    const distance = levenshteinDistance(chars, value.chars);
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
