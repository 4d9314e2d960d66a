/**
 * JSON Schema validation for `is-json` and `contains-json`: one shared ajv (2020-12, with formats), schemas
 * compiled once per assertion, and errors described in one line. Not a metric itself.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ErrorObject, ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { LlmlabError } from '../errors.js';

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

/** Compiles an assertion's schema value; `id` names the metric in the config error a bad schema gets. */
export function compileJsonSchema(id: string, schema: unknown): ValidateFunction {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) {
    throw new LlmlabError('CONFIG_INVALID', `${id} \`value\` must be a JSON Schema object`, {
      hint: `e.g. value: { type: object, required: [answer] }; leave value out to only check that the output ${
        id === 'is-json' ? 'is' : 'contains'
      } JSON`,
    });
  }
  try {
    return compileWithAjv(schema);
  } catch (error) {
    throw new LlmlabError('CONFIG_INVALID', `${id} schema is invalid: ${(error as Error).message}`, {
      hint: 'the value must be a JSON Schema (draft 2020-12), e.g. { type: object, required: [answer] }',
      cause: error,
    });
  }
}

/** The first few validation errors with their paths, e.g. `/age must be >= 0; / has unexpected property "x"`. */
export function describeSchemaErrors(errors: ErrorObject[]): string {
  const shown = errors.slice(0, ERRORS_SHOWN).map((e) => {
    const at = e.instancePath || '/';
    // ajv's own message does not name the extra property.
    if (e.keyword === 'additionalProperties') return `${at} has unexpected property "${e.params.additionalProperty}"`;
    return `${at} ${e.message ?? 'is invalid'}`;
  });
  const more = errors.length > ERRORS_SHOWN ? ` (+${errors.length - ERRORS_SHOWN} more)` : '';
  return shown.join('; ') + more;
}
