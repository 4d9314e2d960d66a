import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LlmlabError } from '../../src/errors.js';
import google from '../../src/providers/google.js';
import type { GenerateRequest, Provider, StructuredOutput, ToolDefinition } from '../../src/types.js';
import { embedText } from '../fakes/harness.js';
import { startFakeGoogle } from '../fakes/google.js';
import type { FakeServer } from '../fakes/google.js';
import { failureModeTests } from '../fakes/failure-modes.js';
import { liveSignal, makeRequest, makeSpec, rejectionOf, serialise } from '../fakes/provider-spec.js';
import { CONTRACT_SECRET, makeProviderSpec, testProvider } from '../fixtures/providers/test-provider.js';

const KEY = 'AIza-test-SECRET-0123456789abcdef';
const MODEL = 'gemini-2.5-flash';
const PATH = `/v1beta/models/${MODEL}:generateContent`;
let server: FakeServer;

beforeAll(async () => {
  server = await startFakeGoogle({ apiKey: KEY });
});
afterAll(() => server.close());
beforeEach(() => {
  server.setBehaviour({ failures: [], latencyMs: 0, chunkDelayMs: 0, apiKey: KEY, answer: undefined });
  server.requests.length = 0;
});

async function provider(config: Record<string, unknown> = {}, env: Record<string, string> = { GOOGLE_API_KEY: KEY }): Promise<Provider> {
  return google.create(makeSpec('google', MODEL, { baseUrl: server.url, ...config }, env));
}

const WEATHER: ToolDefinition = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Weather in a city',
    parameters: {
      $schema: 'http://json-schema.org/draft-07/schema#',
      type: 'object',
      additionalProperties: false,
      properties: { city: { type: 'string' }, unit: { type: ['string', 'null'], enum: ['c', 'f'] } },
      required: ['city'],
    },
    strict: true,
  },
};

