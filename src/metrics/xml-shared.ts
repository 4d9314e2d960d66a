/**
 * What `is-xml` and `contains-xml` share: the value (promptfoo's `requiredElements`: dot paths such as
 * `root.child`, as a list, one comma-separated string, or `{ requiredElements: [...] }`), the well-formedness
 * check (fast-xml-parser's validator) and the element-path check on the parsed document. Not a metric itself.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { LlmlabError } from '../errors.js';
import type { JsonSchema, MetricScore } from '../types.js';

/** An assertion's value as written. */
export type XmlValue = string | string[] | { requiredElements: string[] } | undefined | null;

/** The value's schema, the same for both metrics. */
export function xmlValueSchema(what: string): JsonSchema {
  const list = { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1 };
  return {
    description:
      `Optional element paths ${what} must contain, dot-separated from the root (\`order.items.item\`; a number ` +
      'picks one of repeated elements): a list, a comma-separated string, or `{ requiredElements: [...] }`.',
    anyOf: [
      { type: 'string', minLength: 1 },
      list,
      { type: 'object', additionalProperties: false, required: ['requiredElements'], properties: { requiredElements: list } },
    ],
  };
}

/** The required element paths, each split at its dots; empty when none are asked for. */
export function requiredElementsOf(id: string, value: XmlValue): string[][] {
  let items: string[] = [];
  if (typeof value === 'string') items = value.split(',');
  else if (Array.isArray(value)) items = value.map(String);
  else if (typeof value === 'object' && value !== null && Array.isArray(value.requiredElements)) {
    items = value.requiredElements.map(String);
  } else if (value !== undefined && value !== null) {
    throw new LlmlabError('CONFIG_INVALID', `${id}: \`value\` must list element paths`, {
      hint: `e.g. { type: ${id}, value: { requiredElements: [order.id, order.items] } } or value: "order.id, order.items"`,
    });
  }
  const paths = items.map((item) => item.trim()).filter((item) => item !== '');
  for (const path of paths) {
    if (path.split('.').some((part) => part === '')) {
      throw new LlmlabError('CONFIG_INVALID', `${id}: element path \`${path}\` has an empty segment`, {
        hint: 'write element names separated by single dots, e.g. order.items.item',
      });
    }
  }
  return paths.map((path) => path.split('.'));
}

const parser = new XMLParser({ ignoreAttributes: false, allowBooleanAttributes: true, parseTagValue: false });
const orderedParser = new XMLParser({ preserveOrder: true, ignoreAttributes: true, parseTagValue: false });

/**
 * The verdict on one XML text: well-formed with exactly one root element, and every required path present.
 * fast-xml-parser's validator accepts several root elements, which XML does not, so roots are counted apart.
 */
export function checkXml(text: string, required: readonly string[][]): MetricScore {
  const valid = XMLValidator.validate(text, { allowBooleanAttributes: true });
  if (valid !== true) {
    const { msg, line, col } = valid.err;
    return { pass: false, reason: `not well-formed XML: ${msg} (line ${line}, column ${col})` };
  }
  const roots = (orderedParser.parse(text) as Array<Record<string, unknown>>)
    .map((node) => Object.keys(node).find((key) => key !== ':@'))
    .filter((name): name is string => name !== undefined && !name.startsWith('?') && !name.startsWith('#') && !name.startsWith('!'));
  if (roots.length !== 1) {
    const found = roots.length === 0 ? 'no root element' : `${roots.length} root elements (${roots.slice(0, 3).join(', ')})`;
    return { pass: false, reason: `not an XML document: ${found}; XML has exactly one` };
  }
  const document = parser.parse(text) as unknown;
  const missing = required.filter((path) => !hasPath(document, path)).map((path) => path.join('.'));
  if (missing.length > 0) return { pass: false, reason: `well-formed XML, but missing element${missing.length === 1 ? '' : 's'} ${missing.join(', ')}` };
  const of = required.length > 0 ? ` with ${required.map((path) => path.join('.')).join(', ')}` : '';
  return { pass: true, reason: `well-formed XML, root <${roots[0]}>${of}` };
}

/**
 * Whether `path` leads somewhere in the parsed document. A repeated element is an array: a numeric segment picks
 * one, any other segment looks into each (promptfoo accepts only the number there).
 */
function hasPath(node: unknown, path: readonly string[]): boolean {
  if (path.length === 0) return true;
  if (Array.isArray(node)) {
    const [head = '', ...rest] = path;
    if (/^\d+$/.test(head)) return node.length > Number(head) && hasPath(node[Number(head)], rest);
    return node.some((item) => hasPath(item, path));
  }
  if (typeof node !== 'object' || node === null) return false;
  const [head = '', ...rest] = path;
  return Object.hasOwn(node, head) && hasPath((node as Record<string, unknown>)[head], rest);
}
