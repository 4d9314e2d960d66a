/**
 * Azure OpenAI through the openai SDK's AzureOpenAI client against the fake Azure server: the wire format
 * (deployment URL, api-version, api-key header), the shared failure modes and the provider contract.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LlmlabError } from '../../src/errors.js';
import azure from '../../src/providers/azure.js';
import type { Provider } from '../../src/types.js';
import { startFakeAzure } from '../fakes/azure.js';
import type { FakeAzureServer } from '../fakes/azure.js';
import { failureModeTests } from '../fakes/failure-modes.js';
import { liveSignal, makeRequest, makeSpec, rejectionOf } from '../fakes/provider-spec.js';
import { CONTRACT_SECRET, makeProviderSpec, testProvider } from '../fixtures/providers/test-provider.js';

const KEY = 'azure-test-SECRET-0123456789abcdef';
let server: FakeAzureServer;

beforeAll(async () => {
  server = await startFakeAzure({ apiKey: KEY });
});
afterAll(() => server.close());
beforeEach(() => {
  server.setBehaviour({ failures: [], latencyMs: 0, chunkDelayMs: 0, apiKey: KEY, answer: undefined });
  server.requests.length = 0;
  server.apiVersions.length = 0;
});

async function provider(config: Record<string, unknown> = {}, env: Record<string, string> = { AZURE_OPENAI_API_KEY: KEY }): Promise<Provider> {
  return azure.create(makeSpec('azure', 'prod-mini', { endpoint: server.url, ...config }, env));
}

describe('azure provider', () => {
  failureModeTests({ api: 'Azure OpenAI', server: () => server, provider, key: KEY });

  it('calls the deployment URL with api-version and the key in an api-key header', async () => {
    const p = await provider({ temperature: 0, extraBody: { user: 'evals' } });
    const result = await p.generate(makeRequest('hello there'), { signal: liveSignal() });
    expect(result.output).toBe('echo: hello there');
    expect(result.model).toBe('prod-mini');
    const [request] = server.requests;
    expect(request).toMatchObject({ method: 'POST', path: '/openai/deployments/prod-mini/chat/completions' });
    expect(request?.headers['api-key']).toBe(KEY);
    expect(request?.headers.authorization).toBeUndefined();
    expect(request?.body).toEqual({ model: 'prod-mini', messages: [{ role: 'user', content: 'hello there' }], temperature: 0, user: 'evals' });
    expect(server.apiVersions).toEqual(['2024-10-21']);
    expect(p).toMatchObject({ type: 'azure', model: 'prod-mini' });
    expect(p.identity).toEqual({ baseUrl: server.url, apiVersion: '2024-10-21', model: 'prod-mini', temperature: 0, user: 'evals' });
  });

  it('takes apiVersion from config and the key from AZURE_API_KEY or the variable apiKeyEnv names', async () => {
    await (await provider({ apiVersion: '2025-01-01-preview' }, { AZURE_API_KEY: KEY })).generate(makeRequest('a'), { signal: liveSignal() });
    await (await provider({ apiKeyEnv: 'MY_AZURE_KEY' }, { MY_AZURE_KEY: KEY })).generate(makeRequest('b'), { signal: liveSignal() });
    expect(server.apiVersions).toEqual(['2025-01-01-preview', '2024-10-21']);
  });

  it('finds the resource from apiHost, baseUrl or AZURE_OPENAI_ENDPOINT', async () => {
    const env = { AZURE_OPENAI_API_KEY: KEY };
    const at = async (config: Record<string, unknown>, more: Record<string, string> = {}) =>
      (await azure.create(makeSpec('azure', 'd', config, { ...env, ...more }))).identity['baseUrl'];
    expect(await at({ apiHost: 'my-resource.openai.azure.com' })).toBe('https://my-resource.openai.azure.com');
    expect(await at({ baseUrl: 'https://other.openai.azure.com/openai/' })).toBe('https://other.openai.azure.com');
    expect(await at({}, { AZURE_OPENAI_ENDPOINT: 'https://env.openai.azure.com' })).toBe('https://env.openai.azure.com');
  });

  it('embeds with the deployment', async () => {
    const result = await (await provider()).embed!(['one', 'two'], { signal: liveSignal() });
    expect(result.embeddings).toHaveLength(2);
    expect(server.requests[0]?.path).toBe('/openai/deployments/prod-mini/embeddings');
  });

  it('says which key or resource is missing, without calling anything', async () => {
    const noKey = await rejectionOf(provider({}, {}));
    expect(noKey).toBeInstanceOf(LlmlabError);
    expect((noKey as LlmlabError).message).toBe('AZURE_OPENAI_API_KEY (or AZURE_API_KEY) is not set (needed by provider azure:prod-mini)');
    const noHost = await rejectionOf(Promise.resolve().then(() => azure.create(makeSpec('azure', 'prod-mini', {}, { AZURE_OPENAI_API_KEY: KEY }))));
    expect(noHost).toMatchObject({ code: 'CONFIG_INVALID', hint: expect.stringContaining('config.apiHost') });
    expect(server.requests).toEqual([]);
  });
});

const contract = {} as { fast: FakeAzureServer; slow: FakeAzureServer };
beforeAll(async () => {
  contract.fast = await startFakeAzure({ apiKey: CONTRACT_SECRET, record: false });
  contract.slow = await startFakeAzure({ apiKey: CONTRACT_SECRET, record: false, latencyMs: 60_000 });
});
afterAll(async () => {
  await Promise.all([contract.fast.close(), contract.slow.close()]);
});
testProvider('azure', ({ slow }) =>
  makeProviderSpec('azure:contract-deployment', {
    endpoint: (slow ? contract.slow : contract.fast).url,
    apiKeyEnv: 'CONTRACT_KEY',
  }),
);