describe('google provider', () => {
  failureModeTests({ api: 'Google', server: () => server, provider, key: KEY });

  it('answers with output, usage, finish reason and model, sending the key in x-goog-api-key', async () => {
    const p = await provider();
    const result = await p.generate(makeRequest('how are you today'), { signal: liveSignal() });
    expect(result).toMatchObject({ output: 'echo: how are you today', finishReason: 'stop', model: MODEL });
    expect(result.usage).toEqual({ input: 4, output: 5, total: 9 });
    expect(result.raw).toMatchObject({ modelVersion: MODEL, finishReason: 'STOP' });
    expect(result.toolCalls).toBeUndefined();
    expect(p).toMatchObject({ id: `google:${MODEL}`, type: 'google', model: MODEL });
    expect(server.requests[0]).toMatchObject({ method: 'POST', path: PATH });
    expect(server.requests[0]?.headers['x-goog-api-key']).toBe(KEY);
  });

  it('streams over SSE and accumulates text and usage', async () => {
    server.setBehaviour({ answer: () => 'one two three four' });
    const result = await (await provider({ stream: true })).generate(makeRequest('count to four'), { signal: liveSignal() });
    expect(result).toMatchObject({ output: 'one two three four', finishReason: 'stop', model: MODEL });
    expect(result.usage).toEqual({ input: 3, output: 4, total: 7 });
    expect(server.requests[0]?.path).toBe(`/v1beta/models/${MODEL}:streamGenerateContent`);
  });

  it('sends system messages as systemInstruction, assistant turns as model, and the sampling parameters', async () => {
    const config = {
      temperature: 0.2,
      maxTokens: 2,
      topP: 0.8,
      topK: 40,
      stop: 'END',
      systemInstruction: 'Be brief.',
      safetySettings: [{ category: 'HARM_CATEGORY_DANGEROUS_CONTENT', threshold: 'BLOCK_ONLY_HIGH' }],
      generationConfig: { thinkingConfig: { thinkingBudget: 0 } },
      extraBody: { labels: { team: 'eval' } },
    };
    const result = await (await provider(config)).generate(
      makeRequest([
        { role: 'system', content: 'You are terse.' },
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: 'Hello.' },
        { role: 'user', content: 'a b c' },
      ]),
      { signal: liveSignal() },
    );
    expect(server.requests[0]?.body).toEqual({
      contents: [
        { role: 'user', parts: [{ text: 'Hi' }] },
        { role: 'model', parts: [{ text: 'Hello.' }] },
        { role: 'user', parts: [{ text: 'a b c' }] },
      ],
      systemInstruction: { role: 'user', parts: [{ text: 'Be brief.\n\nYou are terse.' }] },
      generationConfig: {
        temperature: 0.2,
        maxOutputTokens: 2,
        topP: 0.8,
        topK: 40,
        stopSequences: ['END'],
        thinkingConfig: { thinkingBudget: 0 },
      },
      safetySettings: [{ category: 'HARM_CATEGORY_DANGEROUS_CONTENT', threshold: 'BLOCK_ONLY_HIGH' }],
      labels: { team: 'eval' },
    });
    expect(result).toMatchObject({ output: 'echo: a', finishReason: 'length' });
  });

  it('declares tools as function declarations in the subset of JSON Schema Gemini accepts', async () => {
    const request: GenerateRequest = { ...makeRequest('weather in Paris?'), tools: [WEATHER], toolChoice: 'required' };
    await (await provider()).generate(request, { signal: liveSignal() });
    expect(server.requests[0]?.body).toMatchObject({
      tools: [
        {
          functionDeclarations: [
            {
              name: 'get_weather',
              description: 'Weather in a city',
              parameters: {
                type: 'OBJECT',
                properties: { city: { type: 'STRING' }, unit: { type: 'STRING', nullable: true, enum: ['c', 'f'] } },
                required: ['city'],
              },
            },
          ],
        },
      ],
      toolConfig: { functionCallingConfig: { mode: 'ANY' } },
    });
    const sent = JSON.stringify(server.requests[0]?.body);
    for (const keyword of ['additionalProperties', '$schema', 'strict']) expect(sent).not.toContain(keyword);
  });

  it('sends Gemini-native tools from the config beside the prompt\'s, in the SDK\'s spelling', async () => {
    const native = [
      { google_search: {} },
      { function_declarations: [{ name: 'lookup', parameters: { type: 'OBJECT', properties: { q: { type: 'STRING' } } } }] },
    ];
    const request: GenerateRequest = { ...makeRequest('x'), tools: [WEATHER] };
    await (await provider({ tools: native })).generate(request, { signal: liveSignal() });
    const tools = server.requests[0]?.body.tools;
    expect(tools).toHaveLength(3);
    expect(tools[0].functionDeclarations[0].name).toBe('get_weather');
    expect(tools[1]).toEqual({ googleSearch: {} });
    expect(tools[2]).toEqual({ functionDeclarations: [{ name: 'lookup', parameters: { type: 'OBJECT', properties: { q: { type: 'STRING' } } } }] });
    // A tool kind the SDK would drop without a word is a config error instead.
    const validate = new Ajv2020({ strict: true }).compile(google.optionsSchema!);
    expect(validate({ tools: native })).toBe(true);
    expect(validate({ tools: [{ googleMaps: {} }] })).toBe(false);
  });

  it('returns the functionCall parts as toolCalls, arguments as JSON text, output the text part', async () => {
    server.setBehaviour({
      answer: () => JSON.stringify({ functionCalls: [{ name: 'get_weather', args: { city: 'Paris' } }, { name: 'get_weather', args: { city: 'Oslo' } }] }),
    });
    for (const stream of [false, true]) {
      const request: GenerateRequest = { ...makeRequest('weather?'), tools: [WEATHER], toolChoice: { name: 'get_weather' } };
      const result = await (await provider({ stream })).generate(request, { signal: liveSignal() });
      expect(result.toolCalls).toEqual([
        { name: 'get_weather', arguments: '{"city":"Paris"}' },
        { name: 'get_weather', arguments: '{"city":"Oslo"}' },
      ]);
      expect(result).toMatchObject({ output: '', finishReason: 'tool_calls' });
    }
    expect(server.requests[0]?.body.toolConfig).toEqual({ functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['get_weather'] } });
  });

  it('forces one function call for a structured request and answers with its arguments', async () => {
    const verdict: StructuredOutput = {
      name: 'submit_verdict',
      schema: { type: 'object', required: ['pass'], properties: { pass: { type: 'boolean' }, reason: { type: 'string' } } },
    };
    server.setBehaviour({ answer: () => '{"pass": true, "reason": "ok"}' });
    const request: GenerateRequest = { ...makeRequest([{ role: 'system', content: 'You grade.' }, { role: 'user', content: 'Paris' }]), structured: verdict };
    // JSON mode in the config would make Gemini refuse the forced call: the verdict's request leaves it out.
    const jsonMode = { stream: true, responseSchema: { type: 'object' }, generationConfig: { response_mime_type: 'application/json', topK: 3 } };
    const result = await (await provider(jsonMode)).generate(request, { signal: liveSignal() });
    expect(JSON.parse(result.output)).toEqual({ pass: true, reason: 'ok' });
    expect(server.requests[0]?.body.generationConfig).toEqual({ topK: 3 });
    expect(result.toolCalls).toBeUndefined();
    // Never streamed: a verdict is only useful whole.
    expect(server.requests[0]?.path).toBe(PATH);
    expect(server.requests[0]?.body).toMatchObject({
      systemInstruction: { parts: [{ text: 'You grade.' }] },
      tools: [{ functionDeclarations: [{ name: 'submit_verdict', parameters: { type: 'OBJECT', required: ['pass'] } }] }],
      toolConfig: { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['submit_verdict'] } },
    });
  });

  it('asks for JSON with a response schema', async () => {
    const schema = { type: 'object', additionalProperties: false, properties: { answer: { type: 'string' } } };
    await (await provider({ responseSchema: schema })).generate(makeRequest('x'), { signal: liveSignal() });
    expect(server.requests[0]?.body.generationConfig).toEqual({
      responseMimeType: 'application/json',
      responseSchema: { type: 'OBJECT', properties: { answer: { type: 'STRING' } } },
    });
  });

  it('embeds texts with batchEmbedContents', async () => {
    const p = await google.create(makeSpec('google', 'text-embedding-004', { baseUrl: server.url, taskType: 'SEMANTIC_SIMILARITY' }, { GEMINI_API_KEY: KEY }));
    const result = await p.embed!(['red apple', 'green pear'], { signal: liveSignal() });
    expect(result.embeddings).toEqual([embedText('red apple'), embedText('green pear')]);
    expect(server.requests[0]).toMatchObject({ path: '/v1beta/models/text-embedding-004:batchEmbedContents' });
    expect(server.requests[0]?.body.requests[0]).toMatchObject({
      model: 'models/text-embedding-004',
      content: { parts: [{ text: 'red apple' }] },
      taskType: 'SEMANTIC_SIMILARITY',
    });
  });

  it('fails an answer over maxResponseBytes while reading it, streamed or not', async () => {
    server.setBehaviour({ answer: () => 'word '.repeat(30_000) });
    for (const stream of [false, true]) {
      const error = await rejectionOf((await provider({ maxResponseBytes: 64 * 1024, stream })).generate(makeRequest('x'), { signal: liveSignal() }));
      expect(error).toMatchObject({ retryable: false, message: expect.stringMatching(/response larger than 64 KB/) });
    }
  });

  it('the fake also takes the key as a `key` query parameter, as the real API does', async () => {
    const body = JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'x' }] }] });
    const post = (query: string) => fetch(`${server.url}${PATH}${query}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect((await post(`?key=${KEY}`)).status).toBe(200);
    expect((await post('?key=wrong')).status).toBe(401);
  });

  it('has an identity with endpoint, model and parameters but no key', async () => {
    const p = await provider({ temperature: 0, topK: 5, stream: true, headers: { 'x-goog-api-key': KEY } });
    expect(p.identity).toEqual({ baseUrl: server.url, apiVersion: 'v1beta', model: MODEL, temperature: 0, topK: 5 });
    expect(serialise(p)).not.toContain(KEY);
  });

  it('says where the key comes from when the API refuses it', async () => {
    server.setBehaviour({ failures: [{ status: 403, message: 'API key not valid. Please pass a valid API key.' }] });
    const error = await rejectionOf((await provider()).generate(makeRequest('x'), { signal: liveSignal() }));
    expect(error).toMatchObject({ status: 403, retryable: false, message: 'Google API error (HTTP 403): API key not valid. Please pass a valid API key.' });
    expect((error as LlmlabError).hint).toMatch(/^check GOOGLE_API_KEY/);
  });

  it('refuses to start without a key and without a custom base URL, naming both variables', async () => {
    const error = await rejectionOf(Promise.resolve().then(() => google.create(makeSpec('google', MODEL, {}, {}))));
    expect(error).toBeInstanceOf(LlmlabError);
    expect(error).toMatchObject({ code: 'CONFIG_INVALID', message: expect.stringMatching(/^GOOGLE_API_KEY \(or GEMINI_API_KEY\) is not set/) });
  });

  it('reads promptfoo ids: the embedding infix and media APIs are errors that say what to write', () => {
    expect(google.parseModel!(MODEL, {})).toEqual({ model: MODEL });
    expect(google.parseModel!('embedding:gemini-embedding-001', {})).toMatchObject({ hint: expect.stringContaining('embedder: google:gemini-embedding-001') });
    expect(google.parseModel!('image:imagen-3.0-generate-002', {})).toMatchObject({ error: expect.stringContaining('image generation') });
    expect(google.parseModel!('gemini:2.5', {})).toMatchObject({ error: expect.stringContaining('has a `:`') });
  });
});

/** The shared provider contract, against servers of its own: one that answers, one too slow to. */
const contract = {} as { fast: FakeServer; slow: FakeServer };
beforeAll(async () => {
  contract.fast = await startFakeGoogle({ apiKey: CONTRACT_SECRET, record: false });
  contract.slow = await startFakeGoogle({ apiKey: CONTRACT_SECRET, record: false, latencyMs: 60_000 });
});
afterAll(async () => {
  await Promise.all([contract.fast.close(), contract.slow.close()]);
});
testProvider('google', ({ slow }) =>
  makeProviderSpec(`google:${MODEL}`, { baseUrl: (slow ? contract.slow : contract.fast).url, apiKeyEnv: 'CONTRACT_KEY' }),
);
