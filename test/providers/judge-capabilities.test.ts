/**
 * The provider side of model-graded metrics, through the real SDKs against the fake servers: a `structured`
 * request becomes a forced tool call (openai, anthropic) or a `format` schema (ollama) and answers with the
 * object's JSON; `embed` reads /v1/embeddings and /api/embed; the mock judges and embeds offline.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import anthropic from '../../src/providers/anthropic.js';
import mock from '../../src/providers/mock.js';
import { mockEmbedding, MOCK_EMBEDDING_DIMS } from '../../src/providers/mock-embedding.js';
import ollama from '../../src/providers/ollama.js';
import openai from '../../src/providers/openai.js';
import type { GenerateRequest, StructuredOutput } from '../../src/types.js';
import { embedText, startFakeAnthropic, startFakeOllama, startFakeOpenAI, type FakeServer } from '../fakes/index.js';
import { liveSignal, makeRequest, makeSpec, rejectionOf, serialise } from '../fakes/provider-spec.js';

const KEY = 'sk-judge-SECRET-5a5a5a5a';
const VERDICT: StructuredOutput = {
  name: 'submit_verdict',
  description: 'Submit the verdict.',
  schema: {
    type: 'object',
    required: ['pass', 'score', 'reason'],
    properties: { pass: { type: 'boolean' }, score: { type: 'number' }, reason: { type: 'string' } },
  },
};
const ANSWER = '{"pass": true, "score": 0.75, "reason": "close enough"}';

function judgeRequest(): GenerateRequest {
  return { ...makeRequest([{ role: 'system', content: 'You grade.' }, { role: 'user', content: 'Grade: Paris' }]), structured: VERDICT };
}

let openaiServer: FakeServer;
let anthropicServer: FakeServer;
let ollamaServer: FakeServer;
beforeAll(async () => {
  [openaiServer, anthropicServer, ollamaServer] = await Promise.all([
    startFakeOpenAI({ apiKey: KEY }),
    startFakeAnthropic({ apiKey: KEY }),
    startFakeOllama(),
  ]);
});
afterAll(() => Promise.all([openaiServer.close(), anthropicServer.close(), ollamaServer.close()]));
beforeEach(() => {
  for (const server of [openaiServer, anthropicServer, ollamaServer]) {
    server.setBehaviour({ failures: [], answer: () => ANSWER });
    server.requests.length = 0;
  }
});

const openaiProvider = (config: Record<string, unknown> = {}, model = 'gpt-4o-mini') =>
  openai.create(makeSpec('openai', model, { baseUrl: `${openaiServer.url}/v1`, ...config }, { OPENAI_API_KEY: KEY }));
const anthropicProvider = (config: Record<string, unknown> = {}) =>
  anthropic.create(makeSpec('anthropic', 'claude-3-5-haiku-latest', { baseUrl: anthropicServer.url, ...config }, { ANTHROPIC_API_KEY: KEY }));
const ollamaProvider = (model = 'llama3.2') => ollama.create(makeSpec('ollama', model, { host: ollamaServer.url }));

describe('structured requests', () => {
  it('openai forces one function call and answers with its arguments as written', async () => {
    const result = await (await openaiProvider()).generate(judgeRequest(), { signal: liveSignal() });
    expect(result.output).toBe(ANSWER);
    expect(result.finishReason).toBe('tool_calls');
    const body = openaiServer.requests[0]!.body;
    expect(body.tools).toEqual([
      { type: 'function', function: { name: 'submit_verdict', description: 'Submit the verdict.', parameters: VERDICT.schema } },
    ]);
    expect(body.tool_choice).toEqual({ type: 'function', function: { name: 'submit_verdict' } });
  });

  it('openai passes garbage arguments through untouched, for the metric to reject', async () => {
    openaiServer.setBehaviour({ answer: () => 'pass: yes' });
    expect((await (await openaiProvider()).generate(judgeRequest(), { signal: liveSignal() })).output).toBe('pass: yes');
  });

  it('openai never streams a structured request, even with stream: true', async () => {
    const result = await (await openaiProvider({ stream: true })).generate(judgeRequest(), { signal: liveSignal() });
    expect(result.output).toBe(ANSWER);
    expect(openaiServer.requests[0]!.body.stream).toBeUndefined();
  });

  it('anthropic forces the tool and answers with its input as JSON', async () => {
    const result = await (await anthropicProvider()).generate(judgeRequest(), { signal: liveSignal() });
    expect(JSON.parse(result.output)).toEqual(JSON.parse(ANSWER));
    expect(result.finishReason).toBe('tool_calls');
    const body = anthropicServer.requests[0]!.body;
    expect(body.tools).toEqual([{ name: 'submit_verdict', description: 'Submit the verdict.', input_schema: VERDICT.schema }]);
    expect(body.tool_choice).toEqual({ type: 'tool', name: 'submit_verdict' });
    expect(body.system).toBe('You grade.');
  });

  it('anthropic leaves a text answer (a model ignoring the tool) as the output', async () => {
    anthropicServer.setBehaviour({ answer: () => 'I think it passes.' });
    const result = await (await anthropicProvider()).generate(judgeRequest(), { signal: liveSignal() });
    expect(result.output).toBe('I think it passes.');
  });

  it('ollama sends the schema as format and answers with the content', async () => {
    const result = await (await ollamaProvider()).generate(judgeRequest(), { signal: liveSignal() });
    expect(result.output).toBe(ANSWER);
    expect(ollamaServer.requests[0]!.body).toMatchObject({ format: VERDICT.schema, stream: false });
  });

  it('a plain request sends no tools and no format', async () => {
    await (await openaiProvider()).generate(makeRequest('hi'), { signal: liveSignal() });
    await (await ollamaProvider()).generate(makeRequest('hi'), { signal: liveSignal() });
    expect(openaiServer.requests[0]!.body.tools).toBeUndefined();
    expect(ollamaServer.requests[0]!.body.format).toBeUndefined();
  });
});

describe('embeddings', () => {
  it('openai embeds a batch in order, with usage, through /v1/embeddings', async () => {
    const p = await openaiProvider({}, 'text-embedding-3-small');
    const result = await p.embed!(['red apple pie', 'quarterly revenue'], { signal: liveSignal() });
    expect(result.embeddings).toHaveLength(2);
    result.embeddings.forEach((vector, i) => {
      const expected = embedText(['red apple pie', 'quarterly revenue'][i]!);
      vector.forEach((v, j) => expect(v).toBeCloseTo(expected[j]!, 6));
    });
    expect(result.usage).toEqual({ input: 5, output: 0, total: 5 });
    expect(openaiServer.requests[0]).toMatchObject({ path: '/v1/embeddings', body: { model: 'text-embedding-3-small' } });
  });

  it('openai turns an embeddings 500 into a retryable ProviderError without the key', async () => {
    openaiServer.setBehaviour({ failures: [{ status: 500 }] });
    const error = await rejectionOf((await openaiProvider({}, 'text-embedding-3-small')).embed!(['x'], { signal: liveSignal() }));
    expect(error).toMatchObject({ code: 'PROVIDER_ERROR', status: 500, retryable: true });
    expect(serialise(error)).not.toContain(KEY);
  });

  it('ollama embeds through /api/embed', async () => {
    const result = await (await ollamaProvider('nomic-embed-text')).embed!(['hello world', 'goodbye'], { signal: liveSignal() });
    expect(result.embeddings).toEqual([embedText('hello world'), embedText('goodbye')]);
    expect(result.usage).toEqual({ input: 3, output: 0, total: 3 });
    expect(ollamaServer.requests[0]).toMatchObject({ path: '/api/embed', body: { model: 'nomic-embed-text', input: ['hello world', 'goodbye'] } });
  });

  it('ollama reports an HTTP error with its status', async () => {
    ollamaServer.setBehaviour({ failures: [{ status: 503 }] });
    const error = await rejectionOf((await ollamaProvider('nomic-embed-text')).embed!(['x'], { signal: liveSignal() }));
    expect(error).toMatchObject({ code: 'PROVIDER_ERROR', status: 503, retryable: true });
  });
});

describe('mock as judge and embedder', () => {
  const spec = (config: Record<string, unknown>) => makeSpec('mock', 'judge', config);

  it('answers a structured request with the scripted text as is, matching the judge prompt', async () => {
    const judge = await mock.create(spec({ answers: [{ match: 'Paris', output: ANSWER }], default: '{"pass": false}' }));
    expect((await judge.generate(judgeRequest(), { signal: liveSignal() })).output).toBe(ANSWER);
    const other = { ...judgeRequest(), messages: [{ role: 'user' as const, content: 'Lyon' }], prompt: 'Lyon' };
    expect((await judge.generate(other, { signal: liveSignal() })).output).toBe('{"pass": false}');
  });

  it('scripts answers by repeat index with `outputs`, cycling, and substitutes {{prompt}}', async () => {
    const judge = await mock.create(spec({ answers: [{ match: 'grade', outputs: ['a', 'b {{prompt}}'] }] }));
    const at = async (repeatIndex: number) => (await judge.generate({ ...makeRequest('grade it'), repeatIndex }, { signal: liveSignal() })).output;
    expect([await at(0), await at(1), await at(2)]).toEqual(['a', 'b grade it', 'a']);
  });

  it('embeds offline: unit vectors, deterministic, paraphrases close and unrelated texts far', async () => {
    const embedder = await mock.create(spec({}));
    const { embeddings, usage } = await embedder.embed!(
      ['How do I reset my password?', 'How can I reset my password?', 'What is the weather like today?'],
      { signal: liveSignal() },
    );
    const [a, b, c] = embeddings as [number[], number[], number[]];
    const dot = (x: number[], y: number[]) => x.reduce((s, v, i) => s + v * y[i]!, 0);
    expect(a).toHaveLength(MOCK_EMBEDDING_DIMS);
    expect(dot(a, a)).toBeCloseTo(1, 10);
    expect(a).toEqual(mockEmbedding('how do I RESET my password'));
    expect(dot(a, b)).toBeGreaterThan(0.8);
    expect(dot(a, c)).toBeLessThan(0.2);
    expect(usage?.input).toBeGreaterThan(0);
    expect(mockEmbedding('!!!').every((v) => v === 0)).toBe(true);
  });
});
