/**
 * `numeric`: the last number in the output equals an expected number, within a tolerance. The number is read
 * the way people write answers: a sign (`-`, `+`, `−`), a currency `$`, thousands separators (`1,234,567`),
 * decimals, an exponent (`1.5e3`), a trailing `%` — `$` and `%` are dropped, so "50%" reads as 50. The last
 * number wins because chain-of-thought answers end with the result ("… so the total is $1,234.50").
 * A hyphen right after a word or digit is a dash, not a sign: "pages 3-5" ends with 5.
 */
import { LlmlabError } from '../errors.js';
import { defineMetric } from '../types.js';

// Thousands groups only when every group has three digits and no digit follows ("1,23456" is two numbers).
const NUMBER = new RegExp(
  [
    '(?:(?<![\\p{L}\\p{N}_.])([-+\\u2212]))?', // a sign, unless it is a dash after a word or digit
    '\\$?',
    '((?:\\d{1,3}(?:,\\d{3})+(?!\\d)|\\d+)(?:\\.\\d+)?|(?<!\\d)\\.\\d+)', // 1,234.5 | 1234.5 | .5
    '(?:[eE]([-+]?\\d+))?',
    '%?',
  ].join(''),
  'gu',
);
/** With neither `abs` nor `rel`: equal up to floating-point noise. */
const DEFAULT_REL = 1e-9;
const SHOWN = 40;

/** The last number written in `text`, with the text it was read from; undefined when there is none. */
export function lastNumber(text: string): { value: number; text: string } | undefined {
  let last: RegExpExecArray | undefined;
  NUMBER.lastIndex = 0;
  for (let match = NUMBER.exec(text); match; match = NUMBER.exec(text)) last = match;
  if (!last) return undefined;
  const [written, sign, digits = '', exponent] = last;
  const negative = sign === '-' || sign === '\u2212';
  const value = Number(`${negative ? '-' : ''}${digits.replaceAll(',', '')}${exponent ? `e${exponent}` : ''}`);
  return { value, text: written };
}

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
