/**
 * A prompt's tools through openai, anthropic and ollama against their fake servers: each API gets the tools in its
 * own spelling, and the calls the model makes come back as `toolCalls` with `output` left to the text.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import anthropic from '../../src/providers/anthropic.js';
import ollama from '../../src/providers/ollama.js';
import openai from '../../src/providers/openai.js';
import type { GenerateRequest, ToolChoice, ToolDefinition } from '../../src/types.js';
import { startFakeAnthropic } from '../fakes/anthropic.js';
import { startFakeOllama } from '../fakes/ollama.js';
import { startFakeOpenAI } from '../fakes/openai.js';
import type { FakeServer } from '../fakes/openai.js';
import { liveSignal, makeRequest, makeSpec } from '../fakes/provider-spec.js';

const WEATHER: ToolDefinition = {
  type: 'function',
  function: { name: 'get_weather', description: 'Weather now', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
};
const TIME: ToolDefinition = { type: 'function', function: { name: 'get_time' } };

let servers: { openai: FakeServer; anthropic: FakeServer; ollama: FakeServer };

beforeAll(async () => {
  const [o, a, l] = await Promise.all([startFakeOpenAI(), startFakeAnthropic(), startFakeOllama()]);
  servers = { openai: o, anthropic: a, ollama: l };
});
afterAll(() => Promise.all(Object.values(servers).map((s) => s.close())));

function request(text: string, tools: ToolDefinition[] = [WEATHER, TIME], toolChoice?: ToolChoice): GenerateRequest {
  return { ...makeRequest(text), tools, ...(toolChoice === undefined ? {} : { toolChoice }) };
}

const lastBody = (server: FakeServer) => server.requests.at(-1)?.body;

describe('openai with tools', () => {
  const provider = (config: Record<string, unknown> = {}) => openai.create(makeSpec('openai', 'gpt-4o-mini', { baseUrl: `${servers.openai.url}/v1`, ...config }));

  it('sends tools and tool_choice as declared and returns the calls, arguments as written', async () => {
    const p = await provider();
    const result = await p.generate(request('call get_weather {"city":"Paris"}\ncall get_time {}', undefined, { name: 'get_weather' }), { signal: liveSignal() });
    expect(lastBody(servers.openai)).toMatchObject({ tools: [WEATHER, TIME], tool_choice: { type: 'function', function: { name: 'get_weather' } } });
    expect(result.output).toBe('');
    expect(result.finishReason).toBe('tool_calls');
    expect(result.toolCalls).toEqual([
      { id: expect.any(String), name: 'get_weather', arguments: '{"city":"Paris"}' },
      { id: expect.any(String), name: 'get_time', arguments: '{}' },
    ]);
  });

  it('assembles streamed calls from their deltas', async () => {
    const p = await provider({ stream: true });
    const result = await p.generate(request('call get_weather {"city": "Rio de Janeiro"}', undefined, 'required'), { signal: liveSignal() });
    expect(lastBody(servers.openai)).toMatchObject({ stream: true, tool_choice: 'required' });
    expect(result.output).toBe('');
    expect(result.toolCalls).toEqual([{ id: expect.any(String), name: 'get_weather', arguments: '{"city": "Rio de Janeiro"}' }]);
  });

  it('keeps text answers as they were: no toolCalls, and no tools field without declared tools', async () => {
    const p = await provider();
    const plain = await p.generate(makeRequest('call get_weather {"city":"Paris"}'), { signal: liveSignal() });
    expect(lastBody(servers.openai)).not.toHaveProperty('tools');
    expect(plain).not.toHaveProperty('toolCalls');
    const none = await p.generate(request('call get_weather {}', undefined, 'none'), { signal: liveSignal() });
    expect(none.output).toBe('echo: call get_weather {}');
    expect(none).not.toHaveProperty('toolCalls');
  });
});

describe('anthropic with tools', () => {
  const provider = () => anthropic.create(makeSpec('anthropic', 'claude-3-5-haiku-latest', { baseUrl: servers.anthropic.url }));

  it('translates tools to input_schema and toolChoice to its tool_choice, and reads tool_use blocks', async () => {
    const p = await provider();
    const result = await p.generate(request('call get_weather {"city":"Oslo"}', undefined, 'required'), { signal: liveSignal() });
    expect(lastBody(servers.anthropic)).toMatchObject({
      tools: [
        { name: 'get_weather', description: 'Weather now', input_schema: WEATHER.function.parameters },
        { name: 'get_time', input_schema: { type: 'object', properties: {} } },
      ],
      tool_choice: { type: 'any' },
    });
    expect(result.output).toBe('');
    expect(result.finishReason).toBe('tool_calls');
    expect(result.toolCalls).toEqual([{ id: expect.any(String), name: 'get_weather', arguments: '{"city":"Oslo"}' }]);
    for (const [choice, sent] of [['auto', { type: 'auto' }], ['none', { type: 'none' }], [{ name: 'get_time' }, { type: 'tool', name: 'get_time' }]] as const) {
      await p.generate(request('hi', undefined, choice), { signal: liveSignal() });
      expect(lastBody(servers.anthropic).tool_choice).toEqual(sent);
    }
  });
});

describe('ollama with tools', () => {
  const provider = (config: Record<string, unknown> = {}) => ollama.create(makeSpec('ollama', 'llama3.2', { host: servers.ollama.url, ...config }));

  it('sends the tools, narrows them to a named toolChoice, and reads message.tool_calls (object arguments as JSON)', async () => {
    const p = await provider({ stream: false });
    const result = await p.generate(request('call get_weather {"city":"Lima"}', undefined, { name: 'get_weather' }), { signal: liveSignal() });
    expect(lastBody(servers.ollama).tools).toEqual([WEATHER]);
    expect(result.output).toBe('');
    expect(result.toolCalls).toEqual([{ name: 'get_weather', arguments: '{"city":"Lima"}' }]);
    await p.generate(request('hi', undefined, 'none'), { signal: liveSignal() });
    expect(lastBody(servers.ollama)).not.toHaveProperty('tools');
  });

  it('reads calls from a streamed answer too', async () => {
    const p = await provider();
    const result = await p.generate(request('call get_time {}'), { signal: liveSignal() });
    expect(result.toolCalls).toEqual([{ name: 'get_time', arguments: '{}' }]);
  });
});
