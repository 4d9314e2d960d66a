/**
 * What `word-count` and `length` share: the value is an exact count or a `{ min, max }` range (bounds
 * inclusive, either may be left out), and the verdict is pass/fail. Not a metric itself.
 */
import { LlmlabError } from '../errors.js';
import { defineMetric } from '../types.js';
import type { MetricPlugin } from '../types.js';

/** The YAML value: an exact count or a range. */
export type CountValue = number | { min?: number; max?: number };

/** A prepared range, bounds inclusive (max may be Infinity). */
export interface CountRange {
  min: number;
  max: number;
}

interface CountSpec {
  id: string;
  /** Plural noun of what is counted: `words`, `characters`. */
  unit: string;
  /** How the unit is counted, for the schema's description. */
  explain: string;
  count(output: string): number;
}

function isCount(n: unknown): n is number {
  return typeof n === 'number' && Number.isInteger(n) && n >= 0;
}

/** Builds a metric that checks a count of the output against an exact number or a range. */
export function defineCountMetric(spec: CountSpec): MetricPlugin<CountValue, CountRange> {
  const hint = `e.g. { type: ${spec.id}, value: 12 } or value: { min: 5, max: 50 }`;
  const bound = (side: string) => ({ type: 'integer', minimum: 0, description: `${side} ${spec.unit}, inclusive` });
  return defineMetric<CountValue, CountRange>({
    id: spec.id,
    optionsSchema: {
      description:
        `Number of ${spec.unit} the output must have: an exact count, or { min, max } (inclusive; either may be ` +
        `left out). ${spec.explain} Pass/fail: score 1 or 0.`,
      anyOf: [
        { type: 'integer', minimum: 0 },
        {
          title: '{ min, max } with at least one bound',
          type: 'object',
          additionalProperties: false,
          minProperties: 1,
          properties: { min: bound('fewest'), max: bound('most') },
        },
      ],
    },
    prepare: (value) => {
      if (isCount(value)) return { min: value, max: value };
      const range = typeof value === 'object' && value !== null && !Array.isArray(value) ? value : {};
      const { min = 0, max = Number.POSITIVE_INFINITY } = range;
      const bounded = range.min !== undefined || range.max !== undefined;
      if (!bounded || !isCount(min) || !(max === Number.POSITIVE_INFINITY || isCount(max))) {
        const message = `${spec.id} needs a count or { min, max } of whole numbers as \`value\``;
        throw new LlmlabError('CONFIG_INVALID', message, { hint });
      }
      if (min > max) {
        throw new LlmlabError('CONFIG_INVALID', `${spec.id}: min (${min}) is greater than max (${max})`, { hint });
      }
      return { min, max };
    },
    score: ({ output, value: { min, max } }) => {
      const n = spec.count(output);
      const pass = n >= min && n <= max;
      let wanted: string;
      if (min === max) wanted = `exactly ${min}`;
      else if (max === Number.POSITIVE_INFINITY) wanted = `at least ${min}`;
      else if (min === 0) wanted = `at most ${max}`;
      else wanted = `${min} to ${max}`;
      return { pass, reason: pass ? `${n} ${spec.unit} (wanted ${wanted})` : `${n} ${spec.unit}, wanted ${wanted}` };
    },
  });
}
