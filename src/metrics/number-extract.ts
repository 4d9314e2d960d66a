/**
 * Reads the last number of a text the way people write answers: a sign (`-`, `+`, `−`), a currency `$`,
 * thousands separators (`1,234,567`), decimals, an exponent (`1.5e3`), a trailing `%` — `$` and `%` are
 * dropped, so "50%" reads as 50. The last number wins because chain-of-thought answers end with the result
 * ("… so the total is $1,234.50"). A hyphen right after a word or digit is a dash, not a sign: "pages 3-5"
 * ends with 5. Shared by the `numeric` metric and the `last-number` transform step.
 */

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
