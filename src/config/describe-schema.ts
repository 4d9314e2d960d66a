/**
 * Plain-English renderings of JSON Schema fragments and of YAML values, for error messages:
 * `{ type: integer, minimum: 1 }` → "an integer ≥ 1"; `"three"` → `"three"`; `[]` → "an empty list".
 */
import { listNames } from './did-you-mean.js';
import type { PathSegment } from './yaml-source.js';

type Schema = Record<string, unknown>;

/** What a schema accepts, as a noun phrase. `resolve` follows `$ref`s. */
export function describeSchema(schema: unknown, resolve: (schema: unknown) => unknown = (s) => s): string {
  const s = resolve(schema);
  if (!isObject(s)) return s === false ? 'nothing' : 'any value';
  if (typeof s.title === 'string') return s.title;
  if (Array.isArray(s.enum)) return `one of ${listNames(s.enum.map(String))}`;
  if ('const' in s) return `\`${String(s.const)}\``;
  const union = (s.oneOf ?? s.anyOf) as unknown[] | undefined;
  if (Array.isArray(union)) return describeUnion(union, resolve);
  const types = typeof s.type === 'string' ? [s.type] : Array.isArray(s.type) ? (s.type as string[]) : [];
  if (types.length === 0) return 'any value';
  return joinOr(types.map((type) => describeType(type, s)));
}

/** Object branches told apart by one required key read as "an object with `a`, `b` or `c`". */
function describeUnion(branches: unknown[], resolve: (schema: unknown) => unknown): string {
  const phrases: string[] = [];
  const keyed: string[] = [];
  for (const branch of branches) {
    const b = resolve(branch);
    const required = isObject(b) && b.type === 'object' && Array.isArray(b.required) ? (b.required as string[]) : [];
    if (isObject(b) && typeof b.title !== 'string' && required.length === 1) keyed.push(required[0] as string);
    else phrases.push(describeSchema(b, resolve));
  }
  if (keyed.length > 0) phrases.push(`an object with ${listNames(keyed)}`);
  return joinOr([...new Set(phrases)]);
}

function describeType(type: string, s: Schema): string {
  switch (type) {
    case 'integer':
      return `an integer${describeRange(s)}`;
    case 'number':
      return `a number${describeRange(s)}`;
    case 'string': {
      const base = typeof s.minLength === 'number' && s.minLength > 0 ? 'a non-empty string' : 'a string';
      return typeof s.pattern === 'string' ? `${base} matching /${s.pattern}/` : base;
    }
    case 'array':
      return typeof s.minItems === 'number' && s.minItems > 0 ? 'a non-empty list' : 'a list';
    case 'object':
      return 'an object';
    case 'boolean':
      return 'true or false';
    case 'null':
      return 'null';
    default:
      return type;
  }
}

function describeRange(s: Schema): string {
  const min = typeof s.minimum === 'number' ? s.minimum : undefined;
  const max = typeof s.maximum === 'number' ? s.maximum : undefined;
  const exclusiveMin = typeof s.exclusiveMinimum === 'number' ? s.exclusiveMinimum : undefined;
  const exclusiveMax = typeof s.exclusiveMaximum === 'number' ? s.exclusiveMaximum : undefined;
  if (min !== undefined && max !== undefined) return ` between ${min} and ${max}`;
  const parts: string[] = [];
  if (min !== undefined) parts.push(`≥ ${min}`);
  if (exclusiveMin !== undefined) parts.push(`> ${exclusiveMin}`);
  if (max !== undefined) parts.push(`≤ ${max}`);
  if (exclusiveMax !== undefined) parts.push(`< ${exclusiveMax}`);
  return parts.length > 0 ? ` ${parts.join(' and ')}` : '';
}

function joinOr(phrases: string[]): string {
  if (phrases.length <= 1) return phrases.join('');
  return `${phrases.slice(0, -1).join(', ')} or ${phrases.at(-1)}`;
}

const SHOWN = 40;

/** A value as a message shows it after "got": scalars literally (strings quoted, long ones cut), else its kind. */
export function showValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return value.length === 0 ? 'an empty list' : 'a list';
  if (isObject(value)) return Object.keys(value).length === 0 ? 'an empty object' : 'an object';
  if (typeof value === 'string') {
    return value.length > SHOWN ? `${JSON.stringify(value.slice(0, SHOWN))}…` : JSON.stringify(value);
  }
  return String(value);
}

/** `['tests', 0, 'assert']` → `tests[0].assert`; keys that are not identifiers are quoted. */
export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
