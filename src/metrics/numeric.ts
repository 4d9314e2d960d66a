/**
 * `numeric`: the last number in the output equals an expected number, within a tolerance. The number is read
 * with the same reading as the `last-number` transform (see number-extract.ts): signs, `$`, `%`, thousands
 * separators, decimals and exponents are understood, and the last number wins.
 */
import { LlmlabError } from '../errors.js';
import { defineMetric } from '../types.js';
import { lastNumber } from './number-extract.js';

/** Kept for callers that imported it from here before it moved to number-extract.ts. */
export { lastNumber };

/** With neither `abs` nor `rel`: equal up to floating-point noise. */
const DEFAULT_REL = 1e-9;
const SHOWN = 40;

type Value = number | { expected: number; abs?: number; rel?: number };

interface Prepared {
  expected: number;
  abs: number;
  rel: number;
}

function prepare(value: Value): Prepared {
  const spec = typeof value === 'number' ? { expected: value } : value;
  const tolerance = (n: unknown) => n === undefined || (typeof n === 'number' && Number.isFinite(n) && n >= 0);
  const valid =
    typeof spec === 'object' && spec !== null && typeof spec.expected === 'number' && Number.isFinite(spec.expected);
  if (!valid || !tolerance(spec.abs) || !tolerance(spec.rel)) {
    const message = 'numeric needs the expected number, or { expected, abs?, rel? }, as `value`';
    throw new LlmlabError('CONFIG_INVALID', message, {
      hint: 'e.g. value: 42, or value: { expected: 3.14, abs: 0.01 }, or value: { expected: 1200, rel: 0.05 }',
    });
  }
  const tolerant = spec.abs !== undefined || spec.rel !== undefined;
  return { expected: spec.expected, abs: spec.abs ?? 0, rel: spec.rel ?? (tolerant ? 0 : DEFAULT_REL) };
}

function describeTolerance({ abs, rel }: Prepared): string {
  const parts: string[] = [];
  if (abs > 0) parts.push(`± ${abs}`);
  if (rel > 0 && rel !== DEFAULT_REL) parts.push(`± ${Number((rel * 100).toPrecision(12))}%`);
  return parts.length > 0 ? ` ${parts.join(' or ')}` : '';
}

export default defineMetric<Value, Prepared>({
  id: 'numeric',
  optionsSchema: {
    description:
      'Expected number, or { expected, abs?, rel? }: the last number in the output (signs, $, %, thousands ' +
      'separators and decimals understood) must be within abs, or within rel × |expected|, of it; with neither, ' +
      'equal. Pass/fail: score 1 or 0.',
    anyOf: [
      { type: 'number' },
      {
        type: 'object',
        required: ['expected'],
        additionalProperties: false,
        properties: {
          expected: { type: 'number', description: 'the number the output should end with' },
          abs: {
            type: 'number',
            minimum: 0,
            description: 'absolute tolerance: pass when |actual − expected| ≤ abs',
          },
          rel: {
            type: 'number',
            minimum: 0,
            description: 'relative tolerance: pass when |actual − expected| ≤ rel × |expected| (0.01 = 1 %)',
          },
        },
      },
    ],
  },
  prepare,
  score: ({ output, value }) => {
    const found = lastNumber(output);
    const wanted = `${value.expected}${describeTolerance(value)}`;
    if (!found) return { pass: false, reason: `no number in the output; expected ${wanted}` };
    const difference = Math.abs(found.value - value.expected);
    const pass = difference <= value.abs || difference <= value.rel * Math.abs(value.expected);
    const written = found.text.slice(0, SHOWN);
    const read = written === String(found.value) ? '' : ` (read from ${JSON.stringify(written)})`;
    return { pass, reason: `extracted ${found.value}${read}, ${pass ? 'matches' : 'expected'} ${wanted}` };
  },
});
