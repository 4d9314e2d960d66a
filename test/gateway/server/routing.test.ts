/**
 * Routing at the HTTP level: `quality` serves only candidates whose stored eval run clears `minRate` at the lower
 * bound, refuses to start without a run (naming the `llmlab eval` to run), and follows a new run without a
 * restart; `cheapest` and `split` pick as configured.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadGatewayConfig } from '../../../src/config/load-gateway.js';
import { startGateway } from '../../../src/gateway/server.js';
import { runCli } from '../../cli/run-cli.js';
import { tempDir } from '../../config/helpers.js';
import { startFakeOpenAI, type FakeServer } from '../../fakes/index.js';
import { fakeProvider, startTestGateway } from './helpers.js';

const fakes: FakeServer[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((f) => f.close()));
});
async function fake(answer: string): Promise<FakeServer> {
  const server = await startFakeOpenAI({ answer: () => answer });
  fakes.push(server);
  return server;
}
const ask = { model: 'bot', messages: [{ role: 'user' as const, content: 'x' }] };

/** A suite whose mock providers `good` and `bad` answer "yes"/"no" to 30 tests asserting "yes". */
function supportSuite(good: string, bad: string): string {
  const tests = Array.from({ length: 30 }, (_, i) => `  - vars: { i: ${i} }\n`).join('');
  return (
    `providers:\n  - { id: mock, label: good, config: { default: "${good}" } }\n  - { id: mock, label: bad, config: { default: "${bad}" } }\n` +
    `prompts: ["Question {{ i }}"]\ndefaultTest:\n  assert: [{ type: contains, value: "yes" }]\ntests:\n${tests}`
  );
}

describe('quality routing', () => {
  it('serves only the candidate whose lower bound clears minRate, and follows a newer run without a restart', async () => {
    const a = await fake('from good');
    const b = await fake('from bad');
    const dir = await tempDir({ 'llmlab.config.yaml': 'db: .llmlab/test.db\n', 'suites/support.yaml': supportSuite('yes', 'no') });
    const gatewayYaml =
      `providers:\n${fakeProvider('good', a.url)}${fakeProvider('bad', b.url)}` +
      `models:\n  bot:\n    strategy: quality\n    candidates: [good, bad]\n    quality: { suite: suites/support.yaml, metric: pass, minRate: 0.8 }\n`;
    await writeFile(join(dir, 'gateway.yaml'), gatewayYaml);
    // No stored run yet: the gateway refuses to start and says what to run.
    const config = await loadGatewayConfig(join(dir, 'gateway.yaml'), { cwd: dir, env: {} });
    const refused = await startGateway(config, { host: '127.0.0.1', port: 0, env: {}, cwd: dir }).catch((e: unknown) => e);
    expect((refused as Error).message).toMatch(/has none/);
    expect((refused as { hint?: string }).hint).toMatch(/llmlab eval suites\/support\.yaml/);

    expect((await runCli(['eval', 'suites/support.yaml', '--no-tui'], { cwd: dir })).code).toBe(1);
    const t = await startTestGateway(gatewayYaml, {}, { dir, qualityRefreshMs: 20 });
    const first = await t.client().chat.completions.create(ask).withResponse();
    expect(first.response.headers.get('x-llmlab-model')).toBe('good');
    const health = (await (await fetch(`${t.gateway.url}/health`)).json()) as { models: { bot: { candidates: { label: string; served: boolean }[] } } };
    expect(health.models.bot.candidates.map((c) => [c.label, c.served])).toEqual([['good', true], ['bad', false]]);

    // The team fixes `bad` and breaks `good`: the next run flips the route table while the gateway serves.
    await writeFile(join(dir, 'suites/support.yaml'), supportSuite('no', 'yes'));
    await runCli(['eval', 'suites/support.yaml', '--no-tui'], { cwd: dir });
    await expect.poll(async () => (await t.client().chat.completions.create(ask).withResponse()).response.headers.get('x-llmlab-model'), { timeout: 10_000 }).toBe('bad');
    expect(t.warnings.some((w) => /route table updated/.test(w))).toBe(true);
  });
});

describe('cheapest and split', () => {
  it('cheapest tries the lower-priced candidate first; split by weight sends every first try to the weighted one', async () => {
    const a = await fake('from a');
    const b = await fake('from b');
    const prices = 'db: .llmlab/test.db\nprices:\n  openai:gpt-4o-mini: { input: 1, output: 1 }\n  openai:gpt-4o: { input: 5, output: 15 }\n';
    const providers = `providers:\n  - { id: openai:gpt-4o, label: dear, config: { baseUrl: "${a.url}/v1" } }\n${fakeProvider('cheap', b.url)}`;
    const cheapest = await startTestGateway(`${providers}models:\n  bot:\n    strategy: cheapest\n    candidates: [dear, cheap]\n`, { 'llmlab.config.yaml': prices });
    expect((await cheapest.client().chat.completions.create(ask)).choices[0]!.message.content).toBe('from b');
    const split = await startTestGateway(`${providers}models:\n  bot:\n    strategy: split\n    candidates: [dear, cheap]\n    weights: { dear: 1, cheap: 0 }\n`, { 'llmlab.config.yaml': prices });
    for (let i = 0; i < 5; i++) expect((await split.client().chat.completions.create(ask)).choices[0]!.message.content).toBe('from a');
  });
});
