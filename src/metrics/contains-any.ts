/**
 * `contains-any`: the output includes at least one of several substrings, exactly. The value is a list, or one
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
    throw new LlmlabError('CONFIG_INVALID', 'contains-any needs a non-empty list of strings as `value`', {
      hint: 'e.g. { type: contains-any, value: ["refund", "credit"] } or value: "refund, credit"',
    });
  }
  return list;
}

export default defineMetric<Value, string[]>({
  id: 'contains-any',
  optionsSchema: {
    description: 'Substrings, one of which the output must contain (case-sensitive): a list or a comma-separated text.',
    anyOf: [
      { type: 'array', items: { anyOf: [{ type: 'string' }, { type: 'number' }] }, minItems: 1 },
      { type: 'string', minLength: 1 },
    ],
  },
  prepare: (value) => toList(value),
  score: ({ output, value }) => {
    const hit = value.find((item) => output.includes(item));
    return hit === undefined
      ? { pass: false, reason: `none of ${value.map((item) => JSON.stringify(item)).join(', ')} found` }
      : { pass: true, reason: `found ${JSON.stringify(hit)}` };
  },
});
