import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOpenAI, type FakeServer } from '../fakes/index.js';
import { runCli } from './run-cli.js';

const OPENAI_KEY = 'sk-test-OPENAI-SECRET-4f9a2c';
const HTTP_TOKEN = 'tok-HTTP-SECRET-77e1b0';
let dir: string;
let openai: FakeServer;
let echoing: Server;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'llmlab-secrets-'));
  openai = await startFakeOpenAI({ apiKey: OPENAI_KEY });
  // A careless server that echoes the Authorization header back in its error body.
  echoing = createServer((req, res) => {
    res.writeHead(400, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: `bad request from ${req.headers.authorization}` }));
  });
  await new Promise<void>((r) => echoing.listen(0, '127.0.0.1', r));
  const port = (echoing.address() as AddressInfo).port;
  writeFileSync(join(dir, '.env'), `MY_TOKEN=${HTTP_TOKEN}\n`);
  writeFileSync(join(dir, 'llmlab.config.yaml'), '{}\n');
  writeFileSync(
    join(dir, 'suite.yaml'),
    `providers:\n  - id: openai:gpt-4o-mini\n    config: { baseUrl: "${openai.url}/v1" }\n` +
      `  - id: http:http://127.0.0.1:${port}/chat\n    config:\n      headers: { Authorization: "Bearer {{ env.MY_TOKEN }}" }\n      body: { q: "{{ prompt }}" }\n      responsePath: answer\n` +
      `prompts: ["Say {{ word }}"]\ntests:\n  - vars: { word: hello }\n    assert: [{ type: icontains, value: hello }]\n`,
  );
});
afterAll(async () => {
  await openai.close();
  echoing.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('secrets', () => {
  it('never reach the database, the report or the log', async () => {
    const r = await runCli(['eval', 'suite.yaml', '-o', 'report.json'], { cwd: dir, env: { OPENAI_API_KEY: OPENAI_KEY } });
    expect(r.code).toBe(1); // the http provider's error fails the gate
    // The keys were really used: the fake OpenAI server rejects any other key.
    expect(openai.requests[0]!.headers.authorization).toBe(`Bearer ${OPENAI_KEY}`);
    const report = readFileSync(join(dir, 'report.json'), 'utf8');
    expect(JSON.parse(report).cells.map((c: { status: string }) => c.status).sort()).toEqual(['error', 'pass']);

    const dbFiles = readdirSync(join(dir, '.llmlab')).map((f) => join(dir, '.llmlab', f));
    expect(dbFiles.some((f) => f.endsWith('llmlab.db'))).toBe(true);
    const places = { report, stdout: r.stdout, stderr: r.stderr, ...Object.fromEntries(dbFiles.filter(existsSync).map((f) => [f, readFileSync(f, 'latin1')])) };
    for (const [where, text] of Object.entries(places)) {
      expect(text.includes(OPENAI_KEY), `${OPENAI_KEY} in ${where}`).toBe(false);
      expect(text.includes(HTTP_TOKEN), `${HTTP_TOKEN} in ${where}`).toBe(false);
    }
    expect(report).toMatch(/bad request from Bearer \*\*\*/);
  });
});
