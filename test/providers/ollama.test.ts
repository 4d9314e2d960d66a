import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import ollama from '../../src/providers/ollama.js';
import type { Provider } from '../../src/types.js';
import { makeProviderSpec, testProvider } from '../fixtures/providers/test-provider.js';
import { failureModeTests } from '../fakes/failure-modes.js';
import { startFakeOllama } from '../fakes/ollama.js';
import type { FakeServer } from '../fakes/ollama.js';
import { liveSignal, makeRequest, makeSpec } from '../fakes/provider-spec.js';

const MODEL = 'llama3.2';
let server: FakeServer;

beforeAll(async () => {
  server = await startFakeOllama();
});
afterAll(() => server.close());
beforeEach(() => {
  server.setBehaviour({ failures: [], latencyMs: 0, chunkDelayMs: 0, answer: undefined });
  server.requests.length = 0;
});

async function provider(config: Record<string, unknown> = {}): Promise<Provider> {
  return ollama.create(makeSpec('ollama', MODEL, { host: server.url, ...config }));
}

describe('ollama provider', () => {
  failureModeTests({ api: 'Ollama', server: () => server, provider });

  it('answers with output, usage, finish reason and model', async () => {
    const p = await provider();
    const result = await p.generate(makeRequest('how are you today'), { signal: liveSignal() });
    expect(result.output).toBe('echo: how are you today');
    expect(result.usage).toEqual({ input: 4, output: 5, total: 9 });
    expect(result.finishReason).toBe('stop');
    expect(result.model).toBe(MODEL);
    expect(result.raw).toMatchObject({ model: MODEL, done_reason: 'stop', prompt_eval_count: 4, eval_count: 5 });
    expect(p).toMatchObject({ id: `ollama:${MODEL}`, type: 'ollama', model: MODEL });
    expect(server.requests[0]).toMatchObject({ method: 'POST', path: '/api/chat' });
    expect(server.requests[0]?.body).toMatchObject({ stream: false });
  });

  it('asks for token log-probabilities only when the request does, and returns them', async () => {
    const p = await provider();
    server.setBehaviour({ tokenLogprob: (token) => (token.startsWith('echo') ? -0.5 : -0.25) });
    const result = await p.generate({ ...makeRequest('hi there'), logprobs: true }, { signal: liveSignal() });
    expect(server.requests[0]?.body).toMatchObject({ logprobs: true });
    expect(result.logprobs).toEqual([-0.5, -0.25, -0.25]);
    const plain = await p.generate(makeRequest('hi there'), { signal: liveSignal() });
    expect(server.requests[1]?.body).not.toHaveProperty('logprobs');
    expect(plain).not.toHaveProperty('logprobs');
    server.setBehaviour({ tokenLogprob: undefined });
  });

  it('streams NDJSON and accumulates text and usage', async () => {
    server.setBehaviour({ answer: () => 'one two three four' });
    const result = await (await provider({ stream: true })).generate(makeRequest('count to four'), { signal: liveSignal() });
    expect(result.output).toBe('one two three four');
    expect(result.usage).toEqual({ input: 3, output: 4, total: 7 });
    expect(result.finishReason).toBe('stop');
    expect(server.requests[0]?.body).toMatchObject({ stream: true });
  });

  it('sends system and user messages as chat messages', async () => {
    await (await provider()).generate(
      makeRequest([
        { role: 'system', content: 'You are terse.' },
        { role: 'user', content: 'Hi' },
      ]),
      { signal: liveSignal() },
    );
    expect(server.requests[0]?.body).toEqual({
      model: MODEL,
      stream: false,
      messages: [
        { role: 'system', content: 'You are terse.' },
        { role: 'user', content: 'Hi' },
      ],
    });
  });

  it('maps sampling parameters into options and reports num_predict cut-offs as length', async () => {
    const config = { temperature: 0.1, maxTokens: 2, topP: 0.7, topK: 20, seed: 3, stop: 'END', numCtx: 4096, keepAlive: '1m', format: 'json' };
    for (const stream of [false, true]) {
      server.requests.length = 0;
      const result = await (await provider({ ...config, stream })).generate(makeRequest('a b c'), { signal: liveSignal() });
      expect(server.requests[0]?.body).toMatchObject({
        options: { temperature: 0.1, num_predict: 2, top_p: 0.7, top_k: 20, seed: 3, stop: ['END'], num_ctx: 4096 },
        keep_alive: '1m',
        format: 'json',
      });
      expect(result.output).toBe('echo: a');
      expect(result.finishReason).toBe('length');
    }
  });

  it('has an identity with host, model and answer-changing parameters only', async () => {
    const p = await provider({ temperature: 0, numCtx: 2048, keepAlive: '5m', stream: true });
    expect(p.identity).toEqual({ host: server.url, model: MODEL, temperature: 0, num_ctx: 2048 });
  });

  it('takes the host from OLLAMA_HOST, then the default', async () => {
    const fromEnv = await ollama.create(makeSpec('ollama', MODEL, {}, { OLLAMA_HOST: `${server.url}/` }));
    expect(fromEnv.identity['host']).toBe(server.url);
    expect((await fromEnv.generate(makeRequest('z'), { signal: liveSignal() })).output).toBe('echo: z');
    const fallback = await ollama.create(makeSpec('ollama', MODEL, {}, {}));
    expect(fallback.identity['host']).toBe('http://127.0.0.1:11434');
  });
});

/** The shared provider contract, against servers of its own: one that answers, one too slow to. */
const contract = {} as { fast: FakeServer; slow: FakeServer };
beforeAll(async () => {
  contract.fast = await startFakeOllama({ record: false });
  contract.slow = await startFakeOllama({ record: false, latencyMs: 60_000 });
});
afterAll(async () => {
  await Promise.all([contract.fast.close(), contract.slow.close()]);
});
testProvider('ollama', ({ slow }) =>
  makeProviderSpec(`ollama:${MODEL}`, { host: (slow ? contract.slow : contract.fast).url }),
);
