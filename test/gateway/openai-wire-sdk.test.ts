/**
 * The wire bodies of ./openai-wire.ts served by a tiny hono app on 127.0.0.1 and read by the official openai SDK:
 * what a client of the gateway sees. The app only parses and answers with scripted results; routing is not here.
 */
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  chatCompletionBody,
  chunkEvents,
  DONE,
  embeddingsBody,
  errorBody,
  modelsBody,
  parseChatRequest,
  parseEmbeddingsRequest,
  sseFrame,
  wireErrors,
} from '../../src/gateway/openai-wire.js';
import type { ChatCall, WireError } from '../../src/gateway/openai-wire.js';
import type { GenerateResult } from '../../src/types.js';

const meta = { id: 'chatcmpl-test1', model: 'support-bot', created: 1_700_000_000 };

/** What the next chat request is answered with; a stream sends `pieces` as deltas, then `result`. */
let script: { result: GenerateResult; pieces?: string[]; failAfter?: WireError } | { error: WireError };
let lastCall: ChatCall | undefined;
let server: Server;
let client: OpenAI;

function app(): Hono {
  const hono = new Hono();
  const fail = (error: WireError) => new Response(JSON.stringify(errorBody(error)), { status: error.status, headers: { 'content-type': 'application/json' } });
  hono.post('/v1/chat/completions', async (c) => {
    const parsed = parseChatRequest(await c.req.json());
    if (!parsed.ok) return fail(parsed.error);
    lastCall = parsed.call;
    if ('error' in script) return fail(script.error);
    const { result, pieces = [result.output], failAfter } = script;
    if (!parsed.call.stream) return c.json(chatCompletionBody(result, meta));
    const events = chunkEvents(meta, parsed.call.includeUsage);
    const frames = [events.start(), ...pieces.map((piece) => events.delta(piece))].map(sseFrame);
    if (failAfter) frames.push(sseFrame(errorBody(failAfter)));
    else frames.push(...events.end(result).map(sseFrame), sseFrame(DONE));
    const encoder = new TextEncoder();
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const frame of frames) controller.enqueue(encoder.encode(frame));
        controller.close();
      },
    });
    return new Response(body, { headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' } });
  });
  hono.post('/v1/embeddings', async (c) => {
    const parsed = parseEmbeddingsRequest(await c.req.json());
    if (!parsed.ok) return fail(parsed.error);
    const embeddings = parsed.call.input.map((text) => [text.length, 0.5, -0.25]);
    return c.json(embeddingsBody({ embeddings, usage: { input: 7, output: 0, total: 7 } }, parsed.call.model, parsed.call.encodingFormat));
  });
  hono.get('/v1/models', (c) => c.json(modelsBody(['support-bot', 'summariser'], 1_700_000_000)));
  return hono;
}

