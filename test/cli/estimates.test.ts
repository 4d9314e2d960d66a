/**
 * Estimates against actual usage, end to end: a run against the fake OpenAI server (which reports real `usage`)
 * records the plan's estimate at its start, its JSON report sets it beside the calls' usage sums, cached cells
 * are left out of both sides, and `llmlab report` re-renders the same console block.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EstimateSummary } from '../../src/report/model/estimates.js';
import { countTokens, startFakeOpenAI, type FakeServer } from '../fakes/index.js';
import { runCli } from './run-cli.js';

// Tests below that pass their own time limit (30 or 60 s) run several CLI processes in sequence: on a loaded 2-core
// machine that can outlast the e2e project's 20 s. The limit only bounds a hang; a passing test never waits it out.

const root = new URL('../../', import.meta.url).pathname;
let dir: string;
let server: FakeServer;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'llmlab-estimates-cli-'));
  server = await startFakeOpenAI();
  server.setBehaviour({ answer: () => 'a fairly long answer that the max tokens limit will cut off early' });
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

const QUESTIONS = ['What is the capital of France?', 'Name three primary colours.', 'Summarise the plot of Hamlet in one line.'];

function writeSuite(questions: readonly string[]): string {
  const suite = join(dir, 'estimates.yaml');
  writeFileSync(
    suite,
    [
      'providers:',
      `  - { id: 'openai:gpt-4o-mini', label: mini, config: { baseUrl: '${server.url}/v1', maxTokens: 6 } }`,
      `  - { id: 'openai:local-llama', label: llama, config: { baseUrl: '${server.url}/v1' } }`,
      "prices: { 'openai:local-llama': { input: 1, output: 2 } }",
      "prompts: ['Answer briefly, please: {{ question }}']",
      'tests:',
      ...questions.map((q) => `  - vars: { question: '${q}' }`),
      '',
    ].join('\n'),
  );
  return suite;
}

/** Input and output words the fake server counted for the requests since `from`, by model. */
function serverUsage(from: number): Map<string, { calls: number; input: number }> {
  const out = new Map<string, { calls: number; input: number }>();
  for (const r of server.requests.slice(from)) {
    if (!r.path.endsWith('/chat/completions')) continue;
    const u = out.get(r.body.model) ?? { calls: 0, input: 0 };
    u.calls++;
    for (const m of r.body.messages as { content: string }[]) u.input += countTokens(m.content);
    out.set(r.body.model, u);
  }
  return out;
}

function block(stdout: string): string {
  const lines = stdout.split('\n');
  const start = lines.findIndex((l) => l.startsWith('estimate vs actual'));
  expect(start, stdout).toBeGreaterThan(-1);
  return lines.slice(start, start + 3).join('\n');
}

function validator() {
  const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
  addFormats.default(ajv);
  return ajv.compile(JSON.parse(readFileSync(join(root, 'schemas/report.schema.json'), 'utf8')));
}

