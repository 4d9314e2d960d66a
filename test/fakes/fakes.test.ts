import OpenAI from 'openai';
import { Ollama } from 'ollama';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { embedText, startFakeOllama, startFakeOpenAI } from './index.js';
import type { FakeServer } from './index.js';

const servers: FakeServer[] = [];
afterEach(async () => {
  vi.useRealTimers();
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function openaiServer(options: Parameters<typeof startFakeOpenAI>[0] = {}) {
  const server = await startFakeOpenAI(options);
  servers.push(server);
  return { server, client: new OpenAI({ apiKey: 'k', baseURL: `${server.url}/v1`, maxRetries: 0 }) };
}

function cosine(a: number[], b: number[]): number {
  return a.reduce((sum, v, i) => sum + v * (b[i] ?? 0), 0);
}

describe('fake OpenAI server', () => {
  it('serves embeddings the SDK decodes, both base64 (its default) and float', async () => {
    const { client, server } = await openaiServer();
    const decoded = await client.embeddings.create({ model: 'text-embedding-3-small', input: ['red apple pie', 'apple pie red'] });
    expect(server.requests[0]?.body.encoding_format).toBe('base64');
    expect(decoded.data).toHaveLength(2);
    const [first, second] = decoded.data.map((d) => Array.from(d.embedding));
    expect(first).toHaveLength(64);
    expect(cosine(first!, second!)).toBeCloseTo(1, 5);
    const floats = await client.embeddings.create({ model: 'text-embedding-3-small', input: 'red apple pie', encoding_format: 'float' });
    expect(floats.data[0]?.embedding).toEqual(embedText('red apple pie'));
    expect(floats.usage).toEqual({ prompt_tokens: 3, total_tokens: 3 });
  });

  it('gives related texts closer vectors than unrelated ones', () => {
    const base = embedText('the cat sat on the mat');
    expect(cosine(base, embedText('a cat sat on a mat'))).toBeGreaterThan(cosine(base, embedText('quarterly revenue grew')));
    expect(Math.hypot(...base)).toBeCloseTo(1, 10);
  });

  it('lists models', async () => {
    const { client } = await openaiServer();
    const ids = [];
    for await (const model of client.models.list()) ids.push(model.id);
    expect(ids).toContain('gpt-4o-mini');
  });

  it('keeps no requests when recording is off', async () => {
    const { client, server } = await openaiServer({ record: false });
    await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'hi' }] });
    expect(server.requests).toHaveLength(0);
  });

  it('applies latency, custom answers and runtime behaviour changes', async () => {
    const { client, server } = await openaiServer({ latencyMs: 100 });
    // A fake clock for the server's latency timer: whether it has answered is read at exact instants.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    let answered = false;
    const call = client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'hi' }] });
    void call.then(() => (answered = true));
    // (Not vi.waitFor: with fake timers it advances them.)
    while (server.requests.length === 0) await new Promise((arrived) => setImmediate(arrived));
    await vi.advanceTimersByTimeAsync(99);
    expect(answered).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await call;
    vi.useRealTimers();
    server.setBehaviour({ latencyMs: 0, answer: (body) => `model was ${body.model}` });
    const completion = await client.chat.completions.create({ model: 'm2', messages: [{ role: 'user', content: 'hi' }] });
    expect(completion.choices[0]?.message.content).toBe('model was m2');
  });

  it('answers 404 in the API error format for unknown routes', async () => {
    const { server } = await openaiServer();
    const response = await fetch(`${server.url}/v1/nope`);
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: { message: 'no route for GET /v1/nope' } });
  });

  it('closes even with a request hanging', async () => {
    const server = await startFakeOpenAI({ failures: [{ hang: true }] });
    const pending = fetch(`${server.url}/v1/models`).catch((error: unknown) => error);
    await vi.waitFor(() => expect(server.requests).toHaveLength(1));
    await server.close();
    expect(await pending).toBeInstanceOf(Error);
  });
});

describe('fake Ollama server', () => {
  it('serves embeddings and tags to the ollama client', async () => {
    const server = await startFakeOllama();
    servers.push(server);
    const client = new Ollama({ host: server.url });
    const embedded = await client.embed({ model: 'nomic-embed-text', input: ['hello world', 'goodbye'] });
    expect(embedded.embeddings).toEqual([embedText('hello world'), embedText('goodbye')]);
    const tags = await client.list();
    expect(tags.models.map((m) => m.name)).toContain('llama3.2:latest');
  });
});
