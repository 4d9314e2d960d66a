/**
 * Media streamed into request bodies: a token in a JSON body goes out as the file's base64 (a data URI's prefix
 * before it), read a chunk at a time, with an exact Content-Length; the body is what building the string would have
 * sent. A token is used once, and text that only looks like one is sent as written.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { expandBody, mediaToken, releaseMediaTokens } from '../../src/providers/media-body.js';
import { nodeFetch } from '../../src/providers/node-fetch.js';

let dir: string | undefined;
let server: Server | undefined;
afterEach(async () => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  if (server) await new Promise((done) => server!.close(done));
  dir = server = undefined;
});

/** A server answering with what it received: the body and its declared length. */
async function echo(): Promise<string> {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (d: Buffer) => chunks.push(d));
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ length: req.headers['content-length'], body: Buffer.concat(chunks).toString() }));
    });
  });
  await new Promise<void>((done) => server!.listen(0, '127.0.0.1', done));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('media streamed into a body', () => {
  it('sends each token as its file in base64, across chunk boundaries, with the exact Content-Length', async () => {
    dir = mkdtempSync(join(tmpdir(), 'llmlab-media-body-'));
    const files = [1_048_577, 2, 0, 786_432].map((size, i) => {
      const path = join(dir!, `f${i}`);
      writeFileSync(path, randomBytes(size));
      return path;
    });
    const url = await echo();
    const body = JSON.stringify({
      messages: [{ content: [{ type: 'image_url', image_url: { url: mediaToken(files[0]!, 'data:image/png;base64,') } }] }],
      audio: files.slice(1).map((f) => mediaToken(f)),
    });
    const answer = (await (await nodeFetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': String(body.length) }, body })).json()) as { length: string; body: string };
    const b64 = (path: string) => readFileSync(path).toString('base64');
    const expected = JSON.stringify({
      messages: [{ content: [{ type: 'image_url', image_url: { url: `data:image/png;base64,${b64(files[0]!)}` } }] }],
      audio: files.slice(1).map(b64),
    });
    expect(answer.body).toBe(expected);
    expect(Number(answer.length)).toBe(Buffer.byteLength(expected));
  });

  it('uses a token once, leaves look-alikes as written, and drops tokens of bodies never sent', () => {
    dir = mkdtempSync(join(tmpdir(), 'llmlab-media-body-'));
    writeFileSync(join(dir, 'x'), 'abc');
    const token = mediaToken(join(dir, 'x'));
    expect(expandBody(`"${token}"`)?.length).toBe(6);
    expect(expandBody(`"${token}"`)).toBeUndefined();
    expect(expandBody('"@@llmlab-media-0000-1@@"')).toBeUndefined();
    const unsent = mediaToken(join(dir, 'x'));
    releaseMediaTokens(`{"a":"${unsent}"}`);
    expect(expandBody(`"${unsent}"`)).toBeUndefined();
  });
});
