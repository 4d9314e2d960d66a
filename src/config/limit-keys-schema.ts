/**
 * Keeps the limit keys in schemas/suite.schema.json and schemas/config.schema.json in step with
 * src/providers/limit-keys.ts, their one declaration: `npm run generate` rewrites the provider `config` node of
 * both files, and a test fails while a file differs. The schema files stay the static JSON that editors read;
 * only that node is rewritten, so the rest of each file keeps its hand formatting.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { isNode, parseDocument } from 'yaml';
import { LIMIT_KEY_SCHEMAS, LIMIT_KEYS } from '../providers/limit-keys.js';
import { listNames } from './did-you-mean.js';

/** The schema files whose `$defs/providerObject` carries the limit keys. */
export const SCHEMA_FILES_WITH_LIMITS = ['suite.schema.json', 'config.schema.json', 'gateway.schema.json'] as const;

const CONFIG_NODE = ['$defs', 'providerObject', 'properties', 'config'];

/** Where a schema file is (the same from src/config and dist/config). */
export function schemaFileUrl(name: string): URL {
  return new URL(`../../schemas/${name}`, import.meta.url);
}

/** A provider's `config` as the schemas declare it: open (the provider checks its own options) plus the limit keys. */
export function providerConfigSchema(): Record<string, unknown> {
  return {
    type: 'object',
    description: `Options of this provider (model parameters, base URL, …), validated by the provider, plus the engine keys ${listNames(LIMIT_KEYS, 'and')}.`,
    properties: LIMIT_KEY_SCHEMAS,
  };
}

/** A schema file's text with its provider `config` node replaced by {@link providerConfigSchema}. */
export function withLimitKeys(text: string): string {
  // A YAML parse of the JSON text gives the node's exact source range, which JSON.parse does not.
  const node = parseDocument(text).getIn(CONFIG_NODE, true);
  if (!isNode(node) || !node.range) throw new Error(`schema has no ${CONFIG_NODE.join('/')}`);
  const [start, end] = node.range;
  const lineStart = text.lastIndexOf('\n', start - 1) + 1;
  const indent = /^[ \t]*/.exec(text.slice(lineStart, start))?.[0] ?? '';
  const json = JSON.stringify(providerConfigSchema(), null, 2).replaceAll('\n', `\n${indent}`);
  return `${text.slice(0, start)}${json}${text.slice(end)}`;
}

/** Rewrites the schema files whose limit keys are out of date; returns the names of those it rewrote. */
export async function syncLimitKeys(): Promise<string[]> {
  const written: string[] = [];
  for (const name of SCHEMA_FILES_WITH_LIMITS) {
    const text = await readFile(schemaFileUrl(name), 'utf8');
    const synced = withLimitKeys(text);
    if (synced === text) continue;
    await writeFile(schemaFileUrl(name), synced);
    written.push(name);
  }
  return written;
}
