/**
 * `perplexity` end to end through the openai provider and a fake OpenAI server: the engine asks for logprobs only
 * when an assertion needs them, the provider maps `choices[0].logprobs`, and the answer's log-probabilities survive
 * the response cache, so a cached re-run grades the same.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSuite } from '../../src/config/load-suite.js';
import { openStore } from '../../src/store/index.js';
import { startFakeOpenAI, type FakeServer } from '../fakes/index.js';
import { runInStore, testProject } from '../engine/run-in-store.js';

let server: FakeServer;
let dir: string;

beforeAll(async () => {
  // "Paris is nice": three tokens; ln 2 each way → perplexity exactly 2.
  server = await startFakeOpenAI({ answer: () => 'Paris is nice', tokenLogprob: () => -Math.log(2) });
  dir = mkdtempSync(join(tmpdir(), 'llmlab-perplexity-'));
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

async function suiteWith(assertions: string) {
  const file = join(dir, `suite-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(
    file,
    `providers:\n  - id: openai:gpt-4o-mini\n    config: { baseUrl: "${server.url}/v1" }\nprompts: ["Q: {{ q }}"]\n` +
      `tests:\n  - vars: { q: capital }\n    assert:\n${assertions}`,
  );
  return loadSuite(file, testProject(dir));
}

describe('perplexity through the openai provider', () => {
  it('asks for logprobs, grades from them, and grades a cached re-run the same without a call', async () => {
    const store = openStore(join(dir, 'a.db'));
    try {
      const suite = await suiteWith('      - type: perplexity\n        value: 2.5\n      - type: perplexity-score\n        threshold: 0.3\n');
      const first = await runInStore(store, dir, suite, { env: { OPENAI_API_KEY: 'sk-test' } });
      expect(server.requests.at(-1)?.body).toMatchObject({ model: 'gpt-4o-mini', logprobs: true });
      expect(first.cells[0]!.assertions.map((a) => [a.type, a.pass, a.reason])).toEqual([
        ['perplexity', true, 'perplexity 2.000 over 3 tokens ≤ 2.5'],
        ['perplexity-score', true, 'score 0.3333 = 1 / (1 + perplexity 2.000) over 3 tokens'],
      ]);
      const calls = server.requests.length;
      const second = await runInStore(store, dir, suite, { env: { OPENAI_API_KEY: 'sk-test' } });
      expect(server.requests.length).toBe(calls);
      expect(second.cells[0]!.cached).toBe(true);
      expect(second.cells[0]!.assertions).toEqual(first.cells[0]!.assertions);
    } finally {
      store.close();
    }
  });

  it('does not ask for logprobs when no assertion needs them', async () => {
    const store = openStore(join(dir, 'b.db'));
    try {
      await runInStore(store, dir, await suiteWith('      - type: contains\n        value: Paris\n'), { env: { OPENAI_API_KEY: 'sk-test' } });
      expect(server.requests.at(-1)?.body).not.toHaveProperty('logprobs');
    } finally {
      store.close();
    }
  });
});
