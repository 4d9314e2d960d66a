/** downloadBytes over real HTTP on loopback: the body of a 200, a clear error for a 404 and for a declared size over the store's cap. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { downloadBytes } from '../../src/engine/media-check.js';

let server: Server | undefined;
afterEach(async () => {
  if (server) await new Promise((done) => server!.close(done));
  server = undefined;
});

async function serve(): Promise<string> {
  server = createServer((req, res) => {
    if (req.url === '/cat.png') res.end(Buffer.from([0x89, 0x50, 0x4e, 0x47]));
    else if (req.url === '/huge.png') res.writeHead(200, { 'content-length': String(200 * 1024 * 1024) }).end();
    else res.writeHead(404).end();
  });
  await new Promise<void>((done) => server!.listen(0, '127.0.0.1', done));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('downloadBytes', () => {
  it('answers the body of a 200, and refuses a 404 and a size over the cap before reading it', async () => {
    const url = await serve();
    expect([...(await downloadBytes(`${url}/cat.png`))]).toEqual([0x89, 0x50, 0x4e, 0x47]);
    await expect(downloadBytes(`${url}/missing.png`)).rejects.toMatchObject({ code: 'CONFIG_INVALID', message: expect.stringContaining('HTTP 404') });
    await expect(downloadBytes(`${url}/huge.png`)).rejects.toMatchObject({ message: expect.stringContaining('over the 100 MB') });
  });
});
