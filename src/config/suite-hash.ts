/**
 * The suite hash: what "the same suite" means across runs (`--resume`, comparisons). It covers what changes
 * the cells (providers, prompts, tests, repeat) and nothing about how the YAML was written.
 */
import { createHash } from 'node:crypto';
import { isMediaRef } from '../types.js';
import type { ResolvedSuite } from './types.js';

/**
 * JSON with object keys sorted at every level and `undefined` left out, so equal values hash equally. A piece of
 * media is its bytes' identity (kind, hash, type), not its name or stored path: renaming an image keeps test ids
 * and the suite hash, and new bytes under the same name change them.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (isMediaRef(value)) return `{"$media":${JSON.stringify(value.$media)},"hash":${JSON.stringify(value.hash)},"mimeType":${JSON.stringify(value.mimeType)}}`;
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return canonicalJson(JSON.parse(JSON.stringify(value)));
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item)).join(',')}]`;
  const parts: string[] = [];
  for (const key of Object.keys(value).sort()) {
    const item = (value as Record<string, unknown>)[key];
    if (item !== undefined && typeof item !== 'function') parts.push(`${JSON.stringify(key)}:${canonicalJson(item)}`);
  }
  return `{${parts.join(',')}}`;
}

/** sha256 (hex) of the resolved content; execution limits and source positions are not part of it. */
export function suiteHash(suite: Pick<ResolvedSuite, 'providers' | 'prompts' | 'tests' | 'repeat'>): string {
  const hash = createHash('sha256');
  hash.update(
    canonicalJson({
      // A tuned model's point hash covers its training data: new data is a different model, so a different suite.
      providers: suite.providers.map(({ id, type, model, label, config, finetune }) => ({ id, type, model, label, config, finetune })),
      prompts: suite.prompts.map(({ id, template, messages, tools, toolChoice }) => ({ id, template, messages, tools, toolChoice })),
      repeat: suite.repeat,
    }),
  );
  // Test by test: a 100,000-test suite never becomes one giant string.
  for (const test of suite.tests) {
    const assert = test.assert.map(({ source: _where, ...assertion }) => assertion);
    hash.update(`\n${canonicalJson({ ...test, assert })}`);
  }
  return hash.digest('hex');
}
