import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LlmlabError, ProviderError } from '../../src/errors.js';
import openai from '../../src/providers/openai.js';
import type { Provider } from '../../src/types.js';
import { startFakeOpenAI } from '../fakes/openai.js';
import type { FakeServer } from '../fakes/openai.js';
import { CONTRACT_SECRET, makeProviderSpec, testProvider } from '../fixtures/providers/test-provider.js';
import { failureModeTests } from '../fakes/failure-modes.js';
import { liveSignal, makeRequest, makeSpec, rejectionOf, serialise } from '../fakes/provider-spec.js';

const KEY = 'sk-test-SECRET-0123456789abcdef';
let server: FakeServer;

beforeAll(async () => {
  server = await startFakeOpenAI({ apiKey: KEY });
});
afterAll(() => server.close());
beforeEach(() => {
  server.setBehaviour({ failures: [], latencyMs: 0, chunkDelayMs: 0, apiKey: KEY, answer: undefined });
  server.requests.length = 0;
});

async function provider(config: Record<string, unknown> = {}, env: Record<string, string> = { OPENAI_API_KEY: KEY }): Promise<Provider> {
  return openai.create(makeSpec('openai', 'gpt-4o-mini', { baseUrl: `${server.url}/v1`, ...config }, env));
}

async function failure(): Promise<ProviderError> {
  const error = await rejectionOf((await provider()).generate(makeRequest('hello'), { signal: liveSignal() }));
  expect(error).toBeInstanceOf(ProviderError);
  return error as ProviderError;
}

describe('openai api: completions, loglikelihood', () => {
  it('reads text_offset as code points, so an emoji in the prompt does not shift the scoring window', async () => {
    // Each echoed token's log-probability encodes its own offset; the continuation " yes no" starts after the emoji.
    server.setBehaviour({ tokenLogprob: (token) => (token.trim() === 'yes' ? -1 : token.trim() === 'no' ? -2 : -100) });
    const p = await provider({ api: 'completions' });
    const request = { ...makeRequest('Is 😀 happy?'), prompt: 'Is 😀 happy?', continuations: [' yes', ' no', ' yes no'] };
    const result = await p.generate(request, { signal: liveSignal() });
    const { scores } = JSON.parse(result.output) as { scores: Array<{ logprob: number; tokens: number }> };
    expect(scores.map((s) => [s.logprob, s.tokens])).toEqual([[-1, 1], [-2, 1], [-3, 2]]);
  });
});

