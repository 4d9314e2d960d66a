/**
 * A broken price profile (providers/<type>.yaml in the installed package) stops `llmlab eval` before any call,
 * exit 2 at file:line:col. Read as "no prices" it would make every call cost $0 and switch off the budget.
 * The CLI finds its profiles beside dist/, so the test breaks one in a copy of this run's built package.
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliBin, type CliResult } from './run-cli.js';

let dir: string;
let bin: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'llmlab-price-profile-'));
  const built = cliBin();
  const pkg = dirname(dirname(dirname(built)));
  // node_modules is a link to the repository's: copied as a link, not as the tree behind it.
  cpSync(pkg, join(dir, 'pkg'), { recursive: true, verbatimSymlinks: true });
  bin = join(dir, 'pkg', relative(pkg, built));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(args: string[]): Promise<CliResult> {
  const child = spawn(process.execPath, [bin, ...args], {
    cwd: dir,
    // No call may be made: a closed port and a dummy key, so reaching the provider would be an error too.
    env: { ...process.env, CI: 'true', LLMLAB_DB: '', OPENAI_API_KEY: 'sk-test' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

describe('a corrupt price profile', () => {
  it('is an input error naming its file, line and column, not a silent $0', async () => {
    const profile = join(dir, 'pkg', 'providers', 'openai.yaml');
    writeFileSync(profile, 'type: openai\nmodels:\n  gpt-4o-mini: { input: cheap, output: 0.6 }\n');
    const suite = join(dir, 'suite.yaml');
    writeFileSync(
      suite,
      [
        'providers:',
        "  - { id: 'openai:gpt-4o-mini', config: { baseUrl: 'http://127.0.0.1:9/v1' } }",
        "prompts: ['Say {{ word }}']",
        'budget: { maxUsd: 0.01 }',
        'tests:',
        '  - vars: { word: hi }',
        '',
      ].join('\n'),
    );
    const result = await run(['eval', suite]);
    expect(result.code, result.stderr).toBe(2);
    // Paths below the working directory print relative to it, as everywhere in the CLI.
    expect(result.stderr).toBe(
      'llmlab: pkg/providers/openai.yaml:3:25: price profile: `models.gpt-4o-mini.input` must be a number of USD per ' +
        'million tokens (0 or more), got "cheap"\n' +
        '  hint: fix or restore the file (it ships with llmlab); prices for your own models go under `prices:` in ' +
        'llmlab.config.yaml\n',
    );
  }, 30_000);
});
