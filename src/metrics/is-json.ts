/**
 * `is-json`: the output parses as JSON (surrounding whitespace allowed, and so is one fenced ```json block that
 * makes up the whole output, as chat models like to send). An optional value is a JSON Schema (2020-12) the
 * parsed value must satisfy; it is compiled once per assertion.
 */
import type { ValidateFunction } from 'ajv';
import { defineMetric } from '../types.js';
import { compileJsonSchema, describeSchemaErrors } from './json-schema.js';

const FENCE = /^```(?:json)?[ \t]*\r?\n?([\s\S]*?)\r?\n?[ \t]*```$/i;

export default defineMetric<unknown, ValidateFunction | undefined>({
  id: 'is-json',
  optionsSchema: {
    description: 'Optional JSON Schema (draft 2020-12) the parsed output must satisfy.',
    type: 'object',
  },
  prepare: (value) => (value === undefined || value === null ? undefined : compileJsonSchema('is-json', value)),
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
    const errors = describeSchemaErrors(validate.errors ?? []);
    return { pass: false, reason: `JSON${where} does not match the schema: ${errors}` };
  },
});