describe('openai provider', () => {
  failureModeTests({ api: 'OpenAI', server: () => server, provider, key: KEY });

  it('answers with output, usage, finish reason and model', async () => {
    const p = await provider();
    const result = await p.generate(makeRequest('how are you today'), { signal: liveSignal() });
    expect(result.output).toBe('echo: how are you today');
    expect(result.usage).toEqual({ input: 4, output: 5, total: 9, cachedInput: 0 });
    expect(result.finishReason).toBe('stop');
    expect(result.model).toBe('gpt-4o-mini');
    expect(result.raw).toMatchObject({ model: 'gpt-4o-mini', finish_reason: 'stop' });
    expect(p).toMatchObject({ id: 'openai:gpt-4o-mini', type: 'openai', model: 'gpt-4o-mini' });
    expect(server.requests[0]).toMatchObject({ method: 'POST', path: '/v1/chat/completions' });
    expect(server.requests[0]?.headers.authorization).toBe(`Bearer ${KEY}`);
  });

  it('streams and accumulates text and usage', async () => {
    server.setBehaviour({ answer: () => 'one two three four' });
    const result = await (await provider({ stream: true })).generate(makeRequest('count'), { signal: liveSignal() });
    expect(result.output).toBe('one two three four');
    expect(result.usage).toEqual({ input: 1, output: 4, total: 5, cachedInput: 0 });
    expect(result.finishReason).toBe('stop');
    expect(result.model).toBe('gpt-4o-mini');
    expect(server.requests[0]?.body).toMatchObject({ stream: true, stream_options: { include_usage: true } });
  });

  it('sends system and user messages in chat-completions shape', async () => {
    await (await provider()).generate(
      makeRequest([
        { role: 'system', content: 'You are terse.' },
        { role: 'user', content: 'Hi' },
      ]),
      { signal: liveSignal() },
    );
    expect(server.requests[0]?.body).toEqual({
      model: 'gpt-4o-mini',
      messages: [
        { role: 'system', content: 'You are terse.' },
        { role: 'user', content: 'Hi' },
      ],
    });
  });

  it('maps sampling parameters to API names and reports truncation as length', async () => {
    const config = {
      temperature: 0.3,
      maxTokens: 2,
      topP: 0.9,
      stop: ['END'],
      seed: 7,
      presencePenalty: 0.1,
      frequencyPenalty: 0.2,
      responseFormat: { type: 'json_object' },
    };
    const result = await (await provider(config)).generate(makeRequest('a b c d'), { signal: liveSignal() });
    expect(server.requests[0]?.body).toMatchObject({
      temperature: 0.3,
      max_tokens: 2,
      top_p: 0.9,
      stop: ['END'],
      seed: 7,
      presence_penalty: 0.1,
      frequency_penalty: 0.2,
      response_format: { type: 'json_object' },
    });
    expect(result.output).toBe('echo: a');
    expect(result.finishReason).toBe('length');
  });

  it('sends extra headers, which stay out of the identity', async () => {
    const p = await provider({ headers: { 'x-team': 'evals' } });
    await p.generate(makeRequest('hi'), { signal: liveSignal() });
    expect(server.requests[0]?.headers['x-team']).toBe('evals');
    expect(p.identity).not.toHaveProperty('headers');
  });

  it('prefers retry-after-ms over retry-after', async () => {
    server.setBehaviour({ failures: [{ status: 429, retryAfter: '5', retryAfterMs: '250' }] });
    expect(await failure()).toMatchObject({ status: 429, retryable: true, retryAfterMs: 250 });
  });

  it('reads Retry-After given as an HTTP date', async () => {
    const at = new Date(Date.now() + 30_000).toUTCString();
    server.setBehaviour({ failures: [{ status: 503, retryAfter: at }] });
    const error = await failure();
    expect(error).toMatchObject({ status: 503, retryable: true });
    expect(error.retryAfterMs).toBeGreaterThan(25_000);
    expect(error.retryAfterMs).toBeLessThanOrEqual(30_000);
  });

  it('treats a refused connection as retryable', async () => {
    const dead = await startFakeOpenAI();
    await dead.close();
    const p = await openai.create(makeSpec('openai', 'gpt-4o-mini', { baseUrl: `${dead.url}/v1` }, {}));
    const error = await rejectionOf(p.generate(makeRequest('hi'), { signal: liveSignal() }));
    expect(error).toMatchObject({ retryable: true });
    expect((error as Error).message).toMatch(/^OpenAI connection failed: .*ECONNREFUSED/);
  });

  it('has an identity with base URL, model and parameters but no key', async () => {
    const p = await provider({ temperature: 0, maxTokens: 64, seed: 1, stream: true });
    expect(p.identity).toEqual({ baseUrl: `${server.url}/v1`, model: 'gpt-4o-mini', temperature: 0, max_tokens: 64, seed: 1 });
    expect(serialise(p)).not.toContain(KEY);
  });

  it('refuses to start without a key and without a custom base URL', async () => {
    const error = await rejectionOf(Promise.resolve().then(() => openai.create(makeSpec('openai', 'gpt-4o-mini', {}, {}))));
    expect(error).toBeInstanceOf(LlmlabError);
    expect(error).toMatchObject({ code: 'CONFIG_INVALID' });
    expect((error as LlmlabError).message).toMatch(/^OPENAI_API_KEY is not set/);
    expect((error as LlmlabError).hint).toBeTruthy();
    const custom = await rejectionOf(
      Promise.resolve().then(() => openai.create(makeSpec('openai', 'gpt-4o-mini', { apiKeyEnv: 'MY_KEY' }, {}))),
    );
    expect((custom as LlmlabError).message).toMatch(/^MY_KEY is not set/);
  });

  it('runs keyless against a custom base URL, from config or OPENAI_BASE_URL', async () => {
    server.setBehaviour({ apiKey: undefined });
    const fromConfig = await provider({}, {});
    expect((await fromConfig.generate(makeRequest('x'), { signal: liveSignal() })).output).toBe('echo: x');
    const fromEnv = await openai.create(makeSpec('openai', 'gpt-4o-mini', {}, { OPENAI_BASE_URL: `${server.url}/v1/` }));
    expect(fromEnv.identity['baseUrl']).toBe(`${server.url}/v1`);
    expect((await fromEnv.generate(makeRequest('y'), { signal: liveSignal() })).output).toBe('echo: y');
  });
});

/** The shared provider contract, against servers of its own: one that answers, one too slow to. */
const contract = {} as { fast: FakeServer; slow: FakeServer };
beforeAll(async () => {
  contract.fast = await startFakeOpenAI({ apiKey: CONTRACT_SECRET, record: false });
  contract.slow = await startFakeOpenAI({ apiKey: CONTRACT_SECRET, record: false, latencyMs: 60_000 });
});
afterAll(async () => {
  await Promise.all([contract.fast.close(), contract.slow.close()]);
});
testProvider('openai', ({ slow }) =>
  makeProviderSpec('openai:gpt-4o-mini', {
    baseUrl: `${(slow ? contract.slow : contract.fast).url}/v1`,
    apiKeyEnv: 'CONTRACT_KEY',
  }),
);
