/**
 * Schema checks with a fast path: a precompiled validator (src/config/generated/validators.ts) says yes or no
 * without compiling anything; only a value it rejects, or a schema it does not know, takes the explaining path
 * through Ajv, so the messages for invalid input are exactly the explainer's.
 */
import { validateValue } from './explain-errors.js';
import type { ExplainOptions, Problem } from './explain-errors.js';
import { precompiled } from './generated/validators.js';
import { BUILT_IN_REFS, builtInSchemas, pluginSchemas } from './schema-registry.js';
import type { BuiltInKey } from './schema-registry.js';

/** Validates `data` against one of llmlab's own schemas (a key of BUILT_IN_REFS); [] when it is valid. */
export function checkBuiltIn(key: BuiltInKey, data: unknown, options: ExplainOptions = {}): Problem[] {
  if (precompiled(key)?.(data)) return [];
  return validateValue(builtInSchemas(), BUILT_IN_REFS[key], data, options);
}

/**
 * Validates `data` against a built-in plugin's `optionsSchema`, registered as `key` (`provider:<id>` or
 * `metric:<id>`, the precompiled validator's key); [] when it is valid.
 */
export function checkPluginOptions(
  key: string,
  schema: Record<string, unknown>,
  data: unknown,
  options: ExplainOptions = {},
): Problem[] {
  if (precompiled(key)?.(data)) return [];
  const registry = pluginSchemas();
  return validateValue(registry, registry.add(schema, key), data, options);
}
