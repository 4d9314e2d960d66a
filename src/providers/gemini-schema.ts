/**
 * JSON Schema (as OpenAI function tools and judge verdicts write it) → the OpenAPI subset Gemini's `Schema`
 * accepts. Gemini rejects a whole request over one keyword it does not know (`additionalProperties`, `$schema`,
 * `const`, `$ref`, …), so unknown keywords are dropped, and the common ones with a Gemini spelling converted:
 * `const` → a one-value `enum`, `type: [x, "null"]` → `nullable`, `oneOf` → `anyOf`, local `$ref`s inlined.
 */
import type { JsonSchema } from '../types.js';

/** Keywords Gemini's Schema object has, copied as they are (after their sub-schemas are converted). */
const KEPT = new Set([
  'type',
  'format',
  'title',
  'description',
  'nullable',
  'enum',
  'maxItems',
  'minItems',
  'required',
  'minProperties',
  'maxProperties',
  'minLength',
  'maxLength',
  'pattern',
  'example',
  'default',
  'minimum',
  'maximum',
  'propertyOrdering',
]);

/** `$ref`s deeper than this are cut off (a recursive schema would otherwise never end). */
const MAX_REF_DEPTH = 8;

/** The Gemini form of `schema`; `schema` itself is not changed. */
export function toGeminiSchema(schema: JsonSchema): JsonSchema {
  const defs = { ...asObject(schema['definitions']), ...asObject(schema['$defs']) };
  return convert(schema, defs, 0);
}

function convert(input: JsonSchema, defs: Record<string, unknown>, refDepth: number): JsonSchema {
  // Each `$ref` followed counts against the children too, so a recursive schema ends.
  const [schema, depth] = resolveRef(input, defs, refDepth);
  const out: JsonSchema = {};
  const type = schema['type'];
  if (Array.isArray(type)) {
    // Gemini has one type per schema and `nullable` for "or null"; several real types become anyOf.
    const types = type.filter((t): t is string => typeof t === 'string' && t !== 'null');
    if (types.length < type.length) out['nullable'] = true;
    if (types.length === 1) out['type'] = types[0];
    else if (types.length > 1) out['anyOf'] = types.map((t) => ({ type: t }));
  }
  for (const [key, value] of Object.entries(schema)) {
    if (value === undefined || value === null) continue;
    if (key === 'type' && Array.isArray(value)) continue;
    if (key === 'properties') out['properties'] = convertMap(value, defs, depth);
    else if (key === 'items' && isObject(value)) out['items'] = convert(value, defs, depth);
    else if ((key === 'anyOf' || key === 'oneOf') && Array.isArray(value)) out['anyOf'] = convertAlternatives(value, defs, depth, out);
    else if (key === 'allOf' && Array.isArray(value)) mergeAllOf(out, value, defs, depth);
    else if (key === 'const') out['enum'] = [String(value)];
    else if (key === 'enum' && Array.isArray(value)) {
      // Gemini enums are strings only; a numeric enum keeps its type and loses the list.
      if (value.every((v) => typeof v === 'string')) out['enum'] = value;
    } else if (KEPT.has(key)) out[key] = value;
  }
  const alternatives = out['anyOf'];
  if (Array.isArray(alternatives) && alternatives.length === 1 && out['type'] === undefined) {
    // `oneOf: [X, {type: null}]` is X, nullable: one alternative is no choice.
    delete out['anyOf'];
    for (const [key, value] of Object.entries(alternatives[0] as JsonSchema)) out[key] ??= value;
  }
  if (Array.isArray(out['enum']) && out['type'] === undefined) out['type'] = 'string';
  if (Array.isArray(out['required']) && isObject(out['properties'])) {
    // A required name without a property is an error to Gemini (it can follow from dropped keywords).
    const names = new Set(Object.keys(out['properties']));
    out['required'] = (out['required'] as unknown[]).filter((name) => typeof name === 'string' && names.has(name));
  }
  return out;
}

function convertMap(value: unknown, defs: Record<string, unknown>, depth: number): JsonSchema {
  return Object.fromEntries(
    Object.entries(asObject(value)).map(([name, sub]) => [name, isObject(sub) ? convert(sub, defs, depth) : {}]),
  );
}

/** `anyOf`/`oneOf` members; a `{type: null}` member turns into `nullable` on the parent. */
function convertAlternatives(value: unknown[], defs: Record<string, unknown>, depth: number, parent: JsonSchema): JsonSchema[] {
  const members = value.filter(isObject);
  const real = members.filter((m) => m['type'] !== 'null');
  if (real.length < members.length) parent['nullable'] = true;
  return real.map((m) => convert(m, defs, depth));
}

function mergeAllOf(out: JsonSchema, value: unknown[], defs: Record<string, unknown>, depth: number): void {
  for (const member of value.filter(isObject)) {
    const converted = convert(member, defs, depth);
    for (const [key, sub] of Object.entries(converted)) {
      if (key === 'properties') out['properties'] = { ...asObject(out['properties']), ...asObject(sub) };
      else if (key === 'required') out['required'] = [...((out['required'] as unknown[]) ?? []), ...(sub as unknown[])];
      else out[key] ??= sub;
    }
  }
}

/**
 * The target of a local `$ref` (`#/$defs/x`, `#/definitions/x`) merged under the referring schema's own keys, and
 * the ref depth reached. An unknown or too deep ref becomes a bare object: Gemini cannot follow refs at all.
 */
function resolveRef(schema: JsonSchema, defs: Record<string, unknown>, depth: number): [JsonSchema, number] {
  const ref = schema['$ref'];
  if (typeof ref !== 'string') return [schema, depth];
  const { $ref: _ref, ...rest } = schema;
  const name = /^#\/(?:\$defs|definitions)\/(.+)$/.exec(ref)?.[1];
  const target = name === undefined ? undefined : defs[decodeURIComponent(name)];
  if (!isObject(target) || depth >= MAX_REF_DEPTH) return [{ type: 'object', ...rest }, depth];
  const [resolved, reached] = resolveRef(target, defs, depth + 1);
  return [{ ...resolved, ...rest }, reached];
}

function isObject(value: unknown): value is JsonSchema {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function asObject(value: unknown): Record<string, unknown> {
  return isObject(value) ? value : {};
}
