import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import openai from '../../src/providers/openai.js';
import { respond } from '../../src/providers/openai-responses.js';
import type { Provider } from '../../src/types.js';
import { failureModeTests } from '../fakes/failure-modes.js';
import { startFakeOpenAI } from '../fakes/openai.js';
import type { FakeServer } from '../fakes/openai.js';
import { liveSignal, makeRequest, makeSpec, serialise } from '../fakes/provider-spec.js';
import { CONTRACT_SECRET, makeProviderSpec, testProvider } from '../fixtures/providers/test-provider.js';

const KEY = 'sk-test-SECRET-responses-0123456789';
let server: FakeServer;

beforeAll(async () => {
  server = await startFakeOpenAI({ apiKey: KEY });
});
afterAll(() => server.close());
beforeEach(() => {
  server.setBehaviour({ failures: [], latencyMs: 0, chunkDelayMs: 0, apiKey: KEY, answer: undefined });
  server.requests.length = 0;
});

async function provider(config: Record<string, unknown> = {}): Promise<Provider> {
  return openai.create(makeSpec('openai', 'gpt-4.1', { baseUrl: `${server.url}/v1`, api: 'responses', ...config }, { OPENAI_API_KEY: KEY }));
}

const weather = {
  type: 'function' as const,
  function: { name: 'get_weather', description: 'Weather in a city', parameters: { type: 'object', properties: { city: { type: 'string' } } } },
};

describe('openai provider, api: responses', () => {
  failureModeTests({ api: 'OpenAI', server: () => server, provider, key: KEY, streams: false });

  it('answers from POST /v1/responses with output, usage, finish reason and model', async () => {
    const p = await provider();
    const result = await p.generate(makeRequest('how are you'), { signal: liveSignal() });
    expect(server.requests[0]).toMatchObject({ method: 'POST', path: '/v1/responses' });
    expect(result).toMatchObject({ output: 'echo: how are you', finishReason: 'stop', model: 'gpt-4.1' });
    expect(result.usage).toEqual({ input: 3, output: 4, total: 7, cachedInput: 0 });
    expect(serialise(result)).not.toContain(KEY);
  });

  it('sends messages as input, sampling in Responses spelling, text.format, tools and extraBody', async () => {
    const config = {
      temperature: 0.2,
      maxTokens: 50,
      topP: 0.9,
      responseFormat: { type: 'json_schema', json_schema: { name: 'answer', schema: { type: 'object' }, strict: true } },
      extraBody: { instructions: 'Be brief', reasoning: { effort: 'low' }, user: 'u-1' },
    };
    const request = {
      ...makeRequest([
        { role: 'system', content: 'You are terse.' },
        { role: 'user', content: 'Weather in Paris?' },
      ]),
      tools: [weather, { type: 'function' as const, function: { name: 'noop', strict: true } }],
      toolChoice: { name: 'get_weather' },
    };
    await (await provider(config)).generate(request, { signal: liveSignal() });
    expect(server.requests[0]?.body).toEqual({
      model: 'gpt-4.1',
      temperature: 0.2,
      max_output_tokens: 50,
      top_p: 0.9,
      text: { format: { type: 'json_schema', name: 'answer', schema: { type: 'object' }, strict: true } },
      instructions: 'Be brief',
      reasoning: { effort: 'low' },
      user: 'u-1',
      input: [
        { role: 'system', content: 'You are terse.' },
        { role: 'user', content: 'Weather in Paris?' },
      ],
      tools: [
        { type: 'function', name: 'get_weather', description: 'Weather in a city', parameters: weather.function.parameters, strict: false },
        { type: 'function', name: 'noop', parameters: { type: 'object', properties: {} }, strict: true },
      ],
      tool_choice: { type: 'function', name: 'get_weather' },
    });
  });

  it('sends json_object as text.format and auto/none/required tool_choice as words', async () => {
    const p = await provider({ responseFormat: { type: 'json_object' } });
    await p.generate({ ...makeRequest('x'), tools: [weather], toolChoice: 'required' }, { signal: liveSignal() });
    expect(server.requests[0]?.body).toMatchObject({ text: { format: { type: 'json_object' } }, tool_choice: 'required' });
  });

  it('returns function_call items as toolCalls, and the text as output', async () => {
    const prompt = 'call get_weather {"city":"Paris"}\ncall get_weather {"city":"Rome"}';
    const result = await (await provider()).generate({ ...makeRequest(prompt), tools: [weather] }, { signal: liveSignal() });
    expect(result.toolCalls).toEqual([
      { id: 'call_fake' + idOf(result.raw) + '_0', name: 'get_weather', arguments: '{"city":"Paris"}' },
      { id: 'call_fake' + idOf(result.raw) + '_1', name: 'get_weather', arguments: '{"city":"Rome"}' },
    ]);
    expect(result.output).toBe('');
    expect(result.finishReason).toBe('tool_calls');
  });

  it('answers a structured request (a judge verdict) with the forced call\'s arguments', async () => {
    server.setBehaviour({ answer: () => '{"pass":true,"reason":"ok"}' });
    const p = await provider({ responseFormat: { type: 'json_object' } });
    const schema = { type: 'object', properties: { pass: { type: 'boolean' } } };
    const result = await p.generate({ ...makeRequest('grade this'), structured: { name: 'verdict', schema } }, { signal: liveSignal() });
    expect(result.output).toBe('{"pass":true,"reason":"ok"}');
    expect(result.toolCalls).toBeUndefined();
    const body = server.requests[0]?.body;
    expect(body.tools).toEqual([{ type: 'function', name: 'verdict', parameters: schema, strict: false }]);
    expect(body.tool_choice).toEqual({ type: 'function', name: 'verdict' });
    expect(body.text).toBeUndefined();
  });

  it('reports an answer cut at max_output_tokens (status incomplete) as length', async () => {
    const result = await (await provider({ maxTokens: 2 })).generate(makeRequest('a b c d'), { signal: liveSignal() });
    expect(result).toMatchObject({ output: 'echo: a', finishReason: 'length' });
    expect(result.raw).toMatchObject({ status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } });
  });

  it('asks for output_text logprobs when the request wants them', async () => {
    server.setBehaviour({ answer: () => 'one two', tokenLogprob: (token) => (token.startsWith('one') ? -0.5 : -1.5) });
    const result = await (await provider()).generate({ ...makeRequest('x'), logprobs: true }, { signal: liveSignal() });
    expect(server.requests[0]?.body.include).toEqual(['message.output_text.logprobs']);
    expect(result.logprobs).toEqual([-0.5, -1.5]);
  });

  it('has an identity that says responses, so chat and responses answers never share a cache entry', async () => {
    const responses = await provider({ maxTokens: 64 });
    const chat = await openai.create(makeSpec('openai', 'gpt-4.1', { baseUrl: `${server.url}/v1`, maxTokens: 64 }, { OPENAI_API_KEY: KEY }));
    expect(responses.identity).toEqual({ baseUrl: `${server.url}/v1`, model: 'gpt-4.1', max_output_tokens: 64, api: 'responses' });
    expect(chat.identity).not.toHaveProperty('api');
  });
});

