import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LlmlabError, ProviderError } from '../../src/errors.js';
import bedrock from '../../src/providers/bedrock.js';
import type { Provider } from '../../src/types.js';
import { startFakeBedrock } from '../fakes/bedrock.js';
import type { FakeServer } from '../fakes/bedrock.js';
import { failureModeTests } from '../fakes/failure-modes.js';
import { liveSignal, makeRequest, makeSpec, rejectionOf, serialise } from '../fakes/provider-spec.js';
import { CONTRACT_SECRET, makeProviderSpec, testProvider } from '../fixtures/providers/test-provider.js';

const KEY_ID = 'AKIAFAKE0123456789AB';
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRETKEY01';
const TOKEN = 'IQoJb3JpZ2luX2VjEFAKESESSIONTOKEN0123456789';
const MODEL = 'anthropic.claude-3-5-sonnet-20241022-v2:0';
const ENV = { AWS_ACCESS_KEY_ID: KEY_ID, AWS_SECRET_ACCESS_KEY: SECRET, AWS_SESSION_TOKEN: TOKEN, AWS_REGION: 'us-east-1' };
let server: FakeServer;

beforeAll(async () => {
  server = await startFakeBedrock({ apiKey: KEY_ID });
});
afterAll(() => server.close());
beforeEach(() => {
  server.setBehaviour({ failures: [], latencyMs: 0, apiKey: KEY_ID, answer: undefined });
  server.requests.length = 0;
});

async function provider(config: Record<string, unknown> = {}, env: Record<string, string> = ENV, model = MODEL): Promise<Provider> {
  return bedrock.create(makeSpec('bedrock', model, { endpoint: server.url, ...config }, env));
}

const tools = [
  {
    type: 'function' as const,
    function: {
      name: 'get_weather',
      description: 'Weather for a city',
      parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
    },
  },
];

