import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LlmlabError } from '../../src/errors.js';
import anthropic from '../../src/providers/anthropic.js';
import type { Provider } from '../../src/types.js';
import { startFakeAnthropic } from '../fakes/anthropic.js';
import type { FakeServer } from '../fakes/anthropic.js';
import { CONTRACT_SECRET, makeProviderSpec, testProvider } from '../fixtures/providers/test-provider.js';
import { failureModeTests } from '../fakes/failure-modes.js';
import { liveSignal, makeRequest, makeSpec, rejectionOf } from '../fakes/provider-spec.js';

const KEY = 'sk-ant-test-SECRET-0123456789abcdef';
const MODEL = 'claude-3-5-haiku-latest';
let server: FakeServer;

beforeAll(async () => {
  server = await startFakeAnthropic({ apiKey: KEY });
});
afterAll(() => server.close());
beforeEach(() => {
  server.setBehaviour({ failures: [], latencyMs: 0, chunkDelayMs: 0, apiKey: KEY, answer: undefined });
  server.requests.length = 0;
});

async function provider(
  config: Record<string, unknown> = {},
  env: Record<string, string> = { ANTHROPIC_API_KEY: KEY },
): Promise<Provider> {
  return anthropic.create(makeSpec('anthropic', MODEL, { baseUrl: server.url, ...config }, env));
}

describe('anthropic provider', () => {
  failureModeTests({ api: 'Anthropic', server: () => server, provider, key: KEY });

  it('answers with output, usage, finish reason and model', async () => {
    const p = await provider();
    const result = await p.generate(makeRequest('how are you today'), { signal: liveSignal() });
    expect(result.output).toBe('echo: how are you today');
    expect(result.usage).toEqual({ input: 4, output: 5, total: 9 });
    expect(result.finishReason).toBe('stop');
    expect(result.model).toBe(MODEL);
    expect(result.raw).toMatchObject({ model: MODEL, stop_reason: 'end_turn' });
    expect(p).toMatchObject({ id: `anthropic:${MODEL}`, type: 'anthropic', model: MODEL });
    expect(server.requests[0]).toMatchObject({ method: 'POST', path: '/v1/messages' });
    // SDK 1.x sends the key as a Bearer token; the real API and the fake accept it there or in x-api-key.
    expect(server.requests[0]?.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(server.requests[0]?.headers['anthropic-version']).toBeTruthy();
  });

  it('streams and accumulates text and usage', async () => {
    server.setBehaviour({ answer: () => 'one two three four' });
    const result = await (await provider({ stream: true })).generate(makeRequest('count to four'), { signal: liveSignal() });
    expect(result.output).toBe('one two three four');
    expect(result.usage).toEqual({ input: 3, output: 4, total: 7 });
    expect(result.finishReason).toBe('stop');
    expect(result.model).toBe(MODEL);
    expect(server.requests[0]?.body).toMatchObject({ stream: true });
  });

  it('moves system messages to the top-level system field', async () => {
    await (await provider()).generate(
      makeRequest([
        { role: 'system', content: 'You are terse.' },
        { role: 'system', content: 'Answer in English.' },
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: 'Hello.' },
        { role: 'user', content: 'Bye' },
      ]),
      { signal: liveSignal() },
    );
    expect(server.requests[0]?.body).toEqual({
      model: MODEL,
      max_tokens: 1024,
      system: 'You are terse.\n\nAnswer in English.',
      messages: [
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: 'Hello.' },
        { role: 'user', content: 'Bye' },
      ],
    });
  });

  it('maps sampling parameters and reports max_tokens as length', async () => {
    const config = { temperature: 0.2, maxTokens: 2, topP: 0.8, topK: 40, stop: 'END' };
    for (const stream of [false, true]) {
      server.requests.length = 0;
      const result = await (await provider({ ...config, stream })).generate(makeRequest('a b c'), { signal: liveSignal() });
      expect(server.requests[0]?.body).toMatchObject({
        max_tokens: 2,
        temperature: 0.2,
        top_p: 0.8,
        top_k: 40,
        stop_sequences: ['END'],
      });
      expect(result.output).toBe('echo: a');
      expect(result.finishReason).toBe('length');
    }
  });

  it('sends extra headers; the fake also accepts the key as x-api-key', async () => {
    const p = await provider({ headers: { 'anthropic-beta': 'test-1' } });
    await p.generate(makeRequest('hi'), { signal: liveSignal() });
    expect(server.requests[0]?.headers['anthropic-beta']).toBe('test-1');
    const viaHeader = await fetch(`${server.url}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': KEY, 'content-type': 'application/json' },
      body: JSON.stringify({ model: MODEL, max_tokens: 5, messages: [{ role: 'user', content: 'x' }] }),
    });
    expect(viaHeader.status).toBe(200);
  });

  it('has an identity with base URL, model and parameters but no key', async () => {
    const p = await provider({ temperature: 0, topK: 5, stream: true, headers: { 'x-api-key': KEY } });
    expect(p.identity).toEqual({ baseUrl: server.url, model: MODEL, max_tokens: 1024, temperature: 0, top_k: 5 });
    expect(JSON.stringify(p.identity)).not.toContain(KEY);
  });

  it('refuses to start without a key and without a custom base URL', async () => {
    const error = await rejectionOf(Promise.resolve().then(() => anthropic.create(makeSpec('anthropic', MODEL, {}, {}))));
    expect(error).toBeInstanceOf(LlmlabError);
    expect(error).toMatchObject({ code: 'CONFIG_INVALID' });
    expect((error as LlmlabError).message).toMatch(/^ANTHROPIC_API_KEY is not set/);
  });

  it('runs keyless against ANTHROPIC_BASE_URL', async () => {
    server.setBehaviour({ apiKey: undefined });
    const p = await anthropic.create(makeSpec('anthropic', MODEL, {}, { ANTHROPIC_BASE_URL: server.url }));
    expect(p.identity['baseUrl']).toBe(server.url);
    expect((await p.generate(makeRequest('y'), { signal: liveSignal() })).output).toBe('echo: y');
  });
});

/** The shared provider contract, against servers of its own: one that answers, one too slow to. */
const contract = {} as { fast: FakeServer; slow: FakeServer };
beforeAll(async () => {
  contract.fast = await startFakeAnthropic({ apiKey: CONTRACT_SECRET, record: false });
  contract.slow = await startFakeAnthropic({ apiKey: CONTRACT_SECRET, record: false, latencyMs: 60_000 });
});
afterAll(async () => {
  await Promise.all([contract.fast.close(), contract.slow.close()]);
});
testProvider('anthropic', ({ slow }) =>
  makeProviderSpec(`anthropic:${MODEL}`, {
    baseUrl: (slow ? contract.slow : contract.fast).url,
    apiKeyEnv: 'CONTRACT_KEY',
  }),
);
