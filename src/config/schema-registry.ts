/**
 * One Ajv (JSON Schema 2020-12) instance for llmlab's own schemas (`schemas/*.json`, strict) and one for plugin
 * option schemas (lenient: a user's plugin should not crash llmlab with a schema style nit). Both remember where
 * every sub-schema sits, so the error explainer can re-validate one branch of a union on its own.
 *
 * Valid input never gets here: src/config/check-value.ts tries the precompiled validators first, so ajv's
 * compiler is loaded (lazily, below) only to explain a problem or to check a schema nothing precompiled.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Ajv2020, Options, ValidateFunction } from 'ajv/dist/2020.js';

const require = createRequire(import.meta.url);

/** Ajv options shared by the registries and the precompiled validators (src/config/validators-source.ts). */
export function ajvOptions(strict: boolean): Options {
  return { strict, allowUnionTypes: true };
}

/** An Ajv instance plus an index from each sub-schema object to its `key#/pointer`. */
export class SchemaRegistry {
  private readonly ajv: Ajv2020;
  private readonly refs = new WeakMap<object, string>();
  private readonly keys = new WeakMap<object, string>();
  private readonly roots = new Map<string, unknown>();
  private readonly validators = new Map<string, ValidateFunction>();
  private count = 0;

  constructor(strict: boolean) {
    // Required here rather than imported: loading ajv's compiler costs ~20 ms that a valid suite does not need.
    const { Ajv2020 } = require('ajv/dist/2020.js') as typeof import('ajv/dist/2020.js');
    this.ajv = new Ajv2020({ ...ajvOptions(strict), allErrors: true, verbose: true });
  }

  /** Registers a schema under `key` (or its `$id`) and returns the key; a schema object is registered once. */
  add(schema: Record<string, unknown>, key?: string): string {
    const known = this.keys.get(schema);
    if (known !== undefined) return known;
    const id = typeof schema.$id === 'string' ? schema.$id : (key ?? `schema-${++this.count}`);
    this.ajv.addSchema(schema, typeof schema.$id === 'string' ? undefined : id);
    this.keys.set(schema, id);
    this.roots.set(id, schema);
    this.index(schema, id, '');
    return id;
  }

  /** The compiled validator of `key#/pointer`. */
  validator(ref: string): ValidateFunction {
    let validate = this.validators.get(ref);
    if (!validate) {
      validate = this.ajv.getSchema(ref);
      if (!validate) throw new Error(`no schema at ${ref}`);
      this.validators.set(ref, validate);
    }
    return validate;
  }

  /** `key#/pointer` of a registered sub-schema object (as found in an Ajv error's `parentSchema`). */
  refOf(schema: unknown): string | undefined {
    return typeof schema === 'object' && schema !== null ? this.refs.get(schema) : undefined;
  }

  /** Follows a local `$ref` (`#/$defs/x`) within the registered schema that holds `schema`. */
  resolve(schema: unknown): unknown {
    if (typeof schema !== 'object' || schema === null) return schema;
    const ref = (schema as Record<string, unknown>).$ref;
    const at = this.refs.get(schema);
    if (typeof ref !== 'string' || !ref.startsWith('#') || at === undefined) return schema;
    let target = this.roots.get(at.slice(0, at.indexOf('#')));
    for (const part of ref.slice(1).split('/').filter(Boolean)) {
      const name = decodeURIComponent(part).replace(/~1/g, '/').replace(/~0/g, '~');
      target = typeof target === 'object' && target !== null ? (target as Record<string, unknown>)[name] : undefined;
    }
    return target === undefined || target === schema ? schema : this.resolve(target);
  }

  private index(node: unknown, key: string, pointer: string): void {
    if (typeof node !== 'object' || node === null || this.refs.has(node)) return;
    this.refs.set(node, `${key}#${pointer}`);
    for (const [name, child] of Object.entries(node)) {
      this.index(child, key, `${pointer}/${name.replace(/~/g, '~0').replace(/\//g, '~1')}`);
    }
  }
}

let builtIn: SchemaRegistry | undefined;
let plugins: SchemaRegistry | undefined;

/** Schema ids of llmlab's own schemas, loaded from the package's `schemas/` folder. */
export const SUITE_SCHEMA = 'https://llmlab.dev/schemas/suite.schema.json';
export const CONFIG_SCHEMA = 'https://llmlab.dev/schemas/config.schema.json';
export const GATEWAY_SCHEMA = 'https://llmlab.dev/schemas/gateway.schema.json';

/**
 * Every ref into llmlab's own schemas that the loaders validate a value against, by precompiled-validator key:
 * the suite and config files, one dataset row, a `.json` prompt's messages list, a jailbreak goals file and a
 * prompt's `tools` file.
 */
export const BUILT_IN_REFS = {
  suite: SUITE_SCHEMA,
  config: CONFIG_SCHEMA,
  gateway: GATEWAY_SCHEMA,
  'suite:test': `${SUITE_SCHEMA}#/$defs/test`,
  'suite:messages': `${SUITE_SCHEMA}#/$defs/prompt/oneOf/2/properties/messages`,
  'suite:attackGoals': `${SUITE_SCHEMA}#/$defs/attack/properties/goals/oneOf/1`,
  'suite:tools': `${SUITE_SCHEMA}#/$defs/toolList`,
} as const;

/** A key of BUILT_IN_REFS. */
export type BuiltInKey = keyof typeof BUILT_IN_REFS;

/** `schemas/suite.schema.json` and `schemas/config.schema.json`, parsed. */
export function readBuiltInSchemas(): Record<string, unknown>[] {
  return ['suite.schema.json', 'config.schema.json', 'gateway.schema.json'].map(readSchemaFile);
}

/** One file of the package's `schemas/` folder, parsed. */
export function readSchemaFile(name: string): Record<string, unknown> {
  // src/config and dist/config both sit two levels below the package root, beside `schemas/`.
  const url = new URL(`../../schemas/${name}`, import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')) as Record<string, unknown>;
}

/** The registry holding `schemas/suite.schema.json` and `schemas/config.schema.json`. */
export function builtInSchemas(): SchemaRegistry {
  if (!builtIn) {
    const registry = new SchemaRegistry(true);
    for (const schema of readBuiltInSchemas()) registry.add(schema);
    builtIn = registry;
  }
  return builtIn;
}

/** The registry for plugins' `optionsSchema`s. */
export function pluginSchemas(): SchemaRegistry {
  plugins ??= new SchemaRegistry(false);
  return plugins;
}
