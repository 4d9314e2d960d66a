/**
 * `Provider.stream` of openai (and Azure, which reuses it), anthropic and ollama through their official SDKs
 * against the fake servers, and of the offline mock and echo: the deltas add up to the answer, `done` is what
 * `generate` returns, deltas arrive while the server is still writing, and failures map as generate's do.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ProviderError } from '../../src/errors.js';
import anthropic from '../../src/providers/anthropic.js';
import azure from '../../src/providers/azure.js';
import echo from '../../src/providers/echo.js';
import mock from '../../src/providers/mock.js';
import ollama from '../../src/providers/ollama.js';
import openai from '../../src/providers/openai.js';
import { finalResult } from '../../src/providers/stream-parts.js';
import type { GenerateRequest, GenerateResult, Provider, StreamPart } from '../../src/types.js';
import { startFakeAnthropic, startFakeAzure, startFakeOllama, startFakeOpenAI } from '../fakes/index.js';
import type { FakeServer } from '../fakes/index.js';
import { liveSignal, makeRequest, makeSpec, rejectionOf } from '../fakes/provider-spec.js';

const KEY = 'stream-test-SECRET-0123456789abcdef';
const ANSWER = 'one two three four five six';

interface Case {
  api: string;
  start: () => Promise<FakeServer>;
  provider: (url: string, config?: Record<string, unknown>) => Promise<Provider>;
}

const CASES: Case[] = [
  {
    api: 'OpenAI',
    start: () => startFakeOpenAI({ apiKey: KEY }),
    provider: (url, config = {}) => Promise.resolve(openai.create(makeSpec('openai', 'gpt-4o-mini', { baseUrl: `${url}/v1`, ...config }, { OPENAI_API_KEY: KEY }))),
  },
  {
    api: 'Azure OpenAI',
    start: () => startFakeAzure({ apiKey: KEY }),
    provider: (url, config = {}) => Promise.resolve(azure.create(makeSpec('azure', 'prod-mini', { endpoint: url, ...config }, { AZURE_OPENAI_API_KEY: KEY }))),
  },
  {
    api: 'Anthropic',
    start: () => startFakeAnthropic({ apiKey: KEY }),
    provider: (url, config = {}) =>
      Promise.resolve(anthropic.create(makeSpec('anthropic', 'claude-3-5-haiku-latest', { baseUrl: url, ...config }, { ANTHROPIC_API_KEY: KEY }))),
  },
  {
    api: 'Ollama',
    start: () => startFakeOllama(),
    provider: (url, config = {}) => Promise.resolve(ollama.create(makeSpec('ollama', 'llama3.2', { host: url, ...config }))),
  },
];

/** Everything a stream yielded, in order; the `done` result apart. */
async function collect(parts: AsyncIterable<StreamPart>): Promise<{ deltas: string[]; result: GenerateResult; dones: number }> {
  const deltas: string[] = [];
  let result: GenerateResult | undefined;
  let dones = 0;
  for await (const part of parts) {
    if (part.type === 'delta') deltas.push(part.text);
    else {
      dones++;
      result = part.result;
    }
  }
  if (!result) throw new Error('the stream ended without done');
  return { deltas, result, dones };
}

/** A result without what differs between two calls of the same request (the server's response id). */
function comparable(result: GenerateResult): GenerateResult {
  const { raw, latencyMs: _latency, ...rest } = result;
  const { id: _id, ...rawRest } = (raw ?? {}) as Record<string, unknown>;
  return { ...rest, raw: rawRest };
}

function streamOf(provider: Provider, request: GenerateRequest, signal = liveSignal()): AsyncIterable<StreamPart> {
  if (!provider.stream) throw new Error(`${provider.id} has no stream`);
  return provider.stream(request, { signal });
}

