/**
 * `is-json`: the output parses as JSON (surrounding whitespace allowed, and so is one fenced ```json block that
 * makes up the whole output, as chat models like to send). An optional value is a JSON Schema (2020-12) the
 * parsed value must satisfy; it is compiled once per assertion.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ErrorObject, ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { LlmlabError } from '../errors.js';
import { defineMetric } from '../types.js';

const FENCE = /^```(?:json)?[ \t]*\r?\n?([\s\S]*?)\r?\n?[ \t]*```$/i;
const ERRORS_SHOWN = 3;

// One ajv for every schema: its first compile costs ~15 ms (meta-schema, formats), later ones well under 1 ms.
// It keeps every schema it compiled, so it is replaced now and then to stay small in a long watch session.
const RENEW_AFTER = 500;
let shared: { ajv: Ajv2020; compiled: number } | undefined;

function createAjv(): Ajv2020 {
  // Not strict: schemas copied from OpenAPI documents carry annotations (`example`, `x-*`) ajv would reject.
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  addFormats.default(ajv);
  return ajv;
}

function compileWithAjv(schema: object): ValidateFunction {
  if (!shared || shared.compiled >= RENEW_AFTER) shared = { ajv: createAjv(), compiled: 0 };
  shared.compiled++;
  try {
    return shared.ajv.compile(schema);
  } catch (error) {
    // Two assertions may use different schemas under the same `$id`; the registry holds one per id.
    if (!/already exists/.test((error as Error).message)) throw error;
    return createAjv().compile(schema);
  }
}

function compile(schema: unknown): ValidateFunction {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) {
    throw new LlmlabError('CONFIG_INVALID', 'is-json `value` must be a JSON Schema object', {
      hint: 'e.g. value: { type: object, required: [answer] }; leave value out to only check that the output is JSON',
    });
  }
  try {
    return compileWithAjv(schema);
  } catch (error) {
    throw new LlmlabError('CONFIG_INVALID', `is-json schema is invalid: ${(error as Error).message}`, {
      hint: 'the value must be a JSON Schema (draft 2020-12), e.g. { type: object, required: [answer] }',
      cause: error,
    });
  }
}

function describeErrors(errors: ErrorObject[]): string {
  const shown = errors.slice(0, ERRORS_SHOWN).map((e) => {
    const at = e.instancePath || '/';
    // ajv's own message does not name the extra property.
    if (e.keyword === 'additionalProperties') return `${at} has unexpected property "${e.params.additionalProperty}"`;
    return `${at} ${e.message ?? 'is invalid'}`;
  });
  const more = errors.length > ERRORS_SHOWN ? ` (+${errors.length - ERRORS_SHOWN} more)` : '';
  return shown.join('; ') + more;
}

export default defineMetric<unknown, ValidateFunction | undefined>({
  id: 'is-json',
  optionsSchema: {
    description: 'Optional JSON Schema (draft 2020-12) the parsed output must satisfy.',
    type: 'object',
  },
  prepare: (value) => (value === undefined || value === null ? undefined : compile(value)),
  score: ({ output, value: validate }) => {
    const trimmed = output.trim();
    const fenced = FENCE.exec(trimmed);
    const text = fenced ? (fenced[1] ?? '') : trimmed;
    const where = fenced ? ' (inside a ``` fence)' : '';
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      return { pass: false, reason: `not valid JSON${where}: ${(error as Error).message}` };
    }
    if (!validate) return { pass: true, reason: `valid JSON${where}` };
    if (validate(parsed)) return { pass: true, reason: `valid JSON${where} matching the schema` };
    return { pass: false, reason: `JSON${where} does not match the schema: ${describeErrors(validate.errors ?? [])}` };
  },
});
