/**
 * vertex: through @google/genai against the fake Gemini server. Two credential paths are covered offline:
 * express mode (VERTEX_API_KEY, sent as x-goog-api-key) and Application Default Credentials from a
 * service-account key file. The key file names a non-default universe domain, which makes google-auth-library
 * sign its own JWT instead of exchanging it at oauth2.googleapis.com: the real ADC code path up to the token, with
 * no network. Not covered: the token exchange itself, gcloud user credentials and the metadata server.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LlmlabError, ProviderError } from '../../src/errors.js';
import vertex from '../../src/providers/vertex.js';
import type { Provider } from '../../src/types.js';
import { embedText } from '../fakes/harness.js';
import { startFakeGoogle } from '../fakes/google.js';
import type { FakeServer } from '../fakes/google.js';
import { failureModeTests } from '../fakes/failure-modes.js';
import { liveSignal, makeRequest, makeSpec, rejectionOf, serialise } from '../fakes/provider-spec.js';
import { CONTRACT_SECRET, makeProviderSpec, testProvider } from '../fixtures/providers/test-provider.js';

const KEY = 'AQ.vertex-express-SECRET-0123456789';
const MODEL = 'gemini-2.5-flash';
let server: FakeServer;
let dir: string;
let keyFile: string;
let privateKey: string;

beforeAll(async () => {
  server = await startFakeGoogle({ apiKey: KEY });
  dir = mkdtempSync(join(tmpdir(), 'llmlab-vertex-'));
  privateKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  keyFile = join(dir, 'service-account.json');
  writeFileSync(
    keyFile,
    JSON.stringify({
      type: 'service_account',
      project_id: 'my-project',
      private_key_id: 'key-1',
      private_key: privateKey,
      client_email: 'llmlab-test@my-project.iam.gserviceaccount.com',
      client_id: '1',
      universe_domain: 'llmlab.test',
    }),
  );
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  server.setBehaviour({ failures: [], latencyMs: 0, chunkDelayMs: 0, apiKey: KEY, answer: undefined });
  server.requests.length = 0;
});

/** Express mode: the key alone. */
async function express(config: Record<string, unknown> = {}): Promise<Provider> {
  return vertex.create(makeSpec('vertex', MODEL, { baseUrl: server.url, ...config }, { VERTEX_API_KEY: KEY }));
}

