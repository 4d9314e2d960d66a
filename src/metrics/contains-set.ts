/**
 * What `contains-any` and `contains-all` share: the value (a list, or one comma-separated string as promptfoo
 * accepts: items trimmed, empty ones dropped; a list keeps a phrase with a comma whole), its schema and the error
 * for an empty one. Each metric file says only what it requires of the items found. Not a metric itself.
 */
import { LlmlabError } from '../errors.js';
import { defineMetric } from '../types.js';
import type { MetricPlugin, MetricScore } from '../types.js';

/** An assertion's value as written: a list, or one comma-separated string. */
export type ContainsSetValue = string | Array<string | number>;

interface ContainsSetSpec {
  id: string;
  /** The schema's description, as `llmlab` shows it for the YAML type. */
  description: string;
  /** Two items for the hint of an empty value. */
  example: [string, string];
  /** The verdict on `output` for the items (at least one, in the order written). */
  score(output: string, items: readonly string[]): MetricScore;
}

/** Items as a reason lists them: `"a", "b"`. */
export function quoted(items: readonly string[]): string {
  return items.map((item) => JSON.stringify(item)).join(', ');
}

/** Builds the plugin of one substring-set metric. */
export function defineContainsSet(spec: ContainsSetSpec): MetricPlugin<ContainsSetValue, string[]> {
  const hint = `e.g. { type: ${spec.id}, value: [${quoted(spec.example)}] } or value: "${spec.example.join(', ')}"`;
  const toList = (value: ContainsSetValue): string[] => {
    let items: string[] = [];
    if (typeof value === 'string') items = value.split(',').map((item) => item.trim());
    else if (Array.isArray(value)) items = value.map(String);
    const list = items.filter((item) => item !== '');
    if (list.length === 0) {
      throw new LlmlabError('CONFIG_INVALID', `${spec.id} needs a non-empty list of strings as \`value\``, { hint });
    }
    return list;
  };
  return defineMetric<ContainsSetValue, string[]>({
    id: spec.id,
    optionsSchema: {
      description: spec.description,
      anyOf: [
        { type: 'array', items: { anyOf: [{ type: 'string' }, { type: 'number' }] }, minItems: 1 },
        { type: 'string', minLength: 1 },
      ],
    },
    prepare: toList,
    score: ({ output, value }) => spec.score(output, value),
  });
}
