/**
 * `llmlab init`: what it writes (the files the README promises, the suite identical to docs/examples/first.yaml
 * apart from where its schema is), that it never overwrites without --force, and that the project it makes runs
 * offline at once.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { init } from '../../src/cli/init.js';
import type { CliIo } from '../../src/cli/io.js';
import { loadSuite } from '../../src/config/load-suite.js';
import { loadProjectConfig } from '../../src/config/project-config.js';
import { thrownAsyncLlmlabError } from '../thrown.js';
import { runCli } from './run-cli.js';

const ROOT = new URL('../../', import.meta.url).pathname;
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'llmlab-init-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function io(cwd = dir): CliIo & { err: () => string } {
  let err = '';
  return { stdout: { write: () => {} }, stderr: { write: (t) => void (err += t) }, env: {}, cwd, err: () => err };
}

const read = (path: string) => readFileSync(join(dir, path), 'utf8');

describe('llmlab init', () => {
  it('writes the config, an offline first suite, .env.example and the workflow, and ignores .llmlab/ and .env', async () => {
    const out = io();
    expect(await init(undefined, {}, out)).toBe(0);
    for (const file of ['llmlab.config.yaml', 'suites/first.yaml', '.env.example', '.github/workflows/llmlab.yml']) {
      expect(out.err()).toContain(`wrote ${file}`);
    }
    expect(read('.gitignore')).toBe('.llmlab/\n.env\n');
    expect(out.err()).toMatch(/next: npx llmlab eval/);
    expect(out.err()).toMatch(/then: npx llmlab view --open/);

    // The suite is the README's, with its schema found from the project, not from the llmlab repository.
    const suite = read('suites/first.yaml').split('\n');
    const documented = readFileSync(join(ROOT, 'docs/examples/first.yaml'), 'utf8').split('\n');
    expect(suite.slice(1)).toEqual(documented.slice(1));
    const schema = /\$schema=(\S+)$/.exec(suite[0]!)![1]!;
    expect(readFileSync(join(dir, 'suites', schema), 'utf8')).toContain('"$schema"');
    const configSchema = /\$schema=(\S+)$/.exec(read('llmlab.config.yaml').split('\n')[0]!)![1]!;
    expect(readFileSync(join(dir, configSchema), 'utf8')).toContain('"$schema"');

    // The workflow is the one docs/ci.md shows; the keys file names the key the commented provider needs.
    expect(read('.github/workflows/llmlab.yml')).toBe(readFileSync(join(ROOT, 'docs/examples/github-workflow.yml'), 'utf8'));
    expect(parse(read('.github/workflows/llmlab.yml')).jobs.eval.steps[1].uses).toMatch(/llmlab@/);
    expect(read('.env.example')).toMatch(/^OPENAI_API_KEY=$/m);
    expect(read('suites/first.yaml')).toMatch(/# - openai:gpt-4o-mini .*OPENAI_API_KEY/);

    const project = await loadProjectConfig({ cwd: dir, env: {} });
    expect(project.suites).toEqual(['suites/**/*.yaml']);
    expect(project.db).toBe(join(dir, '.llmlab/llmlab.db'));
    const loaded = await loadSuite(join(dir, 'suites/first.yaml'), project);
    expect(loaded.providers.map((p) => p.id)).toEqual(['mock:bot']);
    expect(loaded.prompts).toHaveLength(2);
    expect(loaded.tests).toHaveLength(3);
  });

  it('refuses to overwrite (exit 2 through USAGE) unless --force, and keeps an existing .gitignore', async () => {
    mkdirSync(join(dir, 'suites'));
    writeFileSync(join(dir, 'suites/first.yaml'), 'mine\n');
    writeFileSync(join(dir, '.gitignore'), 'node_modules\n.env');
    const error = await thrownAsyncLlmlabError(() => init(undefined, {}, io()));
    expect(error.code).toBe('USAGE');
    expect(error.message).toBe('init would overwrite suites/first.yaml in .');
    expect(error.hint).toMatch(/--force/);
    expect(read('suites/first.yaml')).toBe('mine\n');

    expect(await init(undefined, { force: true }, io())).toBe(0);
    expect(read('suites/first.yaml')).not.toBe('mine\n');
    expect(read('.gitignore')).toBe('node_modules\n.env\n.llmlab/\n');
  });

  it('makes the folder it is given, and says how to get there', async () => {
    const out = io();
    expect(await init('new/project', {}, out)).toBe(0);
    expect(read('new/project/suites/first.yaml')).toMatch(/mock:bot/);
    expect(out.err()).toContain('wrote new/project/llmlab.config.yaml');
    expect(out.err()).toMatch(/next: cd new\/project && npx llmlab eval/);
  });

  it('makes a project that runs offline at once, and a broken assertion shows its reason in the terminal', async () => {
    expect(await init(undefined, {}, io())).toBe(0);
    const first = await runCli(['eval'], { cwd: dir });
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/gate passed/);
    writeFileSync(join(dir, 'suites/first.yaml'), read('suites/first.yaml').replace('value: reset link', 'value: magic link'));
    const second = await runCli(['eval'], { cwd: dir });
    expect(second.code).toBe(1);
    expect(second.stdout).toMatch(/failures: 2 cells failed or errored\n {2}FAIL {2}test \S+ \{"question":"How do I reset my password\?"\} {2}friendly × mock:bot {2}output: "Click 'Forgot password' and follow the reset link we email you\."\n {6}icontains: "magic link" not found \(ignoring case\)\n/);
    expect(second.stderr).toMatch(/6 cells/);
  });
});
