/** The bedrock provider's pure parts: request and response mapping, error mapping, model ids. No server. */
import { BedrockRuntimeClient, ConverseCommand } from '@aws-sdk/client-bedrock-runtime';
import { describe, expect, it } from 'vitest';
import { LlmlabError, ProviderError } from '../../src/errors.js';
import bedrock from '../../src/providers/bedrock.js';
import { converseInput, resultOf, toolConfigOf } from '../../src/providers/bedrock-converse.js';
import { bedrockError } from '../../src/providers/bedrock-errors.js';
import { fetchRequestHandler } from '../../src/providers/bedrock-http.js';
import { PRICED_TYPES, priceOf } from '../../src/providers/prices.js';
import type { ToolDefinition } from '../../src/types.js';
import { loadErrors, loadOk } from '../config/helpers.js';
import { makeRequest, makeSpec, rejectionOf } from '../fakes/provider-spec.js';

const tools: ToolDefinition[] = [
  { type: 'function', function: { name: 'lookup', parameters: { type: 'object', properties: { q: { type: 'string' } } } } },
  { type: 'function', function: { name: 'now' } },
];

describe('bedrock request mapping', () => {
  it('maps each tool choice; "none" sends no tools at all', () => {
    const spec = (name: string, json: object) => ({ toolSpec: { name, inputSchema: { json } } });
    const declared = [spec('lookup', tools[0]!.function.parameters!), spec('now', { type: 'object', properties: {} })];
    expect(toolConfigOf(tools, undefined)).toEqual({ tools: declared });
    expect(toolConfigOf(tools, 'auto')).toEqual({ tools: declared, toolChoice: { auto: {} } });
    expect(toolConfigOf(tools, 'required')).toEqual({ tools: declared, toolChoice: { any: {} } });
    expect(toolConfigOf(tools, { name: 'now' })).toEqual({ tools: declared, toolChoice: { tool: { name: 'now' } } });
    expect(toolConfigOf(tools, 'none')).toBeUndefined();
    expect(toolConfigOf([], 'auto')).toBeUndefined();
  });

  it('leaves out what is not set', () => {
    expect(converseInput('amazon.nova-lite-v1:0', makeRequest('hi'), {})).toEqual({
      modelId: 'amazon.nova-lite-v1:0',
      messages: [{ role: 'user', content: [{ text: 'hi' }] }],
    });
  });
});

