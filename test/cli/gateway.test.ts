/**
 * `llmlab gateway` as a user meets it: its help, the mistakes that exit 2 with a position and a hint, and a real
 * process that serves an OpenAI SDK until Ctrl-C.
 */
import { once } from 'node:events';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../config/helpers.js';
import { startFakeOpenAI, type FakeServer } from '../fakes/index.js';
import { runCli, startCli } from './run-cli.js';

const fakes: FakeServer[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((f) => f.close()));
});

const config = (url: string) => `providers:\n  - { id: openai:gpt-4o-mini, label: a, config: { baseUrl: "${url}/v1" } }\nmodels:\n  bot:\n    candidates: [a]\n`;

describe('llmlab gateway', () => {
  it('documents itself in --help', async () => {
    const { code, stdout } = await runCli(['gateway', '--help'], { cwd: await tempDir() });
    expect(code).toBe(0);
    expect(stdout).toMatch(/gateway \[action\]/);
    expect(stdout).toMatch(/--config/);
    expect(stdout).toMatch(/keys create/);
  });

  it('exits 2 with a hint when there is no config, and at file:line:col for a candidate that is not a provider', async () => {
    const empty = await runCli(['gateway'], { cwd: await tempDir() });
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/gateway config not found: gateway\.yaml/);
    expect(empty.stderr).toMatch(/docs\/gateway\.md/);
    const dir = await tempDir({ 'gateway.yaml': 'providers:\n  - { id: "openai:gpt-4o-mini", label: mini }\nmodels:\n  bot:\n    candidates: [mimi]\n' });
    const typo = await runCli(['gateway'], { cwd: dir });
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(/gateway\.yaml:5:18/);
    expect(typo.stderr).toMatch(/did you mean `mini`\?/);
    expect(typo.stderr).not.toMatch(/\n\s+at /);
  });

  it('refuses a public address without keys', async () => {
    const dir = await tempDir({ 'gateway.yaml': config('http://127.0.0.1:9') });
    const { code, stderr } = await runCli(['gateway', '--host', '0.0.0.0'], { cwd: dir });
    expect(code).toBe(2);
    expect(stderr).toMatch(/refusing to serve on 0\.0\.0\.0 without keys/);
  });

  it('serves an OpenAI SDK until Ctrl-C, then exits 0', async () => {
    const fake = await startFakeOpenAI();
    fakes.push(fake);
    const dir = await tempDir({ 'gateway.yaml': config(fake.url) });
    const child = startCli(['gateway', '--port', '0'], { cwd: dir, env: { OPENAI_API_KEY: 'sk-test' } });
    let stdout = '';
    child.stdout!.on('data', (d) => (stdout += d));
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    // The banner's last line: it may arrive in several chunks.
    while (!stdout.includes('Ctrl-C stops it.')) {
      if (child.exitCode !== null) throw new Error(`gateway exited ${child.exitCode}: ${stderr}`);
      await once(child.stdout!, 'data');
    }
    const url = /listening on (http:\S+)/.exec(stdout)![1]!;
    expect(stdout).toMatch(/bot \(fallback\): a/);
    const client = new OpenAI({ baseURL: `${url}/v1`, apiKey: 'unused', maxRetries: 0 });
    const answer = await client.chat.completions.create({ model: 'bot', messages: [{ role: 'user', content: 'hello' }] });
    expect(answer.choices[0]!.message.content).toBe('echo: hello');
    expect((await client.models.list()).data.map((m) => m.id)).toEqual(['bot']);
    child.kill('SIGINT');
    const [code] = (await once(child, 'close')) as [number];
    expect(code).toBe(0);
    expect(stderr).toMatch(/stopping/);
    // What it served was logged before it exited.
    const stats = await runCli(['gateway', 'stats', '--json'], { cwd: dir });
    expect(stats.code).toBe(0);
    expect(stats.stdout).toMatch(/"requests": ?1/);
  });
});
