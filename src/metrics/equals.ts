/**
 * `equals`: a string value must equal the output exactly; any other JSON value (number, boolean, null, list,
 * map) is compared with the output parsed as JSON, structurally (key order does not matter).
 */
import { LlmlabError } from '../errors.js';
import { defineMetric } from '../types.js';

const SHOWN = 80;

function show(text: string): string {
  return text.length > SHOWN ? `${JSON.stringify(text.slice(0, SHOWN))}…` : JSON.stringify(text);
}

/** Structural equality of JSON values; unlike util.isDeepStrictEqual it ignores prototypes and -0. */
function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => jsonEqual(x, b[i]));
  }
  const keys = Object.keys(a);
  const other = b as Record<string, unknown>;
  return (
    keys.length === Object.keys(b).length &&
    keys.every((key) => Object.hasOwn(other, key) && jsonEqual((a as Record<string, unknown>)[key], other[key]))
  );
}

function showJson(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > SHOWN ? `${text.slice(0, SHOWN)}…` : text;
}

function compareText(output: string, expected: string): { pass: boolean; reason: string } {
  if (output === expected) return { pass: true, reason: `output is exactly ${show(expected)}` };
  const note = output.trim() === expected ? ' (they differ only in surrounding whitespace)' : '';
  return { pass: false, reason: `output is ${show(output)}, expected ${show(expected)}${note}` };
}

function compareJson(output: string, expected: unknown): { pass: boolean; reason: string } {
  let actual: unknown;
  try {
    actual = JSON.parse(output);
  } catch (error) {
    return { pass: false, reason: `output is not JSON (${(error as Error).message}); expected ${showJson(expected)}` };
  }
  return jsonEqual(actual, expected)
    ? { pass: true, reason: `output parses to ${showJson(expected)}` }
    : { pass: false, reason: `output parses to ${showJson(actual)}, expected ${showJson(expected)}` };
}

export default defineMetric<unknown, unknown>({
  id: 'equals',
  optionsSchema: {
    description:
      'Expected output. A string must match the output exactly; any other JSON value is compared, structurally, ' +
      'with the output parsed as JSON.',
  },
  prepare: (value) => {
    if (value === undefined) {
      throw new LlmlabError('CONFIG_INVALID', 'equals needs a `value` to compare the output with', {
        hint: 'e.g. { type: equals, value: "Paris" } or value: { answer: 42 } for JSON output',
      });
    }
    return value;
  },
  score: ({ output, value }) => (typeof value === 'string' ? compareText(output, value) : compareJson(output, value)),
});