describe('estimates vs actual', () => {
  const env = { OPENAI_API_KEY: 'sk-test' };

  it('records the estimate at the start and reports it beside the usage the server returned', async () => {
    const suite = writeSuite(QUESTIONS);
    const from = server.requests.length;
    const report = join(dir, 'first.json');
    const run = await runCli(['eval', suite, '--estimate', '-o', report], { cwd: dir, env });
    expect(run.code, run.stderr).toBe(0);
    const json = JSON.parse(readFileSync(report, 'utf8'));
    const validate = validator();
    expect(validate(json), JSON.stringify(validate.errors)).toBe(true);
    expect(json.run.options.estimates.map((e: { label: string; calls: number }) => [e.label, e.calls])).toEqual([['mini', 3], ['llama', 3]]);
    const [mini, llama] = json.summary.estimates as EstimateSummary[];
    const used = serverUsage(from);
    expect(mini).toMatchObject({ providerLabel: 'mini', method: 'tokenizer', estimatedCalls: 3, calls: 3, outputPerCall: 6, outputBound: 18, outputAssumed: false });
    expect(llama).toMatchObject({ providerLabel: 'llama', method: 'approximate', estimatedCalls: 3, calls: 3, outputPerCall: 256, outputAssumed: true, priced: true });
    expect(mini!.actualInputTokens).toBe(used.get('gpt-4o-mini')!.input);
    expect(llama!.actualInputTokens).toBe(used.get('local-llama')!.input);
    for (const e of [mini!, llama!]) {
      // The fake counts words and no chat formatting: both estimators come out high, but within a sane factor.
      expect(e.estimatedInputTokens).toBeGreaterThanOrEqual(e.actualInputTokens);
      expect(e.estimatedInputTokens).toBeLessThan(e.actualInputTokens * 4);
      expect(e.inputErrorPct).toBeCloseTo(((e.estimatedInputTokens - e.actualInputTokens) / e.actualInputTokens) * 100, 9);
      expect(e.actualOutputTokens).toBeLessThanOrEqual(e.outputBound);
      expect(e.actualCost).toBeGreaterThanOrEqual(e.estimatedCost.low * 0.25);
      expect(e.actualCost).toBeLessThanOrEqual(e.estimatedCost.high);
    }
    // mini's answers are cut at maxTokens 6 words; llama's are the whole 13-word answer.
    expect(mini!.actualOutputTokens).toBe(18);
    expect(llama!.actualOutputTokens).toBe(3 * 13);
    expect(llama!.actualCost).toBeCloseTo((llama!.actualInputTokens * 1 + 39 * 2) / 1e6, 12);
    const lines = block(run.stdout).split('\n');
    expect(lines[1]).toMatch(/^ {2}mini: 3 calls; input ~\d+ est\. \(tokenizer\) vs \d+ \(\+\d+\.\d%\); output ≤ 18 vs 18; cost \$\S+–\$\S+ vs \$\S+$/);
    expect(lines[2]).toMatch(/^ {2}llama: 3 calls; input ~\d+ est\. \(~4 chars\/token\) vs \d+ \(\+\d+\.\d%\); output ≤ 768 \(assumed\) vs 39; cost /);
    // `llmlab report` re-renders the same block from the store.
    const again = await runCli(['report', json.run.id], { cwd: dir, env });
    expect(again.code).toBe(0);
    expect(block(again.stdout)).toBe(block(run.stdout));
  }, 60_000);

  it('leaves cached cells out of both sides', async () => {
    const suite = writeSuite([...QUESTIONS, 'Why is the sky blue?']);
    const from = server.requests.length;
    const report = join(dir, 'second.json');
    const run = await runCli(['eval', suite, '--estimate', '-o', report], { cwd: dir, env });
    const json = JSON.parse(readFileSync(report, 'utf8'));
    expect(json.run.options.estimates.map((e: { calls: number; cached: number }) => [e.calls, e.cached])).toEqual([[1, 3], [1, 3]]);
    const used = serverUsage(from);
    expect(used.get('gpt-4o-mini')).toEqual({ calls: 1, input: countTokens('Answer briefly, please: Why is the sky blue?') });
    const [mini] = json.summary.estimates as EstimateSummary[];
    expect(mini).toMatchObject({ estimatedCalls: 1, calls: 1, actualInputTokens: used.get('gpt-4o-mini')!.input, outputBound: 6 });
    expect(json.summary.cachedCells).toBe(6);
    expect(block(run.stdout)).toMatch(/mini: 1 calls;/);

    // All cached: nothing estimated, nothing called, and no block.
    const cached = await runCli(['eval', suite, '--estimate'], { cwd: dir, env });
    expect(cached.stdout).not.toContain('estimate vs actual');
  }, 60_000);

  it('estimates nothing without --estimate or a budget: the run does not pay for the tokenizer', async () => {
    const suite = writeSuite(['What is 2 + 2?']);
    const report = join(dir, 'plain.json');
    const run = await runCli(['eval', suite, '-o', report], { cwd: dir, env });
    expect(run.code, run.stderr).toBe(0);
    const json = JSON.parse(readFileSync(report, 'utf8'));
    expect(json.run.options.estimates).toBeUndefined();
    expect(json.summary.estimates).toBeUndefined();
    expect(run.stdout).not.toContain('estimate vs actual');
  }, 60_000);
});