describe('bedrock provider', () => {
  failureModeTests({ api: 'Bedrock', server: () => server, provider, key: KEY_ID, streams: false });

  it('answers through Converse with output, usage, finish reason and model, signed with SigV4', async () => {
    const p = await provider();
    const result = await p.generate(makeRequest('how are you today'), { signal: liveSignal() });
    expect(result).toMatchObject({ output: 'echo: how are you today', usage: { input: 4, output: 5, total: 9 }, finishReason: 'stop', model: MODEL });
    expect(result.toolCalls).toBeUndefined();
    expect(p).toMatchObject({ id: `bedrock:${MODEL}`, type: 'bedrock', model: MODEL });
    const request = server.requests[0]!;
    // The model id's `:` reaches the service percent-encoded in the path, intact.
    expect(request).toMatchObject({ method: 'POST', path: `/model/${encodeURIComponent(MODEL)}/converse` });
    expect(request.headers.authorization).toMatch(new RegExp(`^AWS4-HMAC-SHA256 Credential=${KEY_ID}/\\d{8}/us-east-1/bedrock/aws4_request, `));
    expect(request.headers['x-amz-security-token']).toBe(TOKEN);
  });

  it('sends system blocks, content-block messages and inferenceConfig', async () => {
    const config = { max_tokens: 2, temperature: 0.2, topP: 0.9, stopSequences: ['END'], additionalModelRequestFields: { top_k: 40 } };
    const result = await (await provider(config)).generate(
      makeRequest([
        { role: 'system', content: 'You are terse.' },
        { role: 'user', content: 'a b c' },
        { role: 'assistant', content: 'Hello.' },
        { role: 'user', content: 'Bye now' },
      ]),
      { signal: liveSignal() },
    );
    expect(server.requests[0]?.body).toEqual({
      system: [{ text: 'You are terse.' }],
      messages: [
        { role: 'user', content: [{ text: 'a b c' }] },
        { role: 'assistant', content: [{ text: 'Hello.' }] },
        { role: 'user', content: [{ text: 'Bye now' }] },
      ],
      inferenceConfig: { maxTokens: 2, temperature: 0.2, topP: 0.9, stopSequences: ['END'] },
      additionalModelRequestFields: { top_k: 40 },
    });
    expect(result).toMatchObject({ output: 'echo: Bye', finishReason: 'length' });
  });

  it('declares tools as toolSpecs and returns the calls the model made', async () => {
    server.setBehaviour({ answer: () => JSON.stringify([{ name: 'get_weather', input: { city: 'Paris' } }]) });
    const result = await (await provider()).generate({ ...makeRequest('weather in Paris?'), tools, toolChoice: 'required' }, { signal: liveSignal() });
    expect(server.requests[0]?.body.toolConfig).toEqual({
      tools: [
        {
          toolSpec: {
            name: 'get_weather',
            description: 'Weather for a city',
            inputSchema: { json: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
          },
        },
      ],
      toolChoice: { any: {} },
    });
    expect(result.toolCalls).toEqual([{ id: expect.stringMatching(/^tooluse_/), name: 'get_weather', arguments: '{"city":"Paris"}' }]);
    expect(result).toMatchObject({ output: '', finishReason: 'tool_calls' });
  });

  it('answers a structured request with the forced tool input as JSON', async () => {
    server.setBehaviour({ answer: () => '{"pass":true,"reason":"fine"}' });
    const structured = { name: 'verdict', description: 'the verdict', schema: { type: 'object', properties: { pass: { type: 'boolean' } } } };
    const result = await (await provider()).generate({ ...makeRequest('grade this'), tools, structured }, { signal: liveSignal() });
    expect(server.requests[0]?.body.toolConfig).toEqual({
      tools: [{ toolSpec: { name: 'verdict', description: 'the verdict', inputSchema: { json: structured.schema } } }],
      toolChoice: { tool: { name: 'verdict' } },
    });
    expect(JSON.parse(result.output)).toEqual({ pass: true, reason: 'fine' });
    expect(result.toolCalls).toBeUndefined();
  });

  it('keeps an inference profile id and an ARN intact in the path', async () => {
    for (const model of ['us.amazon.nova-lite-v1:0', 'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc123']) {
      server.requests.length = 0;
      const result = await (await provider({}, ENV, model)).generate(makeRequest('hi'), { signal: liveSignal() });
      expect(server.requests[0]?.path).toBe(`/model/${encodeURIComponent(model)}/converse`);
      expect(result.model).toBe(model);
    }
  });

  it('takes promptfoo credentials from config and the region from config, keeping both out of identity', async () => {
    const p = await provider(
      { region: 'eu-west-1', accessKeyId: KEY_ID, secretAccessKey: SECRET, temperature: 0 },
      { AWS_ACCESS_KEY_ID: 'AKIAOTHER00000000000', AWS_SECRET_ACCESS_KEY: 'other-secret-0123456789' },
    );
    expect(p.identity).toEqual({ region: 'eu-west-1', endpoint: server.url, model: MODEL, inferenceConfig: { temperature: 0 } });
    await p.generate(makeRequest('hi'), { signal: liveSignal() });
    expect(server.requests[0]?.headers.authorization).toContain(`Credential=${KEY_ID}/`);
    expect(server.requests[0]?.headers.authorization).toContain('/eu-west-1/bedrock/');
  });

  it('never lets the secret access key or session token into a result, the provider or an error', async () => {
    const p = await provider({ accessKeyId: KEY_ID, secretAccessKey: SECRET, sessionToken: TOKEN });
    const outputs: unknown[] = [p, await p.generate(makeRequest('hello'), { signal: liveSignal() })];
    server.setBehaviour({ failures: [{ status: 403, message: `denied for ${SECRET} and ${TOKEN}` }, { status: 429, retryAfter: '1' }, { reset: true }, { malformed: true }] });
    for (let i = 0; i < 4; i++) outputs.push(await rejectionOf(p.generate(makeRequest('hello'), { signal: liveSignal() })));
    for (const output of outputs) {
      expect(serialise(output)).not.toContain(SECRET);
      expect(serialise(output)).not.toContain(TOKEN);
    }
    expect(outputs[2]).toMatchObject({ status: 403, retryable: false, hint: expect.stringMatching(/credentials/) });
  });

  it('sends a Bedrock API key from AWS_BEARER_TOKEN_BEDROCK as a bearer token', async () => {
    const bearer = 'bedrock-api-key-0123456789abcdef';
    server.setBehaviour({ apiKey: bearer });
    const p = await provider({}, { AWS_BEARER_TOKEN_BEDROCK: bearer, AWS_REGION: 'us-west-2' });
    expect((await p.generate(makeRequest('hi'), { signal: liveSignal() })).output).toBe('echo: hi');
    expect(server.requests[0]?.headers.authorization).toBe(`Bearer ${bearer}`);
  });

  it('refuses to start without a region, or with half a key pair, naming the fix', async () => {
    const noRegion = await rejectionOf(provider({}, { AWS_ACCESS_KEY_ID: KEY_ID, AWS_SECRET_ACCESS_KEY: SECRET }));
    expect(noRegion).toBeInstanceOf(LlmlabError);
    expect(noRegion).toMatchObject({ code: 'CONFIG_INVALID', message: `no AWS region for provider bedrock:${MODEL}`, hint: expect.stringMatching(/AWS_REGION/) });
    const half = await rejectionOf(provider({ accessKeyId: KEY_ID }));
    expect(half).toMatchObject({ code: 'CONFIG_INVALID', message: expect.stringMatching(/accessKeyId and secretAccessKey go together/) });
  });

  it('fails an answer over maxResponseBytes with a final error naming the cap', async () => {
    server.setBehaviour({ answer: () => 'word '.repeat(30_000) });
    const error = await rejectionOf((await provider({ maxResponseBytes: 64 * 1024 })).generate(makeRequest('hi'), { signal: liveSignal() }));
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ retryable: false, message: expect.stringMatching(/response larger than 64 KB \(maxResponseBytes\)/) });
  });

  it('rejects an already aborted call before signing it', async () => {
    const error = await rejectionOf((await provider()).generate(makeRequest('hi'), { signal: AbortSignal.abort() }));
    expect(error).toBeInstanceOf(ProviderError);
    expect(server.requests).toHaveLength(0);
  });
});

