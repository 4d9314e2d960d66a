/** The gateway's OpenAI wire format as pure functions: what a request is read as, what is refused, the bodies. */
import { describe, expect, it } from 'vitest';
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

const user = (content: unknown) => ({ role: 'user', content });

function call(body: Record<string, unknown>): ChatCall {
  const parsed = parseChatRequest({ model: 'support-bot', messages: [user('hi')], ...body });
  if (!parsed.ok) throw new Error(`refused: ${parsed.error.message}`);
  return parsed.call;
}

function refusal(body: unknown): WireError {
  const parsed = parseChatRequest(body);
  if (parsed.ok) throw new Error('expected a refusal');
  return parsed.error;
}

const refused = (body: Record<string, unknown>) => refusal({ model: 'support-bot', messages: [user('hi')], ...body });

describe('parseChatRequest', () => {
  it('reads a minimal request', () => {
    expect(call({})).toEqual({ model: 'support-bot', messages: [{ role: 'user', content: 'hi' }], stream: false, includeUsage: false, overrides: {} });
  });

  it('maps the sampling fields to the providers\' config keys', () => {
    const read = call({
      temperature: 0.2,
      max_tokens: 100,
      top_p: 0.9,
      stop: ['\n'],
      seed: 7,
      presence_penalty: 0.5,
      frequency_penalty: -0.5,
      response_format: { type: 'json_object' },
    });
    expect(read.overrides).toEqual({
      temperature: 0.2,
      maxTokens: 100,
      topP: 0.9,
      stop: ['\n'],
      seed: 7,
      presencePenalty: 0.5,
      frequencyPenalty: -0.5,
      responseFormat: { type: 'json_object' },
    });
    expect(read.maxTokens).toBe(100);
  });

  it('prefers max_completion_tokens, and treats null fields and response_format text as unset', () => {
    const read = call({ max_tokens: 10, max_completion_tokens: 20, temperature: null, stop: null, response_format: { type: 'text' }, logit_bias: null });
    expect(read.overrides).toEqual({ maxTokens: 20 });
    expect(read.maxTokens).toBe(20);
  });

  it('reads stream, include_usage (only when streaming) and user', () => {
    expect(call({ stream: true, stream_options: { include_usage: true }, user: 'u-1' })).toMatchObject({ stream: true, includeUsage: true, user: 'u-1' });
    expect(call({ stream: false, stream_options: { include_usage: true } }).includeUsage).toBe(false);
  });

  it('joins text parts, reads developer as system and an assistant without content as empty', () => {
    const read = call({
      messages: [
        { role: 'developer', content: 'be brief' },
        user([{ type: 'text', text: 'Hello ' }, { type: 'text', text: 'world' }]),
        { role: 'assistant', content: null },
        { role: 'user', content: 'again', name: 'ana' },
      ],
    });
    expect(read.messages).toEqual([
      { role: 'system', content: 'be brief' },
      { role: 'user', content: 'Hello world' },
      { role: 'assistant', content: '' },
      { role: 'user', content: 'again' },
    ]);
  });

  it('reads function tools and tool_choice', () => {
    const tools = [{ type: 'function', function: { name: 'get_weather', description: 'w', parameters: { type: 'object' }, strict: true } }];
    const read = call({ tools, tool_choice: { type: 'function', function: { name: 'get_weather' } } });
    expect(read.tools).toEqual(tools);
    expect(read.toolChoice).toEqual({ name: 'get_weather' });
    expect(call({ tools, tool_choice: 'required' }).toolChoice).toBe('required');
    // tool_choice without tools says nothing.
    expect(call({ tool_choice: 'none' }).toolChoice).toBeUndefined();
  });

  it('ignores fields that do not change the answer', () => {
    expect(call({ metadata: { a: 'b' }, store: false, parallel_tool_calls: true, service_tier: 'auto', n: 1, logprobs: false })).toMatchObject({ overrides: {} });
  });

  it.each([
    [{ n: 2 }, 'n'],
    [{ logit_bias: { '50256': -100 } }, 'logit_bias'],
    [{ logprobs: true }, 'logprobs'],
    [{ top_logprobs: 3 }, 'top_logprobs'],
    [{ functions: [{ name: 'f' }] }, 'functions'],
    [{ modalities: ['text', 'audio'] }, 'modalities'],
  ])('refuses %j with a 400 naming the field', (body, param) => {
    const error = refused(body);
    expect(error).toMatchObject({ status: 400, type: 'invalid_request_error', param, code: 'unsupported_parameter' });
    expect(error.message).toContain(`\`${param}\``);
    expect(error.message).toContain('not support');
  });

  it('refuses tool results and assistant tool calls, saying why', () => {
    const tool = refused({ messages: [user('hi'), { role: 'tool', tool_call_id: 'c1', content: '42' }] });
    expect(tool).toMatchObject({ status: 400, param: 'messages[1].role', code: 'unsupported_value' });
    expect(tool.message).toMatch(/messages\[1\] has role `tool`: tool results cannot be sent on/);
    const calls = refused({ messages: [user('hi'), { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{}' } }] }] });
    expect(calls).toMatchObject({ status: 400, param: 'messages[1].tool_calls' });
  });

  it('refuses image and audio parts as not supported yet', () => {
    const image = refused({ messages: [user([{ type: 'text', text: 'what is this' }, { type: 'image_url', image_url: { url: 'https://x/y.png' } }])] });
    expect(image).toMatchObject({ status: 400, param: 'messages[0].content[1]' });
    expect(image.message).toMatch(/`image_url` part: only text content is supported \(the llmlab gateway does not support this yet\)/);
    expect(refused({ messages: [user([{ type: 'input_audio', input_audio: { data: '', format: 'wav' } }])] }).message).toMatch(/`input_audio` part/);
  });

  it.each([
    [undefined, 'the request body must be a JSON object', undefined],
    [[1], 'the request body must be a JSON object', undefined],
    [{ messages: [user('hi')] }, 'you must provide a model parameter', 'model'],
    [{ model: 'm' }, 'you must provide `messages`', 'messages'],
    [{ model: 'm', messages: [] }, '`messages` must be a non-empty list', 'messages'],
    [{ model: 'm', messages: [{ role: 'robot', content: 'x' }] }, 'messages[0].role must be one of system, developer, user, assistant', 'messages[0].role'],
    [{ model: 'm', messages: [user(42)] }, 'messages[0].content must be a string or a list of content parts', 'messages[0].content'],
    [{ model: 'm', messages: [user('x')], temperature: 'hot' }, '`temperature` must be a number', 'temperature'],
    [{ model: 'm', messages: [user('x')], temperature: 3 }, '`temperature` must be between 0 and 2, got 3', 'temperature'],
    [{ model: 'm', messages: [user('x')], max_tokens: 0 }, '`max_tokens` must be between 1 and 9007199254740991, got 0', 'max_tokens'],
    [{ model: 'm', messages: [user('x')], seed: 1.5 }, '`seed` must be an integer', 'seed'],
    [{ model: 'm', messages: [user('x')], stream: 'yes' }, '`stream` must be a boolean', 'stream'],
    [{ model: 'm', messages: [user('x')], stop: ['a', 'b', 'c', 'd', 'e'] }, '`stop` must be a string or a list of up to 4 strings', 'stop'],
    [{ model: 'm', messages: [user('x')], tools: [{ type: 'function', function: { name: 'bad name' } }] }, 'tools[0].function.name must be 1-64 letters, digits, _ or -', 'tools[0].function.name'],
  ])('refuses a malformed request %j', (body, message, param) => {
    const error = refusal(body);
    expect(error).toMatchObject({ status: 400, type: 'invalid_request_error', message });
    expect(error.param).toBe(param);
  });
});

describe('parseEmbeddingsRequest', () => {
  it('reads a string or a list of strings, float by default', () => {
    expect(parseEmbeddingsRequest({ model: 'e', input: 'hello' })).toEqual({ ok: true, call: { model: 'e', input: ['hello'], encodingFormat: 'float' } });
    expect(parseEmbeddingsRequest({ model: 'e', input: ['a', 'b'], encoding_format: 'base64', user: 'u' })).toEqual({
      ok: true,
      call: { model: 'e', input: ['a', 'b'], encodingFormat: 'base64', user: 'u' },
    });
  });

  it.each([
    [{ model: 'e', input: [1, 2, 3] }, 'input', /token-id `input`/],
    [{ model: 'e', input: [[1, 2]] }, 'input', /token-id `input`/],
    [{ model: 'e', input: [] }, 'input', /non-empty list/],
    [{ model: 'e', input: ['a', ''] }, 'input', /non-empty string/],
    [{ model: 'e', input: 'a', dimensions: 256 }, 'dimensions', /`dimensions`/],
    [{ input: 'a' }, 'model', /model parameter/],
  ])('refuses %j', (body, param, message) => {
    const parsed = parseEmbeddingsRequest(body);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.error).toMatchObject({ status: 400, param });
    expect(parsed.error.message).toMatch(message);
  });
});

const meta = { id: 'chatcmpl-1', model: 'support-bot', created: 1_700_000_000 };

describe('response bodies', () => {
  it('writes a chat.completion with usage', () => {
    const body = chatCompletionBody({ output: 'hello', usage: { input: 3, output: 1, total: 4, cachedInput: 2 }, finishReason: 'length' }, meta);
    expect(body).toEqual({
      id: 'chatcmpl-1',
      object: 'chat.completion',
      created: 1_700_000_000,
      model: 'support-bot',
      choices: [{ index: 0, message: { role: 'assistant', content: 'hello', refusal: null }, logprobs: null, finish_reason: 'length' }],
      usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4, prompt_tokens_details: { cached_tokens: 2 } },
    });
  });

  it('writes tool calls with null content, an id for each, and finish_reason tool_calls', () => {
    const body = chatCompletionBody({ output: '', toolCalls: [{ id: 'call_a', name: 'f', arguments: '{"x":1}' }, { name: 'g', arguments: '{}' }] }, meta);
    const choice = (body['choices'] as any[])[0];
    expect(choice.message.content).toBeNull();
    expect(choice.message.tool_calls).toEqual([
      { id: 'call_a', type: 'function', function: { name: 'f', arguments: '{"x":1}' } },
      { id: 'call_chatcmpl-1_1', type: 'function', function: { name: 'g', arguments: '{}' } },
    ]);
    expect(choice.finish_reason).toBe('tool_calls');
    expect(body['usage']).toEqual({ prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 });
  });

  it('turns a provider\'s own finish word into stop', () => {
    const body = chatCompletionBody({ output: 'x', finishReason: 'load' }, meta);
    expect((body['choices'] as any[])[0].finish_reason).toBe('stop');
  });

  it('writes the chunks of a stream in OpenAI\'s order, usage last when asked', () => {
    const events = chunkEvents(meta, true);
    const base = { id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1_700_000_000, model: 'support-bot' };
    expect(events.start()).toEqual({ ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }], usage: null });
    expect(events.delta('Hel')).toEqual({ ...base, choices: [{ index: 0, delta: { content: 'Hel' }, logprobs: null, finish_reason: null }], usage: null });
    expect(events.end({ output: 'Hello', usage: { input: 2, output: 1, total: 3 }, finishReason: 'stop' })).toEqual([
      { ...base, choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }], usage: null },
      { ...base, choices: [], usage: { prompt_tokens: 2, completion_tokens: 1, total_tokens: 3 } },
    ]);
    const plain = chunkEvents(meta).end({ output: '', toolCalls: [{ id: 'c', name: 'f', arguments: '{}' }] });
    expect(plain).toEqual([
      { ...base, choices: [{ index: 0, delta: { tool_calls: [{ index: 0, id: 'c', type: 'function', function: { name: 'f', arguments: '{}' } }] }, logprobs: null, finish_reason: null }] },
      { ...base, choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: 'tool_calls' }] },
    ]);
  });

  it('frames SSE events and the terminator', () => {
    expect(sseFrame({ a: 1 })).toBe('data: {"a":1}\n\n');
    expect(sseFrame(DONE)).toBe('data: [DONE]\n\n');
  });

  it('writes errors in OpenAI\'s shape', () => {
    expect(errorBody(wireErrors.invalidKey('Incorrect API key provided'))).toEqual({
      error: { message: 'Incorrect API key provided', type: 'authentication_error', param: null, code: 'invalid_api_key' },
    });
    expect(errorBody(wireErrors.badRequest('bad', 'model'))).toEqual({ error: { message: 'bad', type: 'invalid_request_error', param: 'model', code: null } });
    expect(wireErrors.overBudget('x')).toMatchObject({ status: 429, code: 'insufficient_quota' });
    expect(wireErrors.rateLimited('x')).toMatchObject({ status: 429, code: 'rate_limit_exceeded' });
    expect(wireErrors.upstream('x').status).toBe(502);
    expect(wireErrors.upstreamTimeout('x').status).toBe(504);
  });

  it('writes embeddings as floats or as base64 float32', () => {
    const result = { embeddings: [[0.5, -1], [0.25, 2]], usage: { input: 4, output: 0, total: 4 } };
    expect(embeddingsBody(result, 'e')).toEqual({
      object: 'list',
      data: [
        { object: 'embedding', index: 0, embedding: [0.5, -1] },
        { object: 'embedding', index: 1, embedding: [0.25, 2] },
      ],
      model: 'e',
      usage: { prompt_tokens: 4, total_tokens: 4 },
    });
    const encoded = (embeddingsBody(result, 'e', 'base64')['data'] as any[])[1].embedding as string;
    const bytes = Buffer.from(encoded, 'base64');
    expect(Array.from(new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4))).toEqual([0.25, 2]);
  });

  it('lists models', () => {
    expect(modelsBody(['a', 'b'], 5)).toEqual({
      object: 'list',
      data: [
        { id: 'a', object: 'model', created: 5, owned_by: 'llmlab' },
        { id: 'b', object: 'model', created: 5, owned_by: 'llmlab' },
      ],
    });
  });
});
