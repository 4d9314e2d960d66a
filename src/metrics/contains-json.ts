/**
 * `contains-json`: somewhere in the output is a JSON object or array — prose around it, a ``` fence, anything.
 * The first balanced `{…}` or `[…]` (brackets inside JSON strings ignored) that parses is the one found, and
 * an optional value is a JSON Schema (2020-12) that this JSON must satisfy. See `is-json` for output that must
 * be JSON and nothing else.
 */
import type { ValidateFunction } from 'ajv';
import { defineMetric } from '../types.js';
import { compileJsonSchema, describeSchemaErrors } from './json-schema.js';

// Characters examined over all candidates: an output of thousands of unclosed brackets would otherwise cost
// O(n²) to search, once per cell.
const SCAN_BUDGET = 2_000_000;
const SHOWN = 60;

interface Found {
  value: unknown;
  text: string;
  at: number;
}

/**
 * Index just past the bracket that closes the one at `start`, or -1 when it is never closed, is closed by the
 * wrong kind, or a string breaks across a line (never valid JSON). Consumes `budget.left`.
 */
function balancedEnd(text: string, start: number, budget: { left: number }): number {
  const closers: string[] = [];
  let inString = false;
  for (let i = start; i < text.length; i++) {
    if (--budget.left < 0) return -1;
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      else if (c === '\n') return -1;
    } else if (c === '"') inString = true;
    else if (c === '{') closers.push('}');
    else if (c === '[') closers.push(']');
    else if (c === '}' || c === ']') {
      if (closers.pop() !== c) return -1;
      if (closers.length === 0) return i + 1;
    }
  }
  return -1;
}

/** The first JSON object or array embedded in `text`, in order of where it starts. */
export function findJson(text: string): Found | undefined {
  const budget = { left: SCAN_BUDGET };
  const opening = /[{[]/g;
  for (let match = opening.exec(text); match && budget.left > 0; match = opening.exec(text)) {
    const end = balancedEnd(text, match.index, budget);
    if (end < 0) continue;
    const candidate = text.slice(match.index, end);
    try {
      return { value: JSON.parse(candidate), text: candidate, at: match.index };
    } catch {
      // Balanced but not JSON (`[citation needed]`, `{name}`): look further.
    }
  }
  return undefined;
}

function describe(found: Found): string {
  const kind = Array.isArray(found.value) ? 'array' : 'object';
  const shown = found.text.length > SHOWN ? `${found.text.slice(0, SHOWN)}…` : found.text;
  return `JSON ${kind} ${shown} at ${found.at}`;
}

export default defineMetric<unknown, ValidateFunction | undefined>({
  id: 'contains-json',
  optionsSchema: {
    description:
      'Optional JSON Schema (draft 2020-12) that the first JSON object or array found in the output must satisfy.',
    type: 'object',
  },
  prepare: (value) => (value === undefined || value === null ? undefined : compileJsonSchema('contains-json', value)),
  score: ({ output, value: validate }) => {
    const found = findJson(output);
    if (!found) return { pass: false, reason: 'no JSON object or array found in the output' };
    if (!validate) return { pass: true, reason: `found ${describe(found)}` };
    if (validate(found.value)) return { pass: true, reason: `found ${describe(found)}, matching the schema` };
    const errors = describeSchemaErrors(validate.errors ?? []);
    return { pass: false, reason: `found ${describe(found)}, but it does not match the schema: ${errors}` };
  },
});
