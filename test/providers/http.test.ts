import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LlmlabError, ProviderError } from '../../src/errors.js';
import http from '../../src/providers/http.js';
import type { GenerateRequest, Provider } from '../../src/types.js';
import { CONTRACT_SECRET, makeProviderSpec } from '../fixtures/providers/test-provider.js';

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}
interface Reply {
  status?: number;
  headers?: Record<string, string>;
  body: string;
}

let server: Server;
let base = '';
let seen: Seen[] = [];
let reply: (request: Seen) => Reply;

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const request = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body };
      seen.push(request);
      const { status = 200, headers = { 'content-type': 'application/json' }, body: text } = reply(request);
      res.writeHead(status, headers);
      res.end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  seen = [];
  reply = () => ({ body: JSON.stringify({ output: 'ok' }) });
});

const tricky = 'He said "hi"\n\tand left {{ prompt }} \\ $& </script>';
const request: GenerateRequest = {
  prompt: tricky,
  messages: [{ role: 'user', content: tricky }],
  vars: { n: 3, user: { name: 'Zoë' }, q: 'a b&c' },
  repeatIndex: 0,
};
const signal = new AbortController().signal;

async function httpWith(config: Record<string, unknown>, id = `http:${base}/api`): Promise<Provider> {
  return http.create(makeProviderSpec(id, config));
}
const lastBody = (): unknown => JSON.parse(seen.at(-1)?.body ?? 'null');

describe('http provider: request', () => {
  it('renders an object body: whole placeholders keep their type, mixed strings are text', async () => {
    const provider = await httpWith({
      body: { messages: '{{ messages }}', n: '{{ vars.n }}', text: 'Q: {{ prompt }}', who: 'name={{ vars.user.name }}' },
    });
    await provider.generate(request, { signal });
    expect(seen[0]?.method).toBe('POST');
    expect(seen[0]?.headers['content-type']).toBe('application/json');
    expect(lastBody()).toEqual({ messages: request.messages, n: 3, text: `Q: ${tricky}`, who: 'name=Zoë' });
  });

  it('escapes values inside JSON strings of a string body and inserts JSON outside them', async () => {
    const provider = await httpWith({
      body: '{"text": "Q: {{ prompt }}", "messages": {{ messages }}, "n": {{vars.n}}, "user": {{ vars.user }}}',
    });
    await provider.generate(request, { signal });
    expect(lastBody()).toEqual({ text: `Q: ${tricky}`, messages: request.messages, n: 3, user: { name: 'Zoë' } });
  });

  it('sends a non-JSON string body as plain text', async () => {
    const provider = await httpWith({ body: 'Question: {{ prompt }}' });
    await provider.generate(request, { signal });
    expect(seen[0]?.body).toBe(`Question: ${tricky}`);
    expect(seen[0]?.headers['content-type']).toMatch(/^text\/plain/);
  });

  it('templates headers from env and URL-encodes vars in the URL; config.url wins over the id', async () => {
    const provider = await httpWith(
      { url: `${base}/search?q={{ vars.q }}`, method: 'GET', headers: { authorization: 'Bearer {{ env.CONTRACT_KEY }}' } },
      'http:http://127.0.0.1:1/never-called',
    );
    await provider.generate(request, { signal });
    expect(seen[0]).toMatchObject({ method: 'GET', url: '/search?q=a%20b%26c', body: '' });
    expect(seen[0]?.headers.authorization).toBe(`Bearer ${CONTRACT_SECRET}`);
  });

  it('keeps url, method, body template and paths in identity, and no header', async () => {
    const provider = await httpWith({
      headers: { authorization: 'Bearer {{ env.CONTRACT_KEY }}', 'x-literal': 'sk-literal-secret' },
      body: { q: '{{ prompt }}' },
      responsePath: 'output',
    });
    expect(provider.identity).toEqual({ url: `${base}/api`, method: 'POST', body: { q: '{{ prompt }}' }, responsePath: 'output' });
    expect(JSON.stringify(provider.identity)).not.toMatch(/sk-/);
  });

  it('rejects config it cannot use at create time', async () => {
    await expect(httpWith({}, 'http')).rejects.toMatchObject({ code: 'CONFIG_INVALID', message: expect.stringMatching(/no URL/) });
    await expect(httpWith({ body: { q: '{{ promt }}' } })).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: expect.stringMatching(/\{\{ promt \}\}/),
    });
    await expect(httpWith({ headers: { 'x-key': '{{ env.LLMLAB_SURELY_UNSET }}' } })).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      hint: expect.stringMatching(/LLMLAB_SURELY_UNSET/),
    });
    await expect(httpWith({ responsePath: 'a..b' })).rejects.toBeInstanceOf(LlmlabError);
    await expect(httpWith({ body: { q: '{{ vars.a..b }}' } })).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
    await expect(httpWith({ method: 'GET', body: { q: 1 } })).rejects.toMatchObject({ code: 'CONFIG_INVALID', hint: expect.stringMatching(/POST/) });
  });

  it('fails a call whose test lacks a var the template needs, without retrying', async () => {
    const provider = await httpWith({ body: { q: '{{ vars.missing }}' } });
    await expect(provider.generate(request, { signal })).rejects.toMatchObject({ retryable: false, message: expect.stringMatching(/vars\.missing/) });
    expect(seen).toHaveLength(0);
  });
});

