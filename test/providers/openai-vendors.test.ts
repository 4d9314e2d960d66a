/**
 * The OpenAI-compatible vendor table (groq:, openrouter:, …) and extraBody: each vendor is a real provider type
 * with its base URL, key variable and prices, and a suite's ids reach the API as the model names the author meant.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createProviders } from '../../src/engine/instances.js';
import { LlmlabError, LlmlabErrors } from '../../src/errors.js';
import { isProviderType, loadProviderPlugin, providerTypes } from '../../src/providers/index.js';
import type { ProviderType } from '../../src/providers/index.js';
import openai from '../../src/providers/openai.js';
import { OPENAI_VENDORS, openaiVendorTypes } from '../../src/providers/openai-vendors.js';
import { PRICED_TYPES, priceOf } from '../../src/providers/prices.js';
import { startFakeOpenAI } from '../fakes/openai.js';
import type { FakeServer } from '../fakes/openai.js';
import { liveSignal, makeRequest, makeSpec, rejectionOf } from '../fakes/provider-spec.js';
import { loadOk } from '../config/helpers.js';
import { CONTRACT_SECRET, makeProviderSpec, testProvider } from '../fixtures/providers/test-provider.js';

const KEY = 'gsk-test-SECRET-0123456789abcdef';
let server: FakeServer;

beforeAll(async () => {
  server = await startFakeOpenAI({ apiKey: KEY });
});
afterAll(() => server.close());
beforeEach(() => {
  server.setBehaviour({ apiKey: KEY });
  server.requests.length = 0;
});

describe('the vendor table', () => {
  it('makes every vendor a registered provider type', async () => {
    for (const type of openaiVendorTypes) {
      expect(isProviderType(type)).toBe(true);
      expect(providerTypes).toContain(type);
      expect((await loadProviderPlugin(type)).id).toBe(type);
    }
  });

  it.each([
    ['groq', 'GROQ_API_KEY', 'https://api.groq.com/openai/v1'],
    ['openrouter', 'OPENROUTER_API_KEY', 'https://openrouter.ai/api/v1'],
    ['mistral', 'MISTRAL_API_KEY', 'https://api.mistral.ai/v1'],
  ])('%s reads %s and calls %s by default', async (type, keyEnv, baseUrl) => {
    const plugin = await loadProviderPlugin(type as ProviderType);
    const p = await plugin.create(makeSpec(type, 'some-model', {}, { [keyEnv]: 'k', OPENAI_API_KEY: 'not-this-one', OPENAI_BASE_URL: 'http://wrong' }));
    expect(p).toMatchObject({ type, model: 'some-model', identity: { baseUrl, model: 'some-model' } });
    const missing = await rejectionOf(Promise.resolve().then(() => plugin.create(makeSpec(type, 'some-model', {}, { OPENAI_API_KEY: 'k' }))));
    expect(missing).toBeInstanceOf(LlmlabError);
    expect((missing as LlmlabError).message).toBe(`${keyEnv} is not set (needed by provider ${type}:some-model)`);
  });

  it('needs no key for a local server', async () => {
    const p = await (await loadProviderPlugin('vllm')).create(makeSpec('vllm', 'm', {}, {}));
    expect(p.identity).toMatchObject({ baseUrl: 'http://localhost:8000/v1' });
  });

  it('prices cloud vendors from their profiles, with a source and date, and never local servers', () => {
    for (const [type, vendor] of Object.entries(OPENAI_VENDORS)) {
      const local = 'local' in vendor && vendor.local;
      expect(PRICED_TYPES.has(type), type).toBe(!local);
      if (local) continue;
      const profile = parse(readFileSync(join(import.meta.dirname, '../../providers', `${type}.yaml`), 'utf8'));
      expect(profile, type).toMatchObject({ type, source: expect.stringMatching(/^https:\/\//), asOf: expect.anything() });
    }
    expect(priceOf('groq', 'llama-3.1-8b-instant')).toMatchObject({ input: 0.05, output: 0.08 });
    expect(priceOf('openrouter', 'meta-llama/llama-3.1-8b-instruct:free')).toMatchObject({ input: 0, output: 0 });
    expect(priceOf('vllm', 'anything')).toBeUndefined();
  });
});

describe('ids as a suite writes them reach the API as the model meant', () => {
  it('sends groq:chat:X as model X with the groq key, and openai:chat:Y as model Y', async () => {
    const files = {
      'suite.yaml': [
        'providers:',
        '  - id: groq:chat:llama-3.1-8b-instant',
        `    config: { baseUrl: "${server.url}/v1" }`,
        '  - id: openai:chat:gpt-4o-mini',
        `    config: { baseUrl: "${server.url}/v1" }`,
        'prompts: ["x"]',
        'tests: [{}]',
        '',
      ].join('\n'),
    };
    const { suite } = await loadOk(files);
    const providers = await createProviders(suite, { GROQ_API_KEY: KEY, OPENAI_API_KEY: KEY });
    for (const p of providers.values()) await p.generate(makeRequest('hi'), { signal: liveSignal() });
    expect(server.requests.map((r) => [r.body.model, r.headers.authorization])).toEqual([
      ['llama-3.1-8b-instant', `Bearer ${KEY}`],
      ['gpt-4o-mini', `Bearer ${KEY}`],
    ]);
    expect(providers.get('groq:chat:llama-3.1-8b-instant')).toMatchObject({ id: 'groq:chat:llama-3.1-8b-instant', type: 'groq', model: 'llama-3.1-8b-instant' });
  });
});

describe('extraBody', () => {
  it('adds its fields to the request and the identity, and never replaces model or messages', async () => {
    const extraBody = { reasoning_effort: 'low', temperature: 0.5, model: 'other', messages: [] };
    const p = await openai.create(makeSpec('openai', 'gpt-4o-mini', { baseUrl: `${server.url}/v1`, temperature: 0, extraBody }, { OPENAI_API_KEY: KEY }));
    await p.generate(makeRequest('hi'), { signal: liveSignal() });
    expect(server.requests[0]?.body).toEqual({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'hi' }],
      temperature: 0.5,
      reasoning_effort: 'low',
    });
    expect(p.identity).toMatchObject({ model: 'gpt-4o-mini', temperature: 0.5, reasoning_effort: 'low' });
  });

  it('is refused at its provider when it names model or messages', async () => {
    const files = {
      'suite.yaml': [
        'providers:',
        '  - { id: groq:llama-3.1-8b-instant, config: { extraBody: { model: x } } }',
        '  - { id: groq:llama-3.3-70b-versatile, config: { extraBody: { messages: [] } } }',
        'prompts: ["x"]',
        'tests: [{}]',
        '',
      ].join('\n'),
    };
    const error = await rejectionOf(loadOk(files));
    expect(error).toBeInstanceOf(LlmlabErrors);
    expect((error as LlmlabErrors).errors.map((e) => [e.where?.line, e.message, e.hint])).toEqual([
      [2, 'config.extraBody sets `model`, which llmlab sends itself (providers[0].id)', 'the model comes from the id and the messages from the prompt: remove them from extraBody'],
      [3, 'config.extraBody sets `messages`, which llmlab sends itself (providers[1].id)', 'the model comes from the id and the messages from the prompt: remove them from extraBody'],
    ]);
  });
});

testProvider('groq', ({ slow }) =>
  makeProviderSpec('groq:llama-3.1-8b-instant', {
    baseUrl: `${(slow ? contract.slow : contract.fast).url}/v1`,
    apiKeyEnv: 'CONTRACT_KEY',
  }),
);
const contract = {} as { fast: FakeServer; slow: FakeServer };
beforeAll(async () => {
  contract.fast = await startFakeOpenAI({ apiKey: CONTRACT_SECRET, record: false });
  contract.slow = await startFakeOpenAI({ apiKey: CONTRACT_SECRET, record: false, latencyMs: 60_000 });
});
afterAll(async () => {
  await Promise.all([contract.fast.close(), contract.slow.close()]);
});
