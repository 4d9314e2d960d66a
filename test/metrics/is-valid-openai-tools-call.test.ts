import { describe, expect, it } from 'vitest';
import { LlmlabError } from '../../src/errors.js';
import metric from '../../src/metrics/is-valid-openai-tools-call.js';
import type { ToolCall, ToolDefinition } from '../../src/types.js';
import { scoreMetric } from './test-metric.js';

const tools: ToolDefinition[] = [
  {
    type: 'function',
    function: {
      name: 'get_weather',
      parameters: { type: 'object', properties: { city: { type: 'string' }, unit: { enum: ['c', 'f'] } }, required: ['city'], additionalProperties: false },
    },
  },
  { type: 'function', function: { name: 'get_time' } },
];

const score = (toolCalls: ToolCall[] | undefined, output = '', declared: ToolDefinition[] | undefined = tools) =>
  scoreMetric(metric, undefined, output, { tools: declared, ...(toolCalls ? { result: { toolCalls } } : {}) });

describe('is-valid-openai-tools-call', () => {
  it('passes when every call names a declared tool with arguments matching its parameters', async () => {
    const calls = [
      { id: 'c1', name: 'get_weather', arguments: '{"city":"Paris","unit":"c"}' },
      { name: 'get_time', arguments: '{"anything": true}' },
    ];
    expect(await score(calls)).toEqual({ pass: true, reason: '2 valid tool calls: get_weather, get_time' });
    expect(await score([calls[0]!], 'Let me look that up.')).toEqual({ pass: true, reason: '1 valid tool call: get_weather' });
  });

  it('fails on the first bad call, naming it and the ajv error', async () => {
    const good = { name: 'get_weather', arguments: '{"city":"Paris"}' };
    expect(await score([good, { name: 'get_weather', arguments: '{"city":5}' }])).toEqual({
      pass: false,
      reason: 'call 2 get_weather({"city":5}): arguments do not match the parameters of `get_weather`: /city must be string',
    });
    expect((await score([{ name: 'get_weather', arguments: '{"town":"Paris"}' }])).reason).toBe(
      'call 1 get_weather({"town":"Paris"}): arguments do not match the parameters of `get_weather`: ' +
        "/ must have required property 'city'; / has unexpected property \"town\"",
    );
  });

  it('fails on an undeclared tool and on arguments that are not JSON', async () => {
    expect((await score([{ name: 'send_email', arguments: '{}' }])).reason).toBe(
      'call 1 send_email({}): `send_email` is not a declared tool (declared: get_weather, get_time)',
    );
    const broken = await score([{ name: 'get_weather', arguments: '{city: Paris}' }]);
    expect(broken.pass).toBe(false);
    expect(broken.reason).toMatch(/^call 1 get_weather\(\{city: Paris\}\): arguments are not valid JSON: /);
  });

  it('fails when the model made no call, quoting what it said instead', async () => {
    expect(await score(undefined, 'It is sunny in Paris.')).toEqual({ pass: false, reason: 'no tool call (the model answered with text: It is sunny in Paris.)' });
    expect(await score([], '')).toEqual({ pass: false, reason: 'no tool call (the model answered with nothing)' });
  });

  it("reads promptfoo's legacy output: the text itself a JSON array of OpenAI tool calls", async () => {
    const legacy = JSON.stringify([{ id: 'x', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } }]);
    expect(await score(undefined, legacy)).toEqual({ pass: true, reason: '1 valid tool call: get_weather' });
    const wrapped = JSON.stringify({ tool_calls: [{ type: 'function', function: { name: 'get_weather', arguments: '{}' } }] });
    expect((await score(undefined, wrapped)).reason).toMatch(/^call 1 get_weather\(\{\}\): arguments do not match/);
  });

  it('is an error, with a hint, when the prompt declares no tools', async () => {
    const run = { result: { toolCalls: [{ name: 'get_time', arguments: '{}' }] } };
    const error = await scoreMetric(metric, undefined, '', run).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LlmlabError);
    expect((error as LlmlabError).message).toMatch(/declares no `tools`/);
    expect((error as LlmlabError).hint).toMatch(/add `tools:`/);
  });
});