beforeAll(async () => {
  server = await new Promise<Server>((resolve) => {
    const started = serve({ fetch: app().fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(started as Server)) as Server;
  });
  const { port } = server.address() as AddressInfo;
  // No retries: a 429 must reach the test as the SDK's error, not as a second request.
  client = new OpenAI({ apiKey: 'sk-test', baseURL: `http://127.0.0.1:${port}/v1`, maxRetries: 0 });
});
afterAll(
  () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
);
beforeEach(() => {
  script = { result: { output: 'Hello there', usage: { input: 5, output: 2, total: 7 }, finishReason: 'stop' } };
  lastCall = undefined;
});

describe('the openai SDK against the wire bodies', () => {
  it('reads a chat completion with its usage, and sends what the parser reads', async () => {
    const completion = await client.chat.completions.create({
      model: 'support-bot',
      messages: [{ role: 'system', content: 'be brief' }, { role: 'user', content: 'hi' }],
      temperature: 0.3,
      max_completion_tokens: 50,
      user: 'u-42',
    });
    expect(completion).toMatchObject({ id: 'chatcmpl-test1', object: 'chat.completion', model: 'support-bot', created: 1_700_000_000 });
    expect(completion.choices[0]).toMatchObject({ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: 'Hello there' } });
    expect(completion.usage).toEqual({ prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 });
    expect(lastCall).toEqual({
      model: 'support-bot',
      messages: [{ role: 'system', content: 'be brief' }, { role: 'user', content: 'hi' }],
      stream: false,
      includeUsage: false,
      user: 'u-42',
      overrides: { temperature: 0.3, maxTokens: 50 },
      maxTokens: 50,
    });
  });

  it('reads tool calls', async () => {
    script = { result: { output: '', toolCalls: [{ id: 'call_1', name: 'get_weather', arguments: '{"city":"Oslo"}' }], finishReason: 'tool_calls' } };
    const completion = await client.chat.completions.create({
      model: 'support-bot',
      messages: [{ role: 'user', content: 'weather in Oslo?' }],
      tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }],
    });
    const message = completion.choices[0]!.message;
    expect(message.content).toBeNull();
    expect(message.tool_calls).toEqual([{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } }]);
    expect(completion.choices[0]!.finish_reason).toBe('tool_calls');
    expect(lastCall?.tools?.[0]?.function.name).toBe('get_weather');
  });

  it('streams chunks whose deltas add up to the answer, ending with the usage chunk', async () => {
    script = { result: { output: 'Hello there', usage: { input: 5, output: 2, total: 7 }, finishReason: 'stop' }, pieces: ['Hel', 'lo ', 'there'] };
    const stream = await client.chat.completions.create({
      model: 'support-bot',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks[0]!.choices[0]!.delta).toEqual({ role: 'assistant', content: '' });
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe('Hello there');
    expect(chunks.at(-2)!.choices[0]!.finish_reason).toBe('stop');
    const last = chunks.at(-1)!;
    expect(last.choices).toEqual([]);
    expect(last.usage).toEqual({ prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 });
    expect(chunks.slice(0, -1).every((c) => c.usage === null)).toBe(true);
    expect(lastCall).toMatchObject({ stream: true, includeUsage: true });
  });

  it('streams tool calls that the SDK\'s stream helper assembles into the final message', async () => {
    script = { result: { output: '', toolCalls: [{ id: 'call_9', name: 'lookup', arguments: '{"q":"x"}' }], finishReason: 'tool_calls' }, pieces: [] };
    const runner = client.chat.completions.stream({
      model: 'support-bot',
      messages: [{ role: 'user', content: 'look it up' }],
      tools: [{ type: 'function', function: { name: 'lookup', parameters: { type: 'object' } } }],
    });
    const final = await runner.finalChatCompletion();
    expect(final.choices[0]!.message.tool_calls).toEqual([{ id: 'call_9', type: 'function', function: { name: 'lookup', arguments: '{"q":"x"}' } }]);
    expect(final.choices[0]!.finish_reason).toBe('tool_calls');
  });

  it('raises an error event after the stream began as the SDK\'s APIError', async () => {
    script = { result: { output: 'partial' }, pieces: ['part'], failAfter: wireErrors.upstream('every candidate failed: openai:gpt-4o-mini HTTP 500') };
    const stream = await client.chat.completions.create({ model: 'support-bot', messages: [{ role: 'user', content: 'hi' }], stream: true });
    const error = await (async () => {
      try {
        for await (const _chunk of stream) void _chunk;
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect((error as Error).message).toContain('every candidate failed');
  });

  it('reads embeddings in the SDK\'s default base64 and as floats', async () => {
    const encoded = await client.embeddings.create({ model: 'embedder', input: ['ab', 'abcd'] });
    expect(encoded.data.map((d) => [d.index, Array.from(d.embedding)])).toEqual([
      [0, [2, 0.5, -0.25]],
      [1, [4, 0.5, -0.25]],
    ]);
    expect(encoded.usage).toEqual({ prompt_tokens: 7, total_tokens: 7 });
    const floats = await client.embeddings.create({ model: 'embedder', input: 'abc', encoding_format: 'float' });
    expect(floats).toMatchObject({ object: 'list', model: 'embedder', data: [{ object: 'embedding', index: 0, embedding: [3, 0.5, -0.25] }] });
  });

  it('lists the models', async () => {
    const ids = [];
    for await (const model of client.models.list()) ids.push(model.id);
    expect(ids).toEqual(['support-bot', 'summariser']);
  });

  it('turns a 429 into RateLimitError and a 401 into AuthenticationError, with the message', async () => {
    script = { error: wireErrors.overBudget('key `team-a` is over its daily budget') };
    const over = await client.chat.completions.create({ model: 'support-bot', messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e);
    expect(over).toBeInstanceOf(OpenAI.RateLimitError);
    expect(over).toMatchObject({ status: 429, code: 'insufficient_quota', type: 'insufficient_quota' });
    expect((over as Error).message).toBe('429 key `team-a` is over its daily budget');

    script = { error: wireErrors.invalidKey('no valid key: send Authorization: Bearer <virtual key>') };
    const denied = await client.chat.completions.create({ model: 'support-bot', messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e);
    expect(denied).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(denied).toMatchObject({ status: 401, code: 'invalid_api_key' });
    expect((denied as Error).message).toContain('no valid key');
  });

  it('turns a refused request into BadRequestError naming the field', async () => {
    const error = await client.chat.completions.create({ model: 'support-bot', messages: [{ role: 'user', content: 'hi' }], n: 3 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error).toMatchObject({ status: 400, param: 'n', code: 'unsupported_parameter' });
  });
});