describe('vertex provider', () => {
  failureModeTests({ api: 'Vertex AI', server: () => server, provider: express, key: KEY });

  it('calls the express-mode path with the key in x-goog-api-key', async () => {
    const result = await (await express()).generate(makeRequest('how are you'), { signal: liveSignal() });
    expect(result).toMatchObject({ output: 'echo: how are you', finishReason: 'stop', model: MODEL });
    expect(server.requests[0]).toMatchObject({ method: 'POST', path: `/v1/publishers/google/models/${MODEL}:generateContent` });
    expect(server.requests[0]?.headers['x-goog-api-key']).toBe(KEY);
  });

  it('signs in with a service-account key file and calls the project and region path', async () => {
    server.setBehaviour({ apiKey: undefined });
    // keyFilename: promptfoo's name for keyFile.
    const spec = makeSpec('vertex', MODEL, { baseUrl: server.url, projectId: 'my-project', region: 'europe-west4', keyFilename: keyFile }, {});
    const p = await vertex.create(spec);
    const result = await p.generate(makeRequest('hello'), { signal: liveSignal() });
    expect(result.output).toBe('echo: hello');
    const request = server.requests[0]!;
    expect(request.path).toBe(`/v1/projects/my-project/locations/europe-west4/publishers/google/models/${MODEL}:generateContent`);
    expect(request.headers.authorization).toMatch(/^Bearer [\w-]+\.[\w-]+\.[\w-]+$/);
    expect(request.headers['x-goog-api-key']).toBeUndefined();
    expect(p.identity).toEqual({ baseUrl: server.url, apiVersion: 'v1', project: 'my-project', location: 'europe-west4', model: MODEL });
    expect(serialise(p)).not.toContain('PRIVATE KEY');
  });

  it('reads the key file from GOOGLE_APPLICATION_CREDENTIALS in spec.env, the project from GOOGLE_CLOUD_PROJECT', async () => {
    server.setBehaviour({ apiKey: undefined });
    const env = { GOOGLE_APPLICATION_CREDENTIALS: keyFile, GOOGLE_CLOUD_PROJECT: 'env-project' };
    const p = await vertex.create(makeSpec('vertex', MODEL, { baseUrl: server.url }, env));
    await p.generate(makeRequest('hi'), { signal: liveSignal() });
    expect(server.requests[0]?.path).toBe(`/v1/projects/env-project/locations/us-central1/publishers/google/models/${MODEL}:generateContent`);
    expect(server.requests[0]?.headers.authorization).toMatch(/^Bearer /);
  });

  it('sends a VERTEX_API_KEY that is an OAuth access token (promptfoo\'s meaning) as a Bearer token, never in a message', async () => {
    const token = 'ya29.a0-test-access-token-SECRET-123456';
    server.setBehaviour({ apiKey: token });
    const p = await vertex.create(makeSpec('vertex', MODEL, { baseUrl: server.url, projectId: 'p', region: 'us-east4' }, { VERTEX_API_KEY: token }));
    expect((await p.generate(makeRequest('hi'), { signal: liveSignal() })).output).toBe('echo: hi');
    expect(server.requests[0]).toMatchObject({ path: `/v1/projects/p/locations/us-east4/publishers/google/models/${MODEL}:generateContent` });
    expect(server.requests[0]?.headers.authorization).toBe(`Bearer ${token}`);
    expect(server.requests[0]?.headers['x-goog-api-key']).toBeUndefined();
    server.setBehaviour({ apiKey: 'another-token' });
    const denied = await rejectionOf(p.generate(makeRequest('hi'), { signal: liveSignal() }));
    expect(denied).toMatchObject({ status: 401, hint: expect.stringContaining('access token') });
    expect(serialise(denied)).not.toContain(token);
    expect(serialise(p)).not.toContain(token);
  });

  it('says how to log in when the credentials cannot be used', async () => {
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, JSON.stringify({ type: 'service_account', private_key: 'x' }));
    const p = await vertex.create(makeSpec('vertex', MODEL, { baseUrl: server.url, projectId: 'p', keyFile: broken }, {}));
    const error = await rejectionOf(p.generate(makeRequest('hi'), { signal: liveSignal() }));
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ retryable: false, message: expect.stringMatching(/^Vertex AI authentication failed: /) });
    expect((error as ProviderError).hint).toMatch(/gcloud auth application-default login/);
    expect(server.requests).toHaveLength(0);
  });

  it('embeds with :predict for text-embedding models', async () => {
    const p = await vertex.create(makeSpec('vertex', 'text-embedding-005', { baseUrl: server.url }, { VERTEX_API_KEY: KEY }));
    const result = await p.embed!(['red apple', 'green pear'], { signal: liveSignal() });
    expect(result.embeddings).toEqual([embedText('red apple'), embedText('green pear')]);
    expect(server.requests[0]?.path).toBe('/v1/publishers/google/models/text-embedding-005:predict');
  });

  it('uses the region\'s endpoint by default', async () => {
    const regional = await vertex.create(makeSpec('vertex', MODEL, { projectId: 'p', location: 'europe-west4', keyFile }, {}));
    expect(regional.identity['baseUrl']).toBe('https://europe-west4-aiplatform.googleapis.com');
    const global = await vertex.create(makeSpec('vertex', MODEL, {}, { VERTEX_API_KEY: KEY }));
    expect(global.identity['baseUrl']).toBe('https://aiplatform.googleapis.com');
  });

  it('rejects partner models, which do not answer on generateContent, saying what to use', () => {
    expect(vertex.parseModel!('gemini-2.5-pro', {})).toEqual({ model: 'gemini-2.5-pro' });
    expect(vertex.parseModel!('claude-3-5-sonnet-v2@20241022', {})).toMatchObject({
      error: expect.stringContaining('partner model'),
      hint: expect.stringContaining('anthropic:'),
    });
    expect(vertex.parseModel!('embedding:text-embedding-005', {})).toMatchObject({ hint: expect.stringContaining('embedder: vertex:text-embedding-005') });
  });

  it('refuses to start without a project or an express-mode key', async () => {
    const error = await rejectionOf(Promise.resolve().then(() => vertex.create(makeSpec('vertex', MODEL, {}, {}))));
    expect(error).toBeInstanceOf(LlmlabError);
    expect(error).toMatchObject({ code: 'CONFIG_INVALID', message: expect.stringMatching(/^no Google Cloud project/) });
    expect((error as LlmlabError).hint).toMatch(/GOOGLE_CLOUD_PROJECT/);
  });
});

/** The shared provider contract (express mode), against servers of its own: one that answers, one too slow to. */
const contract = {} as { fast: FakeServer; slow: FakeServer };
beforeAll(async () => {
  contract.fast = await startFakeGoogle({ apiKey: CONTRACT_SECRET, record: false });
  contract.slow = await startFakeGoogle({ apiKey: CONTRACT_SECRET, record: false, latencyMs: 60_000 });
});
afterAll(async () => {
  await Promise.all([contract.fast.close(), contract.slow.close()]);
});
testProvider('vertex', ({ slow }) =>
  makeProviderSpec(`vertex:${MODEL}`, { baseUrl: (slow ? contract.slow : contract.fast).url, apiKeyEnv: 'CONTRACT_KEY' }),
);