describe('http provider: response', () => {
  it('reads output, usage and finish reason by path', async () => {
    reply = () => ({
      body: JSON.stringify({
        choices: [{ message: { content: 'four' }, finish_reason: 'stop' }],
        usage: { prompt_tokens: 7, completion_tokens: 1 },
      }),
    });
    const provider = await httpWith({ responsePath: 'choices[0].message.content', usagePath: 'usage', finishReasonPath: 'choices[0].finish_reason' });
    const result = await provider.generate(request, { signal });
    expect(result).toMatchObject({ output: 'four', usage: { input: 7, output: 1, total: 8 }, finishReason: 'stop' });
    expect(result.raw).toMatchObject({ usage: { prompt_tokens: 7 } });

    const paths = await httpWith({ responsePath: 'choices.0.message["content"]', usagePath: { input: 'usage.prompt_tokens', output: 'usage.completion_tokens' } });
    expect(await paths.generate(request, { signal })).toMatchObject({ output: 'four', usage: { input: 7, output: 1, total: 8 } });
  });

  it('reads bracketed keys and leading indexes, and never the prototype chain', async () => {
    reply = () => ({ body: JSON.stringify([{ 'odd.key': ['first'] }]) });
    expect((await (await httpWith({ responsePath: '[0]["odd.key"][0]' })).generate(request, { signal })).output).toBe('first');
    const proto = await httpWith({ responsePath: '[0].constructor' });
    await expect(proto.generate(request, { signal })).rejects.toMatchObject({ message: expect.stringMatching(/nothing at/) });
    await expect(httpWith({ responsePath: '.a' })).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
  });

  it('without responsePath answers with the whole body: a JSON string, other JSON stringified, or text', async () => {
    const provider = await httpWith({});
    reply = () => ({ body: JSON.stringify('just text') });
    expect((await provider.generate(request, { signal })).output).toBe('just text');
    reply = () => ({ body: JSON.stringify({ a: [1, 2] }) });
    expect((await provider.generate(request, { signal })).output).toBe('{"a":[1,2]}');
    reply = () => ({ headers: { 'content-type': 'text/plain' }, body: 'plain words' });
    expect((await provider.generate(request, { signal })).output).toBe('plain words');
  });

  it('reports a non-JSON body as a malformed response when a path is set, without retrying', async () => {
    reply = () => ({ headers: { 'content-type': 'text/html' }, body: '<html>oops</html>' });
    const provider = await httpWith({ responsePath: 'output' });
    const error = await provider.generate(request, { signal }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ retryable: false, message: expect.stringMatching(/malformed response/) });
  });

  it('reports a missing response path as a malformed response', async () => {
    reply = () => ({ body: JSON.stringify({ choices: [] }) });
    const provider = await httpWith({ responsePath: 'choices[0].message.content' });
    await expect(provider.generate(request, { signal })).rejects.toMatchObject({
      retryable: false,
      message: expect.stringMatching(/malformed response: nothing at choices\[0\]\.message\.content/),
    });
  });
});

describe('http provider: errors', () => {
  async function failure(status: number, headers: Record<string, string> = {}, config: Record<string, unknown> = {}) {
    reply = () => ({ status, headers: { 'content-type': 'application/json', ...headers }, body: '{"error":"nope"}' });
    const provider = await httpWith(config);
    return (await provider.generate(request, { signal }).catch((e: unknown) => e)) as ProviderError;
  }

  it('makes 429 retryable and reads Retry-After in seconds, as a date, or retry-after-ms', async () => {
    expect(await failure(429, { 'retry-after': '2' })).toMatchObject({ status: 429, retryable: true, retryAfterMs: 2000 });
    const date = new Date(Date.now() + 30_000).toUTCString();
    const dated = await failure(429, { 'retry-after': date });
    expect(dated.retryAfterMs).toBeGreaterThan(25_000);
    expect(dated.retryAfterMs).toBeLessThanOrEqual(30_000);
    expect(await failure(503, { 'retry-after-ms': '150' })).toMatchObject({ retryable: true, retryAfterMs: 150 });
    expect((await failure(429)).retryAfterMs).toBeUndefined();
  });

  it('retries the default statuses only, unless statusRetry says otherwise', async () => {
    expect(await failure(500)).toMatchObject({ retryable: true, message: expect.stringMatching(/HTTP 500: \{"error":"nope"\}/) });
    expect(await failure(400)).toMatchObject({ status: 400, retryable: false });
    expect(await failure(400, {}, { statusRetry: [400] })).toMatchObject({ retryable: true });
    expect(await failure(503, {}, { statusRetry: [400] })).toMatchObject({ retryable: false });
  });

  it('never puts header values in an error message, even when the server echoes them', async () => {
    reply = (seenRequest) => ({ status: 401, body: `bad key ${seenRequest.headers.authorization} and ${seenRequest.headers['x-literal']}` });
    const provider = await httpWith({ headers: { authorization: 'Bearer {{ env.CONTRACT_KEY }}', 'x-literal': 'literal-header-value' } });
    const error = (await provider.generate(request, { signal }).catch((e: unknown) => e)) as Error;
    expect(error.message).toMatch(/HTTP 401/);
    expect(error.message).not.toContain(CONTRACT_SECRET);
    expect(error.message).not.toContain('literal-header-value');
  });

  it('makes a refused connection retryable', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const provider = await httpWith({}, `http:http://127.0.0.1:${port}/`);
    await expect(provider.generate(request, { signal })).rejects.toMatchObject({
      retryable: true,
      message: expect.stringMatching(/ECONNREFUSED/),
    });
  });
});
