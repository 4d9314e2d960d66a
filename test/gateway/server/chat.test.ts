/**
 * The chat endpoint through the official openai SDK: answers and headers, streaming passthrough, the exact cache,
 * fallback on injected 429 / 5xx / timeouts (and no fallback on the request's own fault), and the request log.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { APIError } from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeAnthropic, startFakeOllama, startFakeOpenAI, type FakeServer } from '../../fakes/index.js';
import { fakeProvider, startTestGateway } from './helpers.js';

const fakes: FakeServer[] = [];
const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((f) => f.close()));
  await Promise.all(servers.splice(0).map((s) => new Promise((done) => s.close(done))));
});
async function fake(options: Parameters<typeof startFakeOpenAI>[0] = {}): Promise<FakeServer> {
  const server = await startFakeOpenAI(options);
  fakes.push(server);
  return server;
}
const ask = (content: string) => ({ model: 'bot', messages: [{ role: 'user' as const, content }] });

describe('POST /v1/chat/completions', () => {
  it('answers with the served candidate, the overhead, a request id, and logs tokens and cost', async () => {
    const a = await fake();
    const t = await startTestGateway(`providers:\n${fakeProvider('a', a.url)}models:\n  bot:\n    candidates: [a]\n`);
    const { data, response } = await t.client().chat.completions.create(ask('hello')).withResponse();
    expect(data.choices[0]!.message.content).toBe('echo: hello');
    expect(data.model).toBe('bot');
    expect(data.usage).toMatchObject({ prompt_tokens: 1, completion_tokens: 2 });
    expect(response.headers.get('x-llmlab-model')).toBe('a');
    expect(Number(response.headers.get('x-llmlab-overhead-ms'))).toBeGreaterThanOrEqual(0);
    const id = response.headers.get('x-llmlab-request-id')!;
    expect(data.id).toBe(`chatcmpl-${id}`);
    // The upstream got the real model and the gateway's upstream key, never the client's.
    expect(a.requests[0]!.body.model).toBe('gpt-4o-mini');
    expect(a.requests[0]!.headers.authorization).toBe('Bearer sk-upstream');
    const row = await t.gateway.runtime.gateway.log.get(id);
    expect(row).toMatchObject({ model: 'bot', candidate: 'a', status: 200, inputTokens: 1, outputTokens: 2, cached: false, stream: false });
    expect(row!.costUsd).toBeGreaterThan(0);
    expect(row!.messages).toBeUndefined();
  });

  it('passes a stream through chunk by chunk: the upstream sends its rest only after the client read the first', async () => {
    let release!: () => void;
    const released = new Promise<void>((done) => (release = done));
    const upstream = await gatedUpstream(released);
    const t = await startTestGateway(`providers:\n${fakeProvider('a', upstream)}models:\n  bot:\n    candidates: [a]\n`);
    const stream = await t.client().chat.completions.create({ ...ask('hi'), stream: true, stream_options: { include_usage: true } });
    const texts: string[] = [];
    let usage: unknown;
    for await (const chunk of stream) {
      const text = chunk.choices[0]?.delta.content;
      if (text) {
        texts.push(text);
        // Had the gateway buffered the stream, this first piece could not arrive before the release: a deadlock.
        if (texts.length === 1) release();
      }
      if (chunk.usage) usage = chunk.usage;
    }
    expect(texts).toEqual(['Hel', 'lo ', 'world']);
    expect(usage).toMatchObject({ prompt_tokens: 5, completion_tokens: 3, total_tokens: 8 });
    await t.gateway.runtime.gateway.log.flush();
    const [row] = await t.gateway.runtime.gateway.log.recent({});
    expect(row).toMatchObject({ stream: true, status: 200, inputTokens: 5, outputTokens: 3, candidate: 'a' });
  });

  it('serves a repeated request from the exact cache with no upstream call', async () => {
    const a = await fake();
    const t = await startTestGateway(`providers:\n${fakeProvider('a', a.url)}models:\n  bot:\n    candidates: [a]\n    cache: exact\n`);
    const first = await t.client().chat.completions.create(ask('same question')).withResponse();
    const second = await t.client().chat.completions.create(ask('same question')).withResponse();
    expect(a.requests).toHaveLength(1);
    expect(second.data.choices[0]!.message.content).toBe(first.data.choices[0]!.message.content);
    expect(second.response.headers.get('x-llmlab-cache')).toBe('hit');
    expect(second.response.headers.get('x-llmlab-model')).toBe('a');
    // A streamed request is served from the same entry.
    const chunks: string[] = [];
    for await (const chunk of await t.client().chat.completions.create({ ...ask('same question'), stream: true })) chunks.push(chunk.choices[0]?.delta.content ?? '');
    expect(chunks.join('')).toBe('echo: same question');
    // Other parameters are another request.
    await t.client().chat.completions.create({ ...ask('same question'), temperature: 0.5 });
    expect(a.requests).toHaveLength(2);
  });

  it.each([
    ['429', { status: 429, retryAfter: '30' }, '429'],
    ['5xx', { status: 503 }, '5xx'],
    ['a reset connection', { reset: true as const }, 'error'],
  ])('falls back to the next candidate on %s and says which one served', async (_name, failure, reason) => {
    const a = await fake({ failures: [failure] });
    const b = await fake({ answer: () => 'from b' });
    const t = await startTestGateway(`providers:\n${fakeProvider('a', a.url)}${fakeProvider('b', b.url)}models:\n  bot:\n    candidates: [a, b]\n`);
    const { data, response } = await t.client().chat.completions.create(ask('x')).withResponse();
    expect(data.choices[0]!.message.content).toBe('from b');
    expect(response.headers.get('x-llmlab-model')).toBe('b');
    const row = await t.gateway.runtime.gateway.log.get(response.headers.get('x-llmlab-request-id')!);
    expect(row!.attempts).toHaveLength(1);
    expect(row!.attempts![0]!.candidate).toBe('a');
    const metrics = await (await fetch(`${t.gateway.url}/metrics`)).text();
    expect(metrics).toContain(`llmlab_gateway_fallbacks_total{model="bot",from="a",reason="${reason}"} 1`);
  });

  it('falls back when a candidate hangs past its own timeout', async () => {
    const a = await fake({ failures: [{ hang: true }] });
    const b = await fake({ answer: () => 'from b' });
    const t = await startTestGateway(`providers:\n${fakeProvider('a', a.url, ', timeoutMs: 200')}${fakeProvider('b', b.url)}models:\n  bot:\n    candidates: [a, b]\n`);
    const answer = await t.client().chat.completions.create(ask('x'));
    expect(answer.choices[0]!.message.content).toBe('from b');
  });

  it('answers 502 naming every attempt when all candidates fail, and a 400 from upstream without falling back', async () => {
    const a = await fake({ failures: [{ status: 500 }, { status: 400, message: 'bad messages' }] });
    const b = await fake({ failures: [{ status: 502 }] });
    const t = await startTestGateway(`providers:\n${fakeProvider('a', a.url)}${fakeProvider('b', b.url)}models:\n  bot:\n    fallback: { failures: 10 }\n    candidates: [a, b]\n`);
    const all = await t.client().chat.completions.create(ask('x')).catch((e: unknown) => e);
    expect(all).toBeInstanceOf(APIError);
    expect((all as APIError).status).toBe(502);
    expect((all as APIError).message).toMatch(/a \(HTTP 500\).*b \(HTTP 502\)/);
    const bad = await t.client().chat.completions.create(ask('x')).catch((e: unknown) => e);
    expect((bad as APIError).status).toBe(400);
    expect(b.requests).toHaveLength(1);
  });

  it('reaches Anthropic and Ollama models through their providers, streamed and not', async () => {
    const anthropic = await startFakeAnthropic();
    const ollama = await startFakeOllama();
    fakes.push(anthropic, ollama);
    const t = await startTestGateway(
      `providers:\n  - { id: "anthropic:claude-3-5-haiku-latest", label: claude, config: { baseUrl: "${anthropic.url}" } }\n` +
        `  - { id: "ollama:llama3.2", label: llama, config: { host: "${ollama.url}" } }\n` +
        'models:\n  claude:\n    candidates: [claude]\n  llama:\n    candidates: [llama]\n',
      {},
      { env: { ANTHROPIC_API_KEY: 'sk-ant-test' } },
    );
    for (const model of ['claude', 'llama']) {
      const whole = await t.client().chat.completions.create({ model, messages: [{ role: 'user', content: 'hello there' }], max_tokens: 50 });
      expect(whole.choices[0]!.message.content).toMatch(/hello there/);
      expect(whole.usage!.completion_tokens).toBeGreaterThan(0);
      let text = '';
      let usage: unknown;
      for await (const chunk of await t.client().chat.completions.create({ model, messages: [{ role: 'user', content: 'hello there' }], stream: true, stream_options: { include_usage: true } })) {
        text += chunk.choices[0]?.delta.content ?? '';
        if (chunk.usage) usage = chunk.usage;
      }
      expect(text).toBe(whole.choices[0]!.message.content);
      expect(usage).toMatchObject({ completion_tokens: whole.usage!.completion_tokens });
    }
    expect(anthropic.requests[0]!.headers.authorization).toBe('Bearer sk-ant-test');
  });

  it('fastest: once both are measured, first tries go to the quicker candidate', async () => {
    const slow = await fake({ latencyMs: 300, answer: () => 'slow' });
    const quick = await fake({ answer: () => 'quick' });
    const t = await startTestGateway(`providers:\n${fakeProvider('slow', slow.url)}${fakeProvider('quick', quick.url)}models:\n  bot:\n    strategy: fastest\n    candidates: [slow, quick]\n`);
    const served: string[] = [];
    for (let i = 0; i < 4; i++) served.push((await t.client().chat.completions.create(ask(`q${i}`))).choices[0]!.message.content!);
    // Unmeasured candidates are tried first, once each, to measure them; then the quick one wins.
    expect(served.slice(2)).toEqual(['quick', 'quick']);
    expect(slow.requests).toHaveLength(1);
  });

  it('never hands its upstream key to a client or the log, also when the upstream echoes it', async () => {
    const key = 'sk-upstream-0123456789abcdef';
    const a = await fake({ answer: () => `your key is ${key}`, failures: [{ status: 400, message: `Incorrect API key provided: ${key}` }] });
    const t = await startTestGateway(`providers:\n${fakeProvider('a', a.url)}models:\n  bot:\n    candidates: [a]\nlog: full\n`, {}, { env: { OPENAI_API_KEY: key } });
    const refused = await t.client().chat.completions.create(ask('x')).catch((e: unknown) => e);
    expect((refused as APIError).status).toBe(400);
    expect(JSON.stringify((refused as APIError).error)).not.toContain(key);
    const answer = await t.client().chat.completions.create(ask('x'));
    expect(answer.choices[0]!.message.content).toBe('your key is [REDACTED:OPENAI_API_KEY]');
    let streamed = '';
    for await (const chunk of await t.client().chat.completions.create({ ...ask('y'), stream: true })) streamed += chunk.choices[0]?.delta.content ?? '';
    expect(streamed).not.toContain(key);
    await t.gateway.runtime.gateway.log.flush();
    expect(JSON.stringify(await t.gateway.runtime.gateway.log.recent({}))).not.toContain(key);
  });

  it('refuses what it cannot serve in OpenAI\'s error shape: an unknown model, a body that is not JSON', async () => {
    const a = await fake();
    const t = await startTestGateway(`providers:\n${fakeProvider('a', a.url)}models:\n  bot:\n    candidates: [a]\n`);
    const unknown = await t.client().chat.completions.create({ ...ask('x'), model: 'gpt-5' }).catch((e: unknown) => e);
    expect((unknown as APIError).status).toBe(404);
    expect((unknown as APIError).message).toMatch(/serves: bot/);
    const raw = await fetch(`${t.gateway.url}/v1/chat/completions`, { method: 'POST', body: '{not json', headers: { 'content-type': 'application/json' } });
    expect(raw.status).toBe(400);
    expect(((await raw.json()) as { error: { message: string } }).error.message).toMatch(/not JSON/);
  });
});

/** An OpenAI-style SSE upstream that sends its first content chunk, then waits for `gate` before the rest. */
async function gatedUpstream(gate: Promise<void>): Promise<string> {
  const frame = (delta: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
    `data: ${JSON.stringify({ id: 'x', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o-mini', choices: [{ index: 0, delta, finish_reason: null }], ...extra })}\n\n`;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', async () => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(frame({ role: 'assistant', content: 'Hel' }));
      await gate;
      res.write(frame({ content: 'lo ' }) + frame({ content: 'world' }));
      res.write(`data: ${JSON.stringify({ id: 'x', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o-mini', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] })}\n\n`);
      res.write(`data: ${JSON.stringify({ id: 'x', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o-mini', choices: [], usage: { prompt_tokens: 5, completion_tokens: 3, total_tokens: 8 } })}\n\n`);
      res.end('data: [DONE]\n\n');
    });
  });
  servers.push(server);
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
