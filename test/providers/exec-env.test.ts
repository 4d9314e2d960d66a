/**
 * An `exec:` command sees only the environment it declares (`passEnv`, `env`) plus a few basics, never every
 * API key of the shell that ran llmlab. Through the CLI, as a user runs it.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli/run-cli.js';

let dir: string;
const node = JSON.stringify(process.execPath);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'llmlab-exec-env-'));
  writeFileSync(join(dir, 'llmlab.config.yaml'), '{}\n');
  // Answers with the names of the variables it was given, and the values of two of them.
  writeFileSync(
    join(dir, 'env.mjs'),
    "const e = process.env;\nprocess.stdout.write(`${Object.keys(e).sort().join(' ')} | declared=${e.MY_DECLARED} | set=${e.SET_HERE}`);\n",
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function outputOf(config: string): Promise<string> {
  writeFileSync(
    join(dir, 'suite.yaml'),
    `providers:\n  - id: exec:${node} env.mjs\n    config: ${config}\nprompts: ["x"]\ntests: [{}]\n`,
  );
  const r = await runCli(['eval', 'suite.yaml', '-o', 'report.json', '--no-cache'], {
    cwd: dir,
    env: { OPENAI_API_KEY: 'sk-exec-env-SECRET-123456', MY_DECLARED: 'declared-value', UNDECLARED_THING: 'nope' },
  });
  expect(r.stderr).not.toMatch(/internal error/);
  expect(r.code).toBe(0);
  return JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')).cells[0].output as string;
}

describe('exec provider environment', () => {
  it('by default passes PATH and HOME but no key and nothing undeclared', async () => {
    const output = await outputOf('{ shell: false }');
    const names = output.split(' | ')[0]!.split(' ');
    expect(names).toContain('PATH');
    expect(names).toContain('HOME');
    expect(names).not.toContain('OPENAI_API_KEY');
    expect(names).not.toContain('UNDECLARED_THING');
    expect(names).not.toContain('MY_DECLARED');
    expect(output).toMatch(/\| declared=undefined \| set=undefined$/);
  });

  it('passes the variables named in passEnv, and the values set in env', async () => {
    const output = await outputOf('{ shell: false, passEnv: [MY_DECLARED], env: { SET_HERE: here } }');
    const names = output.split(' | ')[0]!.split(' ');
    expect(names).toContain('MY_DECLARED');
    expect(names).not.toContain('OPENAI_API_KEY');
    expect(output).toMatch(/\| declared=declared-value \| set=here$/);
  });

  it('rejects a passEnv that is not a list of variable names, at its key', async () => {
    writeFileSync(
      join(dir, 'suite.yaml'),
      `providers:\n  - id: exec:${node} env.mjs\n    config: { passEnv: ["not a name"] }\nprompts: ["x"]\ntests: [{}]\n`,
    );
    const r = await runCli(['eval', 'suite.yaml'], { cwd: dir });
    expect(r.stderr).toMatch(/suite\.yaml:3:\d+: .*passEnv/);
    expect(r.code).toBe(2);
  });
});
