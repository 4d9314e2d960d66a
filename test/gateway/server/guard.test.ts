/**
 * What a local server must refuse (DESIGN.md §10): a request under another Host name (DNS rebinding) and a browser's
 * cross-origin POST. Also /health and /metrics, and the offline example of docs/gateway.md as a newcomer runs it.
 */
import { request } from 'node:http';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadGatewayConfig } from '../../../src/config/load-gateway.js';
import { LlmlabError } from '../../../src/errors.js';
import { startGateway } from '../../../src/gateway/server.js';
import { listen } from '../../../src/server/listen.js';
import { tempDir } from '../../config/helpers.js';
import { startTestGateway } from './helpers.js';

const offline = `providers:\n  - { id: "mock:a", config: { default: "hi" } }\nmodels:\n  bot:\n    candidates: [mock:a]\n`;
const body = JSON.stringify({ model: 'bot', messages: [{ role: 'user', content: 'x' }] });

/** A raw request, so the test controls the Host header. */
function send(url: string, headers: Record<string, string>): Promise<{ status: number; text: string }> {
  return new Promise((done, fail) => {
    const req = request(`${url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers } }, (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => done({ status: res.statusCode!, text }));
    });
    req.on('error', fail);
    req.end(body);
  });
}

describe('the guard', () => {
  it('refuses another Host name (DNS rebinding) and a cross-origin POST; serves its own origin and API clients', async () => {
    const t = await startTestGateway(offline);
    const { url } = t.gateway;
    const port = new URL(url).port;
    const rebound = await send(url, { host: `evil.example:${port}` });
    expect(rebound.status).toBe(421);
    expect(rebound.text).toMatch(/unexpected Host header/);
    const crossOrigin = await send(url, { origin: 'https://evil.example' });
    expect(crossOrigin.status).toBe(403);
    expect(crossOrigin.text).toMatch(/cross-origin request from https:\/\/evil\.example refused/);
    expect((await send(url, { origin: `http://localhost:${port}`, host: `localhost:${port}` })).status).toBe(200);
    expect((await send(url, {})).status).toBe(200);
  });

  it('reports health and Prometheus metrics', async () => {
    const t = await startTestGateway(offline);
    await t.client().chat.completions.create({ model: 'bot', messages: [{ role: 'user', content: 'x' }] });
    const health = (await (await fetch(`${t.gateway.url}/health`)).json()) as { status: string; models: Record<string, unknown> };
    expect(health.status).toBe('ok');
    expect(Object.keys(health.models)).toEqual(['bot']);
    const metrics = await fetch(`${t.gateway.url}/metrics`);
    expect(metrics.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await metrics.text();
    expect(text).toMatch(/^llmlab_gateway_requests_total\{model="bot",candidate="mock:a",status="200"\} 1$/m);
    expect(text).toMatch(/^# TYPE llmlab_gateway_overhead_seconds histogram$/m);
  });
});

describe('listen', () => {
  it('says a port is taken, with what to do, instead of a stack trace', async () => {
    const t = await startTestGateway(offline);
    const port = Number(new URL(t.gateway.url).port);
    const taken = await listen({ fetch: () => new Response('') }, { host: '127.0.0.1', port }).catch((e: unknown) => e);
    expect(taken).toBeInstanceOf(LlmlabError);
    expect((taken as LlmlabError).message).toBe(`port ${port} on 127.0.0.1 is already in use`);
    expect((taken as LlmlabError).hint).toMatch(/--port/);
  });
});

describe('docs/examples/gateway/offline.yaml', () => {
  it('falls back from the failing primary to the backup, then serves the repeat from the cache', async () => {
    const file = resolve(new URL('../../../docs/examples/gateway/offline.yaml', import.meta.url).pathname);
    const dir = await tempDir();
    const config = await loadGatewayConfig(file, { cwd: dir, env: {}, db: join(dir, 'test.db') });
    const gateway = await startGateway(config, { host: '127.0.0.1', port: 0, env: {} });
    try {
      const ask = () => fetch(`${gateway.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      const first = await ask();
      expect(first.headers.get('x-llmlab-model')).toBe('mock:backup');
      expect(((await first.json()) as { choices: { message: { content: string } }[] }).choices[0]!.message.content).toBe('Hello from the backup model.');
      const second = await ask();
      expect(second.headers.get('x-llmlab-cache')).toBe('hit');
    } finally {
      await gateway.close();
    }
  });
});
