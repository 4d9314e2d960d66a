/**
 * `contains-all`: the output includes every one of several substrings, exactly. The value is a list, or one
 * comma-separated string as promptfoo accepts (items trimmed; use a list when a phrase itself has a comma).
 */
import { LlmlabError } from '../errors.js';
import { defineMetric } from '../types.js';

type Value = string | Array<string | number>;

function toList(value: Value): string[] {
  let items: string[] = [];
  if (typeof value === 'string') items = value.split(',').map((item) => item.trim());
  else if (Array.isArray(value)) items = value.map(String);
  const list = items.filter((item) => item !== '');
  if (list.length === 0) {
    throw new LlmlabError('CONFIG_INVALID', 'contains-all needs a non-empty list of strings as `value`', {
      hint: 'e.g. { type: contains-all, value: ["order number", "refund"] } or value: "order number, refund"',
    });
  }
  return list;
}

const quoted = (items: string[]): string => items.map((item) => JSON.stringify(item)).join(', ');

export default defineMetric<Value, string[]>({
  id: 'contains-all',
  optionsSchema: {
    description: 'Substrings the output must all contain (case-sensitive): a list, or a comma-separated string.',
    anyOf: [
      { type: 'array', items: { anyOf: [{ type: 'string' }, { type: 'number' }] }, minItems: 1 },
      { type: 'string', minLength: 1 },
    ],
  },
  prepare: (value) => toList(value),
  score: ({ output, value }) => {
    const missing = value.filter((item) => !output.includes(item));
    if (missing.length === 0) return { pass: true, reason: `found all of ${quoted(value)}` };
    const found = value.filter((item) => !missing.includes(item));
    return {
      pass: false,
      reason: `missing ${quoted(missing)}${found.length > 0 ? ` (found ${quoted(found)})` : ''}`,
    };
  },
});
