/**
 * The limit keys are declared once (src/providers/limit-keys.ts): every built-in provider's optionsSchema and both
 * schema files carry that declaration, and the resolver moves exactly those keys into `limits`.
 */
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { providerConfigSchema, SCHEMA_FILES_WITH_LIMITS, schemaFileUrl, withLimitKeys } from '../../src/config/limit-keys-schema.js';
import { loadProviderPlugin, providerTypes } from '../../src/providers/index.js';
import { LIMIT_KEY_SCHEMAS, LIMIT_KEYS } from '../../src/providers/limit-keys.js';
import { loadOk } from './helpers.js';

describe('the limit keys', () => {
  it.each(SCHEMA_FILES_WITH_LIMITS)('are what schemas/%s declares for a provider config', async (name) => {
    const text = await readFile(schemaFileUrl(name), 'utf8');
    if (withLimitKeys(text) !== text) {
      expect.fail(`schemas/${name} is stale (src/providers/limit-keys.ts changed): run \`npm run generate\``);
    }
    const schema = JSON.parse(text) as { $defs: { providerObject: { properties: { config: unknown } } } };
    expect(schema.$defs.providerObject.properties.config).toEqual(providerConfigSchema());
  });

  it('rewrites only the provider config node of a schema file', () => {
    const text = JSON.stringify({ a: 1, $defs: { providerObject: { properties: { id: {}, config: { type: 'object' } } } } }, null, 2);
    const synced = withLimitKeys(text);
    expect(JSON.parse(synced)).toEqual({ a: 1, $defs: { providerObject: { properties: { id: {}, config: providerConfigSchema() } } } });
    expect(withLimitKeys(synced)).toBe(synced);
    expect(() => withLimitKeys('{"type": "object"}')).toThrow(/no \$defs\/providerObject/);
  });

  it.each(providerTypes)('are merged into the optionsSchema of %s from their one declaration', async (type) => {
    const properties = (await loadProviderPlugin(type)).optionsSchema?.['properties'] as Record<string, unknown>;
    for (const key of LIMIT_KEYS) expect(properties[key], key).toBe(LIMIT_KEY_SCHEMAS[key]);
  });

  it("are shown in docs/providers.md's example, which loads as a suite", async () => {
    const page = await readFile(new URL('../../docs/providers.md', import.meta.url), 'utf8');
    const section = page.slice(page.indexOf('Every provider also takes engine settings'));
    const example = /```yaml\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
    const { suite } = await loadOk({ 'suite.yaml': `${example}prompts: [x]\ntests: [{}]\n` });
    const [provider] = suite.providers;
    expect(provider?.config).toEqual({ maxTokens: 512 });
    expect(provider?.limits).toMatchObject({ concurrency: 4, rpm: 500, tpm: 200_000 });
    for (const key of LIMIT_KEYS) expect(section.slice(0, section.indexOf('```')), key).toContain(`\`${key}\``);
  });

  it('are moved out of a provider config into its limits, and only they are', async () => {
    const config = Object.fromEntries(LIMIT_KEYS.map((key) => [key, key === 'maxRetries' ? 0 : 2]));
    const { suite } = await loadOk({
      'suite.yaml': `providers:\n  - id: mock\n    config: ${JSON.stringify({ ...config, default: 'hi' })}\nprompts: [x]\ntests: [{}]\n`,
    });
    const [provider] = suite.providers;
    expect(provider?.config).toEqual({ default: 'hi' });
    expect(provider?.limits).toEqual(config);
  });
});
