/**
 * A promptfoo config on the command line: `llmlab plan` runs it through the dialect (notices on stderr), and
 * `llmlab import promptfoo` writes a suite that plans identically, with the same suite hash, wherever it is
 * written. In-process (runCli): no process is spawned and nothing is called (plan makes no model calls).
 */
import { cpSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSuite } from '../../src/config/load-suite.js';
import { project } from '../config/helpers.js';
import { runCli } from './run-cli.js';

const fixture = fileURLToPath(new URL('../fixtures/promptfoo/basic/', import.meta.url));
// plan creates the providers (no calls): they need a key to exist.
const env = { OPENAI_API_KEY: 'sk-test', ANTHROPIC_API_KEY: 'sk-ant-test' };
let dir: string;

beforeAll(() => {
  dir = realpathSync(mkdtempSync(join(tmpdir(), 'llmlab-import-')));
  cpSync(fixture, dir, { recursive: true });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The plan's lines without its first (which names the file). */
const body = (stdout: string) => stdout.split('\n').slice(1).join('\n');

describe('llmlab with a promptfoo config', () => {
  it('plans a promptfoo config, printing its notices once on stderr', async () => {
    const plan = await runCli(['plan', 'promptfooconfig.yaml', '--db', join(dir, 'plan.db')], { cwd: dir, env });
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain('cells: 12 (2 providers × 2 prompts × 3 tests × 1 repeat)');
    expect(plan.stderr).toBe(
      'note: promptfooconfig.yaml: read as a promptfoo config (its file name) and translated\n' +
        'note: promptfooconfig.yaml:47:1: `sharing` ignored (llmlab never uploads results)\n',
    );
  });

  it('imports a suite that plans identically, with the same hash, beside the config or elsewhere', async () => {
    const imported = await runCli(['import', 'promptfoo', 'promptfooconfig.yaml', '-o', 'suite.yaml'], { cwd: dir, env });
    expect(imported.code).toBe(0);
    expect(imported.stderr).toContain('wrote suite.yaml: everything translated');
    const text = readFileSync(join(dir, 'suite.yaml'), 'utf8');
    expect(text).toMatch(/^# Translated from promptfooconfig\.yaml by `llmlab import promptfoo`\.\n# Run options from the promptfoo config: llmlab eval <suite> -j 2\n/);
    expect(text).toContain('$schema: ');
    expect(text).toContain('# A support-bot eval written the way promptfoo');
    const away = await runCli(['import', 'promptfoo', 'promptfooconfig.yaml', '-o', 'out/deeper/suite.yaml'], { cwd: dir, env });
    expect(away.code).toBe(0);
    expect(readFileSync(join(dir, 'out/deeper/suite.yaml'), 'utf8')).toContain('file: ../../prompts/answer.txt');

    const original = await loadSuite(join(dir, 'promptfooconfig.yaml'), project);
    for (const path of ['suite.yaml', 'out/deeper/suite.yaml']) {
      const suite = await loadSuite(join(dir, path), project);
      expect(suite.hash).toBe(original.hash);
      expect(suite.notices).toBeUndefined();
    }
    const plans = await Promise.all(
      ['promptfooconfig.yaml', 'suite.yaml'].map((file) => runCli(['plan', file, '--db', join(dir, 'plan.db')], { cwd: dir, env })),
    );
    expect(body(plans[1]!.stdout)).toBe(body(plans[0]!.stdout));
  });

  it('prints the suite on stdout without -o, and exits 2 on a config it cannot translate', async () => {
    const printed = await runCli(['import', 'promptfoo', 'promptfooconfig.yaml'], { cwd: dir, env });
    expect(printed.code).toBe(0);
    expect(printed.stdout).toContain('description: Support answers');
    writeFileSync(join(dir, 'bad.yaml'), 'prompts: ["{{q}}"]\nproviders: [echo]\ntests: [{ vars: { q: hi } }]\nredteam: { plugins: [harmful] }\nretries: 2\n');
    const bad = await runCli(['import', 'promptfoo', 'bad.yaml'], { cwd: dir, env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('bad.yaml:5:1: unknown promptfoo key `retries`');
    const exists = await runCli(['import', 'promptfoo', 'promptfooconfig.yaml', '-o', 'suite.yaml'], { cwd: dir, env });
    expect(exists.code).toBe(2);
  });

  it('lists what it did not translate, with the promptfoo line, and still exits 0', async () => {
    writeFileSync(join(dir, 'partial.yaml'), 'prompts: ["{{q}}"]\nproviders: [echo]\ntests: [{ vars: { q: hi } }]\nredteam:\n  plugins: [harmful]\n');
    const result = await runCli(['import', 'promptfoo', 'partial.yaml', '-o', 'partial-suite.yaml'], { cwd: dir, env });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('partial.yaml:4:1: redteam — promptfoo red teaming does not translate key by key');
    expect(result.stderr).toContain('wrote partial-suite.yaml: 1 key not translated (listed above)');
  });
});