describe('bedrock response mapping', () => {
  const answer = (content: unknown[], extra: object = {}) => ({
    output: { message: { role: 'assistant', content } },
    stopReason: 'end_turn',
    usage: { inputTokens: 10, outputTokens: 4, totalTokens: 14 },
    ...extra,
  });

  it('keeps text as the output and toolUse blocks as tool calls, in order', () => {
    const result = resultOf(
      answer(
        [
          { text: 'Let me look.' },
          { toolUse: { toolUseId: 't1', name: 'lookup', input: { q: 'x' } } },
          { toolUse: { toolUseId: 't2', name: 'now', input: {} } },
        ],
        { stopReason: 'tool_use' },
      ),
      'm',
    );
    expect(result.output).toBe('Let me look.');
    expect(result.toolCalls).toEqual([
      { id: 't1', name: 'lookup', arguments: '{"q":"x"}' },
      { id: 't2', name: 'now', arguments: '{}' },
    ]);
    expect(result.finishReason).toBe('tool_calls');
  });

  it('counts cache reads and writes as input, and the reads as cached input', () => {
    const usage = { inputTokens: 10, outputTokens: 4, totalTokens: 2014, cacheReadInputTokens: 1500, cacheWriteInputTokens: 500 };
    expect(resultOf(answer([{ text: 'ok' }], { usage }), 'm').usage).toEqual({ input: 2010, output: 4, total: 2014, cachedInput: 1500 });
  });

  it('normalises stop reasons', () => {
    const reasons = { end_turn: 'stop', stop_sequence: 'stop', max_tokens: 'length', guardrail_intervened: 'content_filter', content_filtered: 'content_filter', other: 'other' };
    for (const [stopReason, finish] of Object.entries(reasons)) {
      expect(resultOf(answer([{ text: 'x' }], { stopReason }), 'm').finishReason).toBe(finish);
    }
  });

  it('calls an answer without output.message.content malformed', () => {
    const error = (() => {
      try {
        return resultOf({ output: {} }, 'm');
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ retryable: false, message: expect.stringMatching(/^Bedrock returned a malformed response/) });
  });
});

describe('bedrock errors', () => {
  const context = { api: 'Bedrock', secrets: ['AKIAFAKE0123456789AB'] };
  /** An error as the AWS SDK throws it: the exception name, $metadata, and the response hidden on $response. */
  function awsError(name: string, status: number, message: string, headers: Record<string, string> = {}): Error {
    const error = Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } });
    Object.defineProperty(error, '$response', { value: { statusCode: status, headers }, enumerable: false });
    return error;
  }

  it('turns throttling into a retryable error with the Retry-After delay', () => {
    const error = bedrockError(awsError('ThrottlingException', 429, 'Too many requests', { 'retry-after': '2' }), context);
    expect(error).toMatchObject({ status: 429, retryable: true, retryAfterMs: 2000, message: 'Bedrock API error (HTTP 429): Too many requests' });
  });

  it('retries what the service says is temporary, whatever its status', () => {
    expect(bedrockError(awsError('ServiceUnavailableException', 503, 'busy'), context)).toMatchObject({ retryable: true });
    expect(bedrockError(awsError('ModelNotReadyException', 429, 'warming up'), context)).toMatchObject({ retryable: true });
    expect(bedrockError(awsError('ModelTimeoutException', 408, 'slow'), context)).toMatchObject({ retryable: true });
    expect(bedrockError(awsError('ValidationException', 400, 'bad'), context)).toMatchObject({ retryable: false });
  });

  it('names the credentials for auth failures, redacting the key id', () => {
    const error = bedrockError(awsError('UnrecognizedClientException', 403, 'The security token AKIAFAKE0123456789AB is invalid'), context);
    expect(error).toMatchObject({ status: 403, retryable: false, message: 'Bedrock API error (HTTP 403): The security token *** is invalid' });
    expect((error as LlmlabError).hint).toMatch(/AWS_ACCESS_KEY_ID/);
  });

  it('says so when the default chain found no credentials', () => {
    const missing = Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' });
    const error = bedrockError(missing, context) as LlmlabError;
    expect(error).toMatchObject({ retryable: false, message: 'Bedrock: no AWS credentials found: Could not load credentials from any providers' });
    expect(error.hint).toMatch(/AWS_PROFILE/);
  });

  it('calls a 200 the SDK could not parse malformed', () => {
    const error = Object.assign(new SyntaxError('Unexpected token'), { $metadata: { httpStatusCode: 200 } });
    expect(bedrockError(error, context)).toMatchObject({ retryable: false, message: 'Bedrock returned a malformed response: body is not valid JSON' });
  });
});

