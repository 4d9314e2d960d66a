/**
 * The provider contract over every built-in that needs nothing outside this test: echo, mock, http (against a
 * loopback server started here), exec (a small node script) and file (a fixture module).
 */
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll } from 'vitest';
import { makeProviderSpec, testProvider } from '../fixtures/providers/test-provider.js';

const fixtures = fileURLToPath(new URL('../fixtures/providers/', import.meta.url));
const node = JSON.stringify(process.execPath);

let server: Server;
let baseUrl = '';

beforeAll(async () => {
  server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      const delay = request.url === '/slow' ? 10_000 : 0;
      const timer = setTimeout(() => {
        const { prompt } = JSON.parse(body) as { prompt: string };
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ answer: { text: `http: ${prompt}` } }));
      }, delay);
      response.on('close', () => clearTimeout(timer));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

testProvider('echo', ({ slow }) => makeProviderSpec('echo', slow ? { latencyMs: 10_000 } : {}));

testProvider('mock', ({ slow }) =>
  makeProviderSpec('mock:contract', {
    answers: [{ match: '2 + 2', output: 'four' }],
    ...(slow ? { latencyMs: 10_000 } : {}),
  }),
);

testProvider('http', ({ slow }) =>
  makeProviderSpec(`http:${baseUrl}${slow ? '/slow' : '/answer'}`, {
    headers: { authorization: 'Bearer {{ env.CONTRACT_KEY }}' },
    body: { prompt: '{{ prompt }}' },
    responsePath: 'answer.text',
  }),
);

testProvider('exec', ({ slow }) =>
  makeProviderSpec(`exec:${node} bot.mjs ${slow ? 'hang /dev/null' : 'json'}`, {
    cwd: 'exec',
    env: { BOT_TOKEN: 'sk-contract-0123456789abcdefSECRET' },
  }, { baseDir: fixtures }),
);

testProvider('file', ({ slow }) =>
  makeProviderSpec(`file:./modules/${slow ? 'never.mjs' : 'function.mjs'}`, { options: { suffix: '!' } }, { baseDir: fixtures }),
);
