/**
 * Every benchmark fixture, in every layout the adapters accept, through the real loader, engine and store against
 * the fake OpenAI server: a perfect model scores 100 % whichever answer style it uses (the styles of
 * docs/benchmarks.md), and a model that is always wrong scores 0 %. Loglikelihood runs use a fake whose echoed
 * log-probabilities favour the gold (or a wrong) continuation.
 */
import { mkdtemp, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSuite } from '../../src/config/load-suite.js';
import type { ResolvedSuite } from '../../src/config/types.js';
import { openStore, type Store } from '../../src/store/index.js';
import { startFakeOpenAI, type FakeServer } from '../fakes/index.js';
import { runInStore, testProject } from '../engine/run-in-store.js';
import { tempDir } from '../config/helpers.js';

const FIX = new URL('../fixtures/benchmarks/', import.meta.url).pathname;
const LETTER_STYLES = [(l: string) => ` ${l}`, (l: string) => l, (l: string) => `${l}.`, (l: string) => `${l}. 20%`, (l: string) => `**${l}**`, (l: string) => `answer: ${l.toLowerCase()}`, (l: string) => `(${l})`, (l: string) => `Option ${l}`];
const NUMBER_STYLES = [(n: string) => `Adding up.\n#### ${n}`, (n: string) => `#### ${n}`, (n: string) => `So it is ${n}.\n#### ${n}.`];

let dir: string;
let server: FakeServer;
let store: Store;
beforeAll(async () => {
  dir = await realpath(await mkdtemp(join(tmpdir(), 'llmlab-oracle-')));
  server = await startFakeOpenAI();
  store = openStore(join(dir, 'llmlab.db'));
});
afterAll(async () => {
  store.close();
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

interface Case {
  name: string;
  dataset: string;
  protocol: 'generate' | 'loglikelihood';
}

const CASES: Case[] = [
  { name: 'gsm8k', protocol: 'generate', dataset: `type: gsm8k, path: ${FIX}gsm8k/test.jsonl, fewshot: { k: 5, path: ${FIX}gsm8k/train.jsonl }` },
  { name: 'mmlu csv', protocol: 'generate', dataset: `type: mmlu, path: "${FIX}mmlu/test/*_test.csv", fewshot: { k: 5, path: "${FIX}mmlu/dev/*_dev.csv" }` },
  { name: 'arc original', protocol: 'generate', dataset: `type: arc, path: ${FIX}arc/ARC-Easy-Test.jsonl, fewshot: { k: 25, path: ${FIX}arc/ARC-Challenge-Train.jsonl }` },
  { name: 'arc hugging face', protocol: 'generate', dataset: `type: arc, path: ${FIX}arc/ai2_arc-ARC-Challenge-test.jsonl` },
  { name: 'hellaswag original', protocol: 'generate', dataset: `type: hellaswag, path: ${FIX}hellaswag/hellaswag_val.jsonl, fewshot: { k: 10, path: ${FIX}hellaswag/hellaswag_train.jsonl }` },
  { name: 'hellaswag hugging face', protocol: 'generate', dataset: `type: hellaswag, path: ${FIX}hellaswag/Rowan-hellaswag-validation.jsonl` },
  { name: 'arc loglikelihood', protocol: 'loglikelihood', dataset: `type: arc, path: ${FIX}arc/ai2_arc-ARC-Challenge-test.jsonl, fewshot: { k: 3, path: ${FIX}arc/ARC-Challenge-Train.jsonl }` },
  { name: 'hellaswag loglikelihood', protocol: 'loglikelihood', dataset: `type: hellaswag, path: ${FIX}hellaswag/hellaswag_val.jsonl, fewshot: { k: 10, path: ${FIX}hellaswag/hellaswag_train.jsonl }` },
  { name: 'mmlu loglikelihood', protocol: 'loglikelihood', dataset: `type: mmlu, path: "${FIX}mmlu/test/*_test.csv", fewshot: { k: 5, path: "${FIX}mmlu/dev/*_dev.csv" }` },
];

async function load(c: Case): Promise<ResolvedSuite> {
  const api = c.protocol === 'loglikelihood' ? ', api: completions' : '';
  const suiteDir = await tempDir({
    'suite.yaml': `providers:
  - id: openai:m
    config: { baseUrl: ${server.url}/v1, maxRetries: 0${api} }
prompts: ["{{ description }}{{ fewshot }}{{ query }}"]
repeat: ${c.protocol === 'generate' ? 8 : 1}
defaultTest: { vars: { description: "" } }
dataset: { ${c.dataset}, protocol: ${c.protocol} }
`,
  });
  return loadSuite(join(suiteDir, 'suite.yaml'), testProject(suiteDir));
}

/** The gold answer of each prompt the engine will send: the letter, the number, or the gold continuation. */
function golds(suite: ResolvedSuite): Map<string, { letter?: string; number?: string; continuation?: string; wrong?: string }> {
  const map = new Map<string, { letter?: string; number?: string; continuation?: string; wrong?: string }>();
  for (const test of suite.tests) {
    const prompt = `${String(test.vars['description'] ?? '')}${String(test.vars['fewshot'])}${String(test.vars['query'])}`;
    const first = test.assert[0]!;
    if (first.type === 'exact-match') map.set(prompt, { number: String(test.vars['target']) });
    else if (first.type === 'equals') map.set(prompt, { letter: String(first.value) });
    else {
      const gold = (first.value as { gold: number }).gold;
      map.set(prompt, { continuation: test.continuations![gold]!, wrong: test.continuations![(gold + 1) % test.continuations!.length]! });
    }
  }
  return map;
}

async function run(c: Case, right: boolean): Promise<{ rate: number; n: number; errors: number }> {
  const suite = await load(c);
  const gold = golds(suite);
  let call = 0;
  server.setBehaviour({
    answer: (body) => {
      const g = gold.get(String(body.messages.at(-1).content));
      if (!g) return 'unknown prompt';
      call++;
      if (g.number !== undefined) return NUMBER_STYLES[call % NUMBER_STYLES.length]!(right ? g.number : `${g.number}1`);
      const letter = right ? g.letter! : String.fromCharCode(((g.letter!.charCodeAt(0) - 64) % 3) + 65);
      return LETTER_STYLES[call % LETTER_STYLES.length]!(letter);
    },
    tokenLogprob: (_token, offset, text) => {
      for (const [prompt, g] of gold) {
        if (!text.startsWith(prompt) || [...prompt].length > offset) continue;
        return text.slice(prompt.length) === (right ? g.continuation : g.wrong) ? -0.01 : -3;
      }
      return -1;
    },
  });
  // No response cache: the right and the wrong model send the same prompts.
  const { cells } = await runInStore(store, dir, suite, { env: { OPENAI_API_KEY: 'sk-test' }, cache: false });
  const passes = cells.filter((cell) => cell.status === 'pass').length;
  return { rate: passes / cells.length, n: cells.length, errors: cells.filter((cell) => cell.status === 'error').length };
}

describe.each(CASES)('$name ($protocol)', (c) => {
  it('a perfect model scores 100 %, in every answer style', async () => {
    const outcome = await run(c, true);
    expect(outcome.errors).toBe(0);
    expect(outcome.n).toBeGreaterThan(0);
    expect(outcome.rate).toBe(1);
  });

  it('an always-wrong model scores 0 %', async () => {
    const outcome = await run(c, false);
    expect(outcome.errors).toBe(0);
    expect(outcome.rate).toBe(0);
  });
});