describe('fake Bedrock server', () => {
  const post = (headers: Record<string, string>, body: unknown) =>
    fetch(`${server.url}/model/${encodeURIComponent(MODEL)}/converse`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const signed = {
    authorization: `AWS4-HMAC-SHA256 Credential=${KEY_ID}/20261207/us-east-1/bedrock/aws4_request, SignedHeaders=host;x-amz-date, Signature=${'ab'.repeat(32)}`,
    'x-amz-date': '20261207T000000Z',
  };

  it('refuses unsigned requests and requests in the wrong shape, naming the exception as AWS does', async () => {
    server.setBehaviour({ apiKey: undefined });
    const unsigned = await post({}, { messages: [{ role: 'user', content: [{ text: 'hi' }] }] });
    expect(unsigned.status).toBe(403);
    expect(unsigned.headers.get('x-amzn-errortype')).toMatch(/^AccessDeniedException:/);
    const stringContent = await post(signed, { messages: [{ role: 'user', content: 'hi' }] });
    expect(stringContent.status).toBe(400);
    expect(stringContent.headers.get('x-amzn-errortype')).toMatch(/^ValidationException:/);
    expect(await stringContent.json()).toEqual({ message: 'messages.content: must be a list of content blocks' });
    const ok = await post(signed, { messages: [{ role: 'user', content: [{ text: 'hi' }] }] });
    expect(await ok.json()).toMatchObject({ output: { message: { role: 'assistant', content: [{ text: 'echo: hi' }] } }, stopReason: 'end_turn' });
  });
});

/** The shared provider contract, against servers of its own: one that answers, one too slow to. */
const contract = {} as { fast: FakeServer; slow: FakeServer };
beforeAll(async () => {
  contract.fast = await startFakeBedrock({ record: false });
  contract.slow = await startFakeBedrock({ record: false, latencyMs: 60_000 });
});
afterAll(async () => {
  await Promise.all([contract.fast.close(), contract.slow.close()]);
});
testProvider('bedrock', ({ slow }) =>
  makeProviderSpec(`bedrock:${MODEL}`, { endpoint: (slow ? contract.slow : contract.fast).url }, {
    env: { AWS_ACCESS_KEY_ID: 'AKIACONTRACT00000000', AWS_SECRET_ACCESS_KEY: CONTRACT_SECRET, AWS_REGION: 'us-east-1' },
  }),
);