for (const { api, start, provider: create } of CASES) {
  describe(`${api} stream`, () => {
    let server: FakeServer;
    const provider = (config?: Record<string, unknown>) => create(server.url, config);

    beforeAll(async () => {
      server = await start();
    });
    afterAll(() => server.close());
    beforeEach(() => {
      server.setBehaviour({ failures: [], chunkDelayMs: 0, streamGate: undefined, answer: () => ANSWER });
      server.requests.length = 0;
    });

    it('yields deltas that add up to the output, then one done equal to what generate returns', async () => {
      server.setBehaviour({ chunkDelayMs: 1 });
      const p = await provider();
      const { deltas, result, dones } = await collect(streamOf(p, makeRequest('count')));
      expect(deltas.length).toBeGreaterThan(1);
      expect(deltas.join('')).toBe(ANSWER);
      expect(dones).toBe(1);
      expect(result).toMatchObject({ output: ANSWER, finishReason: 'stop' });
      expect(result.usage).toMatchObject({ input: 1, output: 6, total: 7 });
      // One parser: `stream: true` generate drains the same stream, and the JSON answer reads the same.
      const streamed = await (await provider({ stream: true })).generate(makeRequest('count'), { signal: liveSignal() });
      expect(comparable(result)).toEqual(comparable(streamed));
      const whole = await p.generate(makeRequest('count'), { signal: liveSignal() });
      expect({ output: whole.output, usage: whole.usage, finishReason: whole.finishReason }).toEqual({
        output: result.output,
        usage: result.usage,
        finishReason: result.finishReason,
      });
    });

    it('hands over the first delta while the server has not yet written the last frame', async () => {
      let seeFirstDelta!: () => void;
      const firstDelta = new Promise<void>((resolve) => (seeFirstDelta = resolve));
      let lastFrameWritten = false;
      // Only a failing provider (one that reads the whole stream before yielding) ever needs this way out.
      const failsafe = setTimeout(seeFirstDelta, 10_000);
      server.setBehaviour({
        chunkDelayMs: 1,
        streamGate: (index, count) =>
          index === count - 1
            ? firstDelta.then(() => {
                lastFrameWritten = true;
              })
            : undefined,
      });
      const seenAt: boolean[] = [];
      const deltas: string[] = [];
      for await (const part of streamOf(await provider(), makeRequest('count'))) {
        if (part.type !== 'delta') continue;
        seenAt.push(lastFrameWritten);
        deltas.push(part.text);
        seeFirstDelta();
      }
      clearTimeout(failsafe);
      expect(seenAt[0]).toBe(false);
      expect(deltas.join('')).toBe(ANSWER);
    });

    it('turns a 429 before the stream into a retryable ProviderError', async () => {
      server.setBehaviour({ failures: [{ status: 429, retryAfter: '2' }] });
      const error = await rejectionOf(collect(streamOf(await provider(), makeRequest('count'))));
      expect(error).toBeInstanceOf(ProviderError);
      expect(error).toMatchObject({ status: 429, retryable: true, retryAfterMs: 2000 });
      expect((error as Error).message).toMatch(new RegExp(`^${api} API error \\(HTTP 429\\)`));
    });

    it('turns a 500 into a retryable ProviderError', async () => {
      server.setBehaviour({ failures: [{ status: 500 }] });
      const error = await rejectionOf(collect(streamOf(await provider(), makeRequest('count'))));
      expect(error).toMatchObject({ status: 500, retryable: true });
    });

    it('reports a malformed stream as a final error, never as an answer', async () => {
      server.setBehaviour({ failures: [{ malformed: true }] });
      const error = await rejectionOf(collect(streamOf(await provider(), makeRequest('count'))));
      expect(error).toBeInstanceOf(ProviderError);
      expect(error).toMatchObject({ retryable: false });
      expect((error as Error).message).toMatch(new RegExp(`^${api} returned a malformed response`));
    });

    it('throws the abort when the signal aborts after the first delta', async () => {
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      server.setBehaviour({ streamGate: (index, count) => (index === count - 1 ? held : undefined) });
      const controller = new AbortController();
      const deltas: string[] = [];
      const error = await rejectionOf(
        (async () => {
          for await (const part of streamOf(await provider(), makeRequest('count'), controller.signal)) {
            if (part.type === 'delta') deltas.push(part.text);
            if (deltas.length === 1) controller.abort();
          }
        })(),
      );
      release();
      expect(deltas.length).toBeGreaterThanOrEqual(1);
      expect(error).toBeInstanceOf(ProviderError);
      expect(error).toMatchObject({ message: 'aborted', retryable: false });
    });
  });
}

describe('openai stream: tool calls and verdicts', () => {
  let server: FakeServer;
  beforeAll(async () => {
    server = await startFakeOpenAI({ apiKey: KEY });
  });
  afterAll(() => server.close());

  it('carries declared tool calls in done, as generate does', async () => {
    server.setBehaviour({ answer: () => 'call get_weather {"city":"Oslo"}' });
    const p = await CASES[0]!.provider(server.url);
    const tools = [{ type: 'function' as const, function: { name: 'get_weather', parameters: { type: 'object' } } }];
    const request = { ...makeRequest('weather?'), tools };
    const { deltas, result } = await collect(streamOf(p, request));
    expect(deltas).toEqual([]);
    expect(result.toolCalls).toEqual([{ id: expect.any(String), name: 'get_weather', arguments: '{"city":"Oslo"}' }]);
    expect(result.finishReason).toBe('tool_calls');
  });

  it('answers a structured request whole, without streaming it', async () => {
    server.setBehaviour({ answer: () => '{"pass": true}' });
    server.requests.length = 0;
    const p = await CASES[0]!.provider(server.url);
    const request = { ...makeRequest('grade'), structured: { name: 'verdict', schema: { type: 'object' } } };
    const { deltas, result } = await collect(streamOf(p, request));
    expect(result.output).toBe('{"pass": true}');
    expect(deltas.join('')).toBe('{"pass": true}');
    expect(server.requests[0]?.body.stream).toBeUndefined();
  });
});

describe('offline providers stream', () => {
  it('mock yields its scripted answer word by word, then what generate returns', async () => {
    const p = await mock.create(makeSpec('mock', '', { default: 'the scripted answer here' }));
    const { deltas, result } = await collect(streamOf(p, makeRequest('hi')));
    expect(deltas).toEqual(['the ', 'scripted ', 'answer ', 'here']);
    expect(result).toEqual(await p.generate(makeRequest('hi'), { signal: liveSignal() }));
  });

  it('mock fails the stream like generate (a scripted 503 first)', async () => {
    const p = await mock.create(makeSpec('mock', '', { failFirst: 1 }));
    const error = await rejectionOf(collect(streamOf(p, makeRequest('hi'))));
    expect(error).toMatchObject({ status: 503, retryable: true });
  });

  it('a stream that ends without done is not an answer', async () => {
    async function* cut(): AsyncGenerator<StreamPart> {
      yield { type: 'delta', text: 'half an ans' };
    }
    const error = await rejectionOf(finalResult(cut()));
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ message: 'the stream ended without its final part', retryable: false });
  });

  it('echo yields the prompt word by word', async () => {
    const p = await echo.create(makeSpec('echo', ''));
    const { deltas, result } = await collect(streamOf(p, makeRequest('say  this back')));
    expect(deltas.join('')).toBe('say  this back');
    expect(deltas.length).toBe(3);
    expect(result).toMatchObject({ output: 'say  this back', finishReason: 'stop' });
  });
});
