/**
 * Answers larger than `maxResponseBytes` fail while they are read, before they are buffered whole: a final
 * (not retried) ProviderError saying how large the cap is. Every HTTP-backed provider, JSON and streaming.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ProviderError } from '../../src/errors.js';
import anthropic from '../../src/providers/anthropic.js';
import http from '../../src/providers/http.js';
import ollama from '../../src/providers/ollama.js';
import openai from '../../src/providers/openai.js';
import type { Provider } from '../../src/types.js';
import { startFakeAnthropic, startFakeOllama, startFakeOpenAI, type FakeServer } from '../fakes/index.js';
import { liveSignal, makeRequest, makeSpec, rejectionOf } from '../fakes/provider-spec.js';

// 128 KB of words, the answer the fakes send back, against a cap of 64 KB. Small on purpose: a streamed answer
// is one SSE frame per word, and megabytes of frames took the fakes seconds to write.
const CAP = 64 * 1024;
const HUGE = 'word '.repeat((2 * CAP) / 5);
const CAPPED = { maxResponseBytes: CAP };

let servers: { openai: FakeServer; anthropic: FakeServer; ollama: FakeServer };
beforeAll(async () => {
  const [o, a, l] = await Promise.all([startFakeOpenAI(), startFakeAnthropic(), startFakeOllama()]);
  servers = { openai: o, anthropic: a, ollama: l };
});
afterAll(() => Promise.all(Object.values(servers).map((s) => s.close())));
beforeEach(() => {
  for (const s of Object.values(servers)) s.setBehaviour({ answer: () => HUGE, failures: [] });
});

const providers: Record<string, (config: Record<string, unknown>) => Provider | Promise<Provider>> = {
  openai: (config) => openai.create(makeSpec('openai', 'gpt-4o-mini', { baseUrl: `${servers.openai.url}/v1`, ...config }, { OPENAI_API_KEY: 'sk-test' })),
  // The fake Anthropic API cuts answers at max_tokens words.
  anthropic: (config) =>
    anthropic.create(makeSpec('anthropic', 'claude-3-5-haiku-latest', { baseUrl: servers.anthropic.url, maxTokens: 1_000_000, ...config }, { ANTHROPIC_API_KEY: 'sk-ant-test' })),
  ollama: (config) => ollama.create(makeSpec('ollama', 'llama3.2', { host: servers.ollama.url, ...config })),
  http: (config) =>
    http.create(
      makeSpec('http', `${servers.openai.url}/v1/chat/completions`, {
        body: { model: 'gpt-4o-mini', messages: '{{ messages }}' },
        responsePath: 'choices[0].message.content',
        ...config,
      }),
    ),
};

async function tooLarge(name: string, config: Record<string, unknown>): Promise<ProviderError> {
  const provider = await providers[name]!(config);
  const error = await rejectionOf(provider.generate(makeRequest('hello'), { signal: liveSignal() }));
  expect(error).toBeInstanceOf(ProviderError);
  return error as ProviderError;
}

describe('response size cap', () => {
  for (const name of Object.keys({ openai: 1, anthropic: 1, ollama: 1, http: 1 })) {
    for (const stream of name === 'http' ? [false] : [false, true]) {
      it(`${name}${stream ? ' (streaming)' : ''}: an answer over maxResponseBytes is a final error naming the cap`, async () => {
        const error = await tooLarge(name, { ...CAPPED, ...(stream ? { stream: true } : {}) });
        expect(error.message).toMatch(/response larger than 64 KB \(maxResponseBytes\)/);
        expect(error.retryable).toBe(false);
      });
    }
  }

  it('lets an answer under the cap through unchanged', async () => {
    servers.openai.setBehaviour({ answer: () => 'small answer' });
    const provider = await providers['openai']!(CAPPED);
    expect((await provider.generate(makeRequest('hello'), { signal: liveSignal() })).output).toBe('small answer');
  });
});
