/**
 * `npm run generate`: brings the limit keys of `schemas/*.schema.json` up to date with
 * src/providers/limit-keys.ts, then rewrites src/config/generated/validators.ts from the schemas and the built-in
 * plugins. Run it after editing a schema, the limit keys or a plugin's optionsSchema; a test fails until you do.
 */
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { schemaFileUrl, syncLimitKeys } from './limit-keys-schema.js';
import { currentValidatorInputs, GENERATED_VALIDATORS, validatorsSource } from './validators-source.js';

// First: the validators are compiled from the schema files this may rewrite.
for (const name of await syncLimitKeys()) console.log(`wrote ${fileURLToPath(schemaFileUrl(name))}`);
const inputs = await currentValidatorInputs();
await writeFile(GENERATED_VALIDATORS, validatorsSource(inputs));
console.log(`wrote ${fileURLToPath(GENERATED_VALIDATORS)}`);