describe('respond: answers the fake server does not give', () => {
  /** A client whose only call returns `answer`: the SDK's own parsing is covered above. */
  const client = (answer: unknown) => ({ responses: { create: async () => answer } }) as never;

  it('reads a content_filter stop, a refusal, and refuses a failed response', async () => {
    const filtered = { status: 'incomplete', incomplete_details: { reason: 'content_filter' }, output: [] };
    expect(await respond(client(filtered), { model: 'm' }, makeRequest('x'), liveSignal())).toMatchObject({ output: '', finishReason: 'content_filter' });
    const refused = { status: 'completed', output: [{ type: 'message', content: [{ type: 'refusal', refusal: 'I cannot help' }] }] };
    expect(await respond(client(refused), { model: 'm' }, makeRequest('x'), liveSignal())).toMatchObject({ output: 'I cannot help', finishReason: 'stop' });
    const failed = { status: 'failed', output: [], error: { code: 'server_error', message: 'boom' } };
    await expect(respond(client(failed), { model: 'm' }, makeRequest('x'), liveSignal())).rejects.toThrow('the response failed: boom');
  });
});

function idOf(raw: unknown): string {
  return String((raw as { id: string }).id).replace('resp_fake', '');
}

/** The shared provider contract with api: responses, against servers of its own: one that answers, one too slow to. */
const contract = {} as { fast: FakeServer; slow: FakeServer };
beforeAll(async () => {
  contract.fast = await startFakeOpenAI({ apiKey: CONTRACT_SECRET, record: false });
  contract.slow = await startFakeOpenAI({ apiKey: CONTRACT_SECRET, record: false, latencyMs: 60_000 });
});
afterAll(async () => {
  await Promise.all([contract.fast.close(), contract.slow.close()]);
});
testProvider('openai', ({ slow }) =>
  makeProviderSpec('openai:gpt-4.1', {
    baseUrl: `${(slow ? contract.slow : contract.fast).url}/v1`,
    apiKeyEnv: 'CONTRACT_KEY',
    api: 'responses',
  }),
);
