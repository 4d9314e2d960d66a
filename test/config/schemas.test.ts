/**
 * The JSON Schemas are the source of truth for validation and for editor completion: they compile under strict
 * Ajv 2020-12, describe every property, and close every structural object.
 */
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { loadSuite } from '../../src/config/load-suite.js';
import { project } from './helpers.js';

const root = new URL('../../', import.meta.url);
const load = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL(`schemas/${name}`, root), 'utf8')) as Record<string, unknown>;

/** Maps whose keys are the user's own (variables, metadata, provider options): open by design. */
const OPEN_MAPS = new Set([
  '/properties/vars',
  '/properties/metadata',
  '/properties/config',
  '/properties/metrics',
  // Maps keyed by model (`type:model`) and by provider.
  '/properties/prices',
  '/properties/perProvider',
  // A tool's `parameters`: a JSON Schema of the arguments, any keyword allowed (ajv checks it when the suite loads).
  '/properties/parameters',
  // A fine-tune recipe's hyperparameters and sweep (any keys for a local trainer's template), and a trainer's env.
  '/properties/hyperparameters',
  '/properties/sweep',
  '/properties/env',
  // A gateway's maps keyed by the user's names: virtual models, keys, experiments, arms, split shares, weights.
  '/properties/models',
  '/properties/keys',
  '/properties/experiments',
  '/properties/arms',
  '/properties/weights',
  '/properties/split/oneOf/1',
]);

function walk(node: unknown, pointer: string, visit: (schema: Record<string, unknown>, pointer: string) => void): void {
  if (typeof node !== 'object' || node === null) return;
  if (!Array.isArray(node)) visit(node as Record<string, unknown>, pointer);
  for (const [key, child] of Object.entries(node)) walk(child, `${pointer}/${key}`, visit);
}

/** The schema a local `#/$defs/x` reference points at. */
function follow(schema: Record<string, unknown>, ref: string): Record<string, unknown> {
  let at: unknown = schema;
  for (const part of ref.slice(2).split('/')) at = (at as Record<string, unknown>)[part];
  return at as Record<string, unknown>;
}

describe.each(['suite.schema.json', 'config.schema.json', 'gateway.schema.json'])('%s', (name) => {
  const schema = load(name);

  it('is a strict-valid JSON Schema 2020-12 with an $id', () => {
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.$id).toBe(`https://llmlab.dev/schemas/${name}`);
    const ajv = new Ajv2020({ strict: true, allErrors: true, allowUnionTypes: true });
    expect(() => ajv.compile(schema)).not.toThrow();
  });

  it('describes every property and closes every structural object', () => {
    const undocumented: string[] = [];
    const open: string[] = [];
    walk(schema, '', (node, pointer) => {
      if (node.properties && typeof node.properties === 'object') {
        for (const [key, property] of Object.entries(node.properties as Record<string, Record<string, unknown>>)) {
          const target = typeof property.$ref === 'string' ? follow(schema, property.$ref) : property;
          if (typeof target.description !== 'string') undocumented.push(`${pointer}/properties/${key}`);
        }
      }
      const isObject = node.type === 'object';
      if (isObject && node.additionalProperties !== false && ![...OPEN_MAPS].some((end) => pointer.endsWith(end))) {
        open.push(pointer || '/');
      }
    });
    expect(undocumented).toEqual([]);
    expect(open).toEqual([]);
  });
});

describe('the suite format of the issue', () => {
  it('loads the example from the issue unchanged', async () => {
    const suite = await loadSuite(new URL('test/fixtures/config/issue-example.yaml', root).pathname, project);
    expect(suite.providers.map((p) => [p.type, p.model, p.label])).toEqual([
      ['openai', 'gpt-4o-mini', 'openai:gpt-4o-mini'],
      ['anthropic', 'claude-3-5-haiku-latest', 'haiku'],
      ['ollama', 'llama3.2', 'ollama:llama3.2'],
    ]);
    expect(suite.tests[0]?.assert.map((a) => a.metric)).toEqual(['icontains', 'javascript', 'not-contains']);
  });
});
