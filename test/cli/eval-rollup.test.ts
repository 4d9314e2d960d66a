/**
 * `llmlab eval` over several suites: the roll-up line that explains the exit code, a missing API key that names
 * the suite and the provider, and `outputDir` for a bare `-o` file name. In this process, offline.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

let dir: string;
const NO_KEYS = { OPENAI_API_KEY: '', OPENAI_BASE_URL: '' };

/** A one-test echo suite whose equals assertion passes or not. */
const echoSuite = (expected: string, extra = '') =>
  `providers: [echo]\nprompts: ["{{ word }}"]\n${extra}tests:\n  - vars: { word: hi }\n    assert: [{ type: equals, value: "${expected}" }]\n`;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'llmlab-rollup-'));
  mkdirSync(join(dir, 'suites'));
  writeFileSync(join(dir, 'llmlab.config.yaml'), 'suites: [suites/*.yaml]\n');
  writeFileSync(join(dir, 'suites/a.yaml'), echoSuite('nope'));
  writeFileSync(join(dir, 'suites/b.yaml'), echoSuite('hi'));
  writeFileSync(join(dir, 'suites/c.yaml'), echoSuite('hi', 'gates: { maxErrors: 0 }\n'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('llmlab eval over several suites', () => {
  it('ends with one line saying which suites failed which gate, and the exit code it explains', async () => {
    const r = await runCli(['eval'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/\ngate failed: minPassRate\n/);
    expect(r.stdout.endsWith('\n2 of 3 suites passed; failed: suites/a.yaml (minPassRate); exit code 1\n')).toBe(true);
  });

  it('says all passed, and prints no roll-up for a single suite', async () => {
    const two = await runCli(['eval', 'suites/b.yaml', 'suites/c.yaml'], { cwd: dir });
    expect(two.code).toBe(0);
    expect(two.stdout.endsWith('\n2 of 2 suites passed; exit code 0\n')).toBe(true);
    const one = await runCli(['eval', 'suites/a.yaml'], { cwd: dir });
    expect(one.code).toBe(1);
    expect(one.stdout).not.toMatch(/suites passed/);
  });

  it('names the suite and the provider whose API key is missing', async () => {
    writeFileSync(
      join(dir, 'keyed.yaml'),
      'providers:\n  - { id: openai:gpt-4o-mini, label: fast }\nprompts: ["{{ q }}"]\ntests:\n  - vars: { q: hi }\n',
    );
    const r = await runCli(['eval', 'suites/b.yaml', 'keyed.yaml'], { cwd: dir, env: NO_KEYS });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^llmlab: keyed\.yaml: OPENAI_API_KEY is not set \(needed by provider fast, openai:gpt-4o-mini\)\n {2}hint: set OPENAI_API_KEY /m);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('outputDir', () => {
  it('takes a bare -o file name when llmlab.config.yaml sets it; a path with a folder is kept as given', async () => {
    const project = join(dir, 'with-dir');
    mkdirSync(project);
    writeFileSync(join(project, 'llmlab.config.yaml'), 'outputDir: out/reports\n');
    writeFileSync(join(project, 's.yaml'), echoSuite('hi'));
    mkdirSync(join(project, 'sub'));
    const r = await runCli(['eval', '../s.yaml', '-o', 'r.json', '-o', './here.md'], { cwd: join(project, 'sub') });
    expect(r.code).toBe(0);
    // Relative to the config file, not to where llmlab ran; named as the user can open it.
    expect(existsSync(join(project, 'out/reports/r.json'))).toBe(true);
    expect(existsSync(join(project, 'sub/here.md'))).toBe(true);
    expect(r.stderr).toMatch(/\nwrote \.\.\/out\/reports\/r\.json\nwrote \.\/here\.md\n/);
    const report = await runCli(['report', 'latest', '-o', 'again.html'], { cwd: project });
    expect(report.code).toBe(0);
    expect(existsSync(join(project, 'out/reports/again.html'))).toBe(true);
  });

  it('leaves a bare name in the working directory when no outputDir is set', async () => {
    const r = await runCli(['eval', 'suites/b.yaml', '-o', 'plain.json'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(existsSync(join(dir, 'plain.json'))).toBe(true);
  });
});
