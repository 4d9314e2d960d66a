/**
 * `npm run generate`: rewrites src/config/generated/validators.ts from the schemas and the built-in plugins.
 * Run it after editing `schemas/*.schema.json` or a plugin's optionsSchema; a test fails until you do.
 */
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { currentValidatorInputs, GENERATED_VALIDATORS, validatorsSource } from './validators-source.js';

const inputs = await currentValidatorInputs();
await writeFile(GENERATED_VALIDATORS, validatorsSource(inputs));
console.log(`wrote ${fileURLToPath(GENERATED_VALIDATORS)}`);