describe('bedrock model ids and endpoint', () => {
  const env = { AWS_ACCESS_KEY_ID: 'AKIAFAKE0123456789AB', AWS_SECRET_ACCESS_KEY: 'secret-0123456789', AWS_REGION: 'us-east-1' };

  const suite = (id: string) => ({ 'suite.yaml': `providers:\n  - ${JSON.stringify(id)}\nprompts: ["Q: {{ q }}"]\ntests: [{ vars: { q: x } }]\n` });

  it.each([
    ['bedrock:anthropic.claude-3-5-sonnet-20241022-v2:0', 'anthropic.claude-3-5-sonnet-20241022-v2:0'],
    ['bedrock:us.amazon.nova-lite-v1:0', 'us.amazon.nova-lite-v1:0'],
    ['bedrock:converse:us.amazon.nova-lite-v1:0', 'us.amazon.nova-lite-v1:0'],
    ['bedrock:anthropic.claude-instant-v1:2:100k', 'anthropic.claude-instant-v1:2:100k'],
    ['bedrock:arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/x1', 'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/x1'],
  ])('%s calls model %s, keeping the id as written', async (id, model) => {
    const { suite: loaded } = await loadOk(suite(id));
    expect(loaded.providers[0]).toMatchObject({ id, label: id, type: 'bedrock', model });
  });

  it.each([
    ['bedrock:embeddings:amazon.titan-embed-text-v2:0', '`bedrock:embeddings:` is Bedrock embeddings, which llmlab does not call'],
    ['bedrock:kb:my-knowledge-base', '`bedrock:kb:` is Bedrock Knowledge Bases, which llmlab does not call'],
    ['bedrock:claude:anthropic.claude-v2:1', 'the model name `claude:anthropic.claude-v2:1` in `bedrock:claude:anthropic.claude-v2:1` has a `:` that bedrock model names do not have'],
    ['bedrock:converse:', '`bedrock:converse:` has no model name'],
  ])('rejects %s at its line with a hint', async (id, message) => {
    const [error] = await loadErrors(suite(id));
    expect(error).toMatchObject({ code: 'CONFIG_INVALID', at: 'suite.yaml:2:5', message: `${message} (providers[0])` });
    expect(error?.hint).toMatch(/bedrock:/);
  });

  it('checks a spec built by hand the same way', async () => {
    const provider = await bedrock.create(makeSpec('bedrock', 'converse:us.amazon.nova-lite-v1:0', {}, env));
    expect(provider).toMatchObject({ model: 'us.amazon.nova-lite-v1:0', identity: { model: 'us.amazon.nova-lite-v1:0' } });
    const error = await rejectionOf(Promise.resolve().then(() => bedrock.create(makeSpec('bedrock', 'agents:abc', {}, env))));
    expect(error).toMatchObject({ code: 'CONFIG_INVALID', message: 'provider bedrock:agents:abc: `bedrock:agents:` is Bedrock Agents, which llmlab does not call' });
    expect((error as LlmlabError).hint).toMatch(/Converse API/);
  });

  it('sends to the regional endpoint, the model id percent-encoded, over the fetch handler', async () => {
    const urls: string[] = [];
    const recording = (async (input: string | URL | Request) => {
      urls.push(String(input));
      return new Response(JSON.stringify({ output: { message: { role: 'assistant', content: [{ text: 'ok' }] } }, stopReason: 'end_turn' }), {
        headers: { 'content-type': 'application/json' },
      });
    }) as typeof fetch;
    const client = new BedrockRuntimeClient({
      region: 'eu-central-1',
      maxAttempts: 1,
      credentials: { accessKeyId: 'AKIAFAKE0123456789AB', secretAccessKey: 'secret-0123456789' },
      requestHandler: fetchRequestHandler(recording),
    });
    const output = await client.send(new ConverseCommand(converseInput('eu.anthropic.claude-3-7-sonnet-20250219-v1:0', makeRequest('hi'), {})));
    expect(urls).toEqual(['https://bedrock-runtime.eu-central-1.amazonaws.com/model/eu.anthropic.claude-3-7-sonnet-20250219-v1%3A0/converse']);
    expect(resultOf(output, 'm').output).toBe('ok');
  });
});

describe('bedrock prices', () => {
  it('prices base model ids and cross-region inference profiles alike, and warns for the rest', () => {
    expect(priceOf('bedrock', 'anthropic.claude-3-5-sonnet-20241022-v2:0')).toMatchObject({ input: 3, output: 15 });
    expect(priceOf('bedrock', 'us.amazon.nova-lite-v1:0')).toEqual(priceOf('bedrock', 'amazon.nova-lite-v1:0'));
    expect(priceOf('bedrock', 'meta.llama3-1-8b-instruct-v1:0')).toMatchObject({ input: 0.22, output: 0.22 });
    expect(priceOf('bedrock', 'cohere.command-r-v1:0')).toBeUndefined();
    expect(PRICED_TYPES.has('bedrock')).toBe(true);
  });
});
