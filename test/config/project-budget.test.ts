/**
 * `budget:` in llmlab.config.yaml: a default for every suite, merged under the suite's own budget key by key in
 * one place (resolveBudget); problems at file:line:col in whichever file wrote the key; `--budget-usd` over
 * maxUsd and the merged budget stopping a real run through the CLI.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSuite } from '../../src/config/load-suite.js';
import { loadProjectConfig } from '../../src/config/project-config.js';
import type { ResolvedSuite } from '../../src/config/types.js';
import { runCli } from '../cli/run-cli.js';
import { flatten, tempDir } from './helpers.js';

const SUITE = 'providers: [echo, { id: mock, label: scripted }]\nprompts: ["Q: {{ q }}"]\ntests: [{ vars: { q: one } }]\n';

/** Writes a project (config + suite.yaml) and loads the suite through the project, as the CLI does. */
async function load(config: string, suite = SUITE): Promise<{ suite: ResolvedSuite; dir: string }> {
  const dir = await tempDir({ 'llmlab.config.yaml': config, 'suite.yaml': suite });
  const project = await loadProjectConfig({ cwd: dir, env: {} });
  return { suite: await loadSuite(join(dir, 'suite.yaml'), project), dir };
}

async function loadErrors(config: string, suite = SUITE) {
  const dir = await tempDir({ 'llmlab.config.yaml': config, 'suite.yaml': suite });
  try {
    await loadSuite(join(dir, 'suite.yaml'), await loadProjectConfig({ cwd: dir, env: {} }));
  } catch (error) {
    return flatten(error, dir);
  }
  throw new Error('expected an error');
}

describe('llmlab.config.yaml budget', () => {
  it('keeps the budget as written', async () => {
    const dir = await tempDir({
      'llmlab.config.yaml': 'concurrency: 2\nbudget:\n  maxUsd: 5\n  perProvider:\n    echo: 1.5\n    "scripted": 2\n',
    });
    const project = await loadProjectConfig({ cwd: dir, env: {} });
    expect(project.budget).toEqual({ maxUsd: 5, perProvider: { echo: 1.5, scripted: 2 } });
    const none = await loadProjectConfig({ cwd: await tempDir({ 'llmlab.config.yaml': 'concurrency: 2\n' }), env: {} });
    expect(none).not.toHaveProperty('budget');
  });

  it('is every suite’s budget when the suite has none, with onExceed defaulted to stop', async () => {
    const { suite } = await load('budget: { maxUsd: 2, alertAt: 0.5 }\n');
    expect(suite.budget).toEqual({ maxUsd: 2, alertAt: 0.5, onExceed: 'stop' });
    const { suite: without } = await load('concurrency: 3\n');
    expect(without.budget).toBeUndefined();
  });

  it('is overridden by the suite key by key; a suite perProvider replaces the project one as a whole', async () => {
    const config = 'budget:\n  maxUsd: 5\n  alertAt: 0.8\n  onExceed: skip-provider\n  perProvider: { echo: 1, scripted: 2 }\n';
    const { suite } = await load(config, `${SUITE}budget: { maxUsd: 0.5 }\n`);
    expect(suite.budget).toEqual({ maxUsd: 0.5, alertAt: 0.8, onExceed: 'skip-provider', perProvider: { echo: 1, scripted: 2 } });
    const { suite: own } = await load(config, `${SUITE}budget: { perProvider: { mock: 0.25 }, onExceed: stop }\n`);
    expect(own.budget).toEqual({ maxUsd: 5, alertAt: 0.8, onExceed: 'stop', perProvider: { mock: 0.25 } });
  });

  it('applies each project perProvider key to the suites that have that provider, and leaves it out of the others', async () => {
    // A project's defaults serve many suites: a limit for a model this suite does not call is not this suite's.
    const { suite: mixed } = await load('budget:\n  maxUsd: 5\n  perProvider:\n    echo: 1\n    openai:gpt-4o: 1\n', SUITE);
    expect(mixed.budget).toEqual({ maxUsd: 5, perProvider: { echo: 1 }, onExceed: 'stop' });
    const { suite: other } = await load('budget:\n  perProvider:\n    openai:gpt-4o: 1\n', SUITE);
    expect(other.budget).toBeUndefined();
    // The suite's own perProvider replaces the project's, so the project's keys are not checked against it.
    const { suite } = await load('budget:\n  perProvider:\n    openai:gpt-4o: 1\n', `${SUITE}budget: { perProvider: { echo: 1 } }\n`);
    expect(suite.budget?.perProvider).toEqual({ echo: 1 });
    // A suite key that names no provider is still reported in the suite.
    const inSuite = await loadErrors('budget: { maxUsd: 1 }\n', `${SUITE}budget:\n  perProvider:\n    mokc: 1\n`);
    expect(inSuite).toMatchObject([{ at: 'suite.yaml:6:5', message: 'budget.perProvider names `mokc`, which is not a provider of this suite' }]);
  });

  it.each([
    {
      name: 'a bad onExceed',
      text: 'budget:\n  onExceed: halt\n',
      at: 'llmlab.config.yaml:2:13',
      message: /onExceed/,
    },
    { name: 'a misspelt key', text: 'budget:\n  maxUSD: 5\n', at: 'llmlab.config.yaml:2:3', message: /unknown key `maxUSD`/ },
    { name: 'a limit of 0', text: 'budget: { maxUsd: 0 }\n', at: 'llmlab.config.yaml:1:19', message: /maxUsd/ },
    { name: 'alertAt above 1', text: 'budget: { alertAt: 1.5 }\n', at: 'llmlab.config.yaml:1:20', message: /alertAt/ },
  ])('rejects $name at file:line:col', async ({ text, at, message }) => {
    const dir = await tempDir({ 'llmlab.config.yaml': text });
    const errors = flatten(await loadProjectConfig({ cwd: dir, env: {} }).catch((e: unknown) => e), dir);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.at).toBe(at);
    expect(errors[0]!.message).toMatch(message);
  });

  it('stops a run through the CLI, and --budget-usd overrides its maxUsd', async () => {
    // A priced mock whose answer is ~225 tokens: about $0.023 a call at $100/M, so $0.05 pays for two of four.
    const dir = await tempDir({
      'llmlab.config.yaml': 'budget: { maxUsd: 0.05 }\n',
      'suite.yaml':
        `providers:\n  - id: mock\n    config: { default: "${'word '.repeat(180)}" }\n` +
        'prices: { mock: { input: 100, output: 100 } }\nprompts: ["Q: {{ q }}"]\n' +
        `tests:\n${Array.from({ length: 4 }, (_, i) => `  - vars: { q: question ${i} }\n`).join('')}`,
    });
    const plan = await runCli(['plan', 'suite.yaml'], { cwd: dir });
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toMatch(/may stop: worst case \$0\.\d+ > budget \$0\.05/);
    const stopped = await runCli(['eval', 'suite.yaml'], { cwd: dir });
    expect(stopped.code).toBe(1);
    expect(stopped.stderr).toMatch(/^budget: stopped at \$0\.0\d+ of \$0\.05; 2 cells skipped; resume with/m);
    const wider = await runCli(['eval', 'suite.yaml', '--budget-usd', '1'], { cwd: dir });
    expect(wider.stderr).not.toMatch(/^budget:/m);
    expect(wider.code, wider.stderr).toBe(0);
  }, 60_000);
});
