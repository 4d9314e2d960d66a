/**
 * `npm run generate` (after the validators): rewrites src/schema-types/*.ts, the TypeScript types of the suite and
 * config files, from `schemas/*.schema.json`. Run it after editing a schema; a test fails until you do.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { schemaOf, SCHEMA_TYPES_FILES } from './schema-type-files.js';
import { schemaTypesSource } from './schema-types-source.js';

for (const file of SCHEMA_TYPES_FILES) {
  await mkdir(new URL('.', file.output), { recursive: true });
  await writeFile(file.output, schemaTypesSource(schemaOf(file), file));
  console.log(`wrote ${fileURLToPath(file.output)}`);
}
