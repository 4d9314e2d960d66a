/**
 * nodeFetch, the SDKs' transport: what fetch does for them — status, headers both ways, JSON and compressed bodies,
 * event streams handed over as they arrive, cancellation — on node:http with keep-alive.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { nodeFetch } from '../../src/providers/node-fetch.js';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((done) => s.close(done))));
});
async function serve(handler: (req: IncomingMessage, res: ServerResponse, body: string) => void): Promise<string> {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => handler(req, res, body));
  });
  servers.push(server);
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('nodeFetch', () => {
  it('sends method, headers and body; answers status, headers and a JSON body', async () => {
    const url = await serve((req, res, body) => {
      res.writeHead(201, { 'content-type': 'application/json', 'x-echo': req.headers['x-test'] as string, 'retry-after': '3' });
      res.end(JSON.stringify({ method: req.method, body, auth: req.headers.authorization }));
    });
    const response = await nodeFetch(`${url}/v1/x`, { method: 'POST', headers: new Headers({ 'x-test': 'yes', authorization: 'Bearer k' }), body: '{"a":1}' });
    expect(response.status).toBe(201);
    expect(response.headers.get('x-echo')).toBe('yes');
    expect(response.headers.get('retry-after')).toBe('3');
    expect(await response.json()).toEqual({ method: 'POST', body: '{"a":1}', auth: 'Bearer k' });
  });

  it('decompresses a gzip body, as fetch does', async () => {
    const url = await serve((_req, res) => {
      const zipped = gzipSync('{"ok":true}');
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip', 'content-length': zipped.length });
      res.end(zipped);
    });
    expect(await (await nodeFetch(url)).json()).toEqual({ ok: true });
  });

  it('hands an event stream over as it arrives', async () => {
    let release!: () => void;
    const gate = new Promise<void>((done) => (release = done));
    const url = await serve(async (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: first\n\n');
      await gate;
      res.end('data: second\n\n');
    });
    const reader = (await nodeFetch(url)).body!.getReader();
    const decoder = new TextDecoder();
    // Had the body been buffered, this read could not finish before the release: a deadlock, not a pass.
    expect(decoder.decode((await reader.read()).value)).toBe('data: first\n\n');
    release();
    let rest = '';
    for (let part = await reader.read(); !part.done; part = await reader.read()) rest += decoder.decode(part.value);
    expect(rest).toBe('data: second\n\n');
  });

  it('rejects with the signal\'s reason when aborted before or while waiting, and on a refused connection', async () => {
    const url = await serve(() => {
      // never answers
    });
    const before = new AbortController();
    before.abort(new Error('stop before'));
    await expect(nodeFetch(url, { signal: before.signal })).rejects.toThrow('stop before');
    const during = new AbortController();
    const pending = nodeFetch(url, { signal: during.signal });
    during.abort(new Error('stop during'));
    await expect(pending).rejects.toThrow('stop during');
    await expect(nodeFetch('http://127.0.0.1:9/')).rejects.toThrow(/ECONNREFUSED/);
  });

  it('leaves what it does not handle to the global fetch (a Request object)', async () => {
    const url = await serve((_req, res) => res.end('plain'));
    expect(await (await nodeFetch(new Request(url))).text()).toBe('plain');
  });
});
