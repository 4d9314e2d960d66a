/** `--help` and cac's usage errors, as a user reads them: in this process, before anything runs. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportFormats } from '../../src/cli/outputs.js';
import { runCli } from './run-cli.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'llmlab-help-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('--help', () => {
  it.each(['eval', 'redteam', 'report'])('%s --help lists every report format -o writes', async (command) => {
    const r = await runCli([command, '--help'], { cwd: dir });
    expect(r.code).toBe(0);
    const line = r.stdout.split('\n').find((l) => l.trimStart().startsWith('-o, --output'));
    for (const format of reportFormats()) expect(line).toContain(format);
  });

  it('describes a negated flag as what it does, without the default of the option it negates', async () => {
    const r = await runCli(['eval', '--help'], { cwd: dir });
    expect(r.stdout).toMatch(/\n {2}--no-cache +Do not use the response cache: call every model again \(fresh answers are still cached\)\n/);
    expect(r.stdout).toMatch(/\n {2}--no-tui +Plain log output instead of the live view [^\n]*\)\n/);
    expect(r.stdout).not.toContain('(default: true)');
    // cac pads every option line; none ends in blanks.
    expect(r.stdout).not.toMatch(/ +\n/);
  });

  it.each([
    ['ci', 'head', '--help'],
    ['ci', 'base', '--help'],
    ['eval', 'suites/a.yaml', '--help'],
    ['show', 'latest', '-h'],
  ])('%s %s %s prints the command\'s help and exits 0', async (...args) => {
    const r = await runCli(args, { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`$ llmlab ${args[0]} `);
  });
});

describe('unknown options', () => {
  it('are named as typed, not camelCased, with the command\'s closest option', async () => {
    const r = await runCli(['eval', 'x.yaml', '--filter-pattern', 'a'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('llmlab: Unknown option `--filter-pattern`\n  hint: run `llmlab eval --help` for the options\n');
    const typo = await runCli(['report', 'latest', '--out-put', 'x.json'], { cwd: dir });
    expect(typo.stderr).toBe('llmlab: Unknown option `--out-put`\n  hint: did you mean `--output`? (`llmlab report --help` lists the options)\n');
    const negated = await runCli(['eval', '--no-cach'], { cwd: dir });
    expect(negated.stderr).toMatch(/^llmlab: Unknown option `--no-cach`\n {2}hint: did you mean `--no-cache`\?/);
    const assigned = await runCli(['runs', '--max-count=3'], { cwd: dir });
    expect(assigned.stderr).toMatch(/^llmlab: Unknown option `--max-count`\n/);
  });
});
