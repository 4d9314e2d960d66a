import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/index.js';
import { runCli, type CliResult } from './run-cli.js';

const ROOT = new URL('../../', import.meta.url).pathname;

/**
 * A one-target suite of `n` tests on the mock provider: tests in `wrong` answer wrongly, those in `errors` fail
 * their call. Test ids are fixed, so every version of the suite pairs with every other.
 */
function suite(n: number, options: { wrong?: number[]; errors?: number[]; gates?: string } = {}): string {
  const answers = Array.from({ length: n }, (_, i) =>
    options.errors?.includes(i)
      ? `        - { vars: { n: ${i} }, error: "boom" }`
      : `        - { vars: { n: ${i} }, output: "${options.wrong?.includes(i) ? 'no' : 'yes'}" }`,
  );
  const tests = Array.from({ length: n }, (_, i) => `  - { id: t${i}, vars: { n: ${i} }, assert: [{ type: equals, value: "yes" }] }`);
  return [
    'providers:', '  - id: mock:bot', '    label: bot', '    config:', '      answers:', ...answers,
    'prompts:', '  - id: ask', '    template: "Answer {{ n }}"', 'tests:', ...tests,
    ...(options.gates ? [`gates: ${options.gates}`] : []), '',
  ].join('\n');
}

const runId = (r: CliResult) => /run (\S+): \d+ cells/.exec(r.stderr)![1]!;
const gateLines = (r: CliResult) => r.stdout.split('\n').filter((l) => l.startsWith('gate '));
const noStack = (r: CliResult) => expect(r.stderr).not.toMatch(/\n\s+at /);

let dir: string;
const cli = (...args: string[]): Promise<CliResult> => runCli(args, { cwd: dir });

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'llmlab-gates-cli-'));
  writeFileSync(join(dir, 'llmlab.config.yaml'), 'suites: [s.yaml]\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('llmlab eval gates', () => {
  it('prints one line per gate and exits 1 when one fails', async () => {
    writeFileSync(join(dir, 's.yaml'), suite(4, { wrong: [0], errors: [1], gates: '{ minPassRate: 0.5, maxErrors: 0, maxCostUsd: 1, maxRegression: 0.02 }' }));
    const r = await cli('eval', 's.yaml');
    noStack(r);
    expect(r.code).toBe(1);
    expect(gateLines(r)).toEqual([
      'gate minPassRate: pass — 50.0% (2 of 4 cells), threshold ≥ 50.0%',
      'gate maxErrors: FAIL — 1 errored cell, threshold ≤ 0: 1 cells errored, more than maxErrors 0',
      'gate maxCostUsd: pass — $0, threshold ≤ $1.00',
      'gate maxRegression: not checked — no baseline (run with --baseline <run | report.json | git:REF>), threshold drop ≤ 2.0 pts, significant drops only',
      'gate failed: maxErrors',
    ]);
  });

  it('--baseline latest~1: a big drop on 3 tests is not significant, so it passes unless significance is off', async () => {
    writeFileSync(join(dir, 's.yaml'), suite(3, { gates: '{ minPassRate: 0, maxRegression: 0.02 }' }));
    const base = runId(await cli('eval', 's.yaml'));
    writeFileSync(join(dir, 's.yaml'), suite(3, { wrong: [0, 1, 2], gates: '{ minPassRate: 0, maxRegression: 0.02 }' }));
    await cli('eval', 's.yaml'); // latest~1 is now the base run
    const lenient = await cli('eval', 's.yaml', '--baseline', 'latest~1');
    noStack(lenient);
    expect(lenient.code).toBe(0);
    // The comparison, as `llmlab compare` prints it, comes after the summary and before the gates.
    expect(lenient.stdout).toMatch(new RegExp(`\\nbaseline latest~1\\ncompare B against A over 3 paired cells .*\\nA  ${base}  s\\.yaml  `));
    expect(lenient.stdout.indexOf('regressed (pass → fail/error): 3')).toBeLessThan(lenient.stdout.indexOf('gate maxRegression'));
    expect(gateLines(lenient)[1]).toBe(
      'gate maxRegression: pass — largest drop 100.0 pts (ask × bot: 100.0% → 0.0%, n=3, Holm p=0.25), threshold drop ≤ 2.0 pts, ' +
        'significant drops only: ask × bot dropped 100.0 pts, but not significantly (McNemar, Holm p=0.25, n=3): could be noise',
    );

    writeFileSync(join(dir, 's.yaml'), suite(3, { wrong: [0, 1, 2], gates: '{ minPassRate: 0, maxRegression: 0.02, requireSignificance: false }' }));
    const strict = await cli('eval', 's.yaml', '--baseline', base);
    expect(strict.code).toBe(1);
    expect(gateLines(strict).slice(1)).toEqual([
      'gate maxRegression: FAIL — largest drop 100.0 pts (ask × bot: 100.0% → 0.0%, n=3, Holm p=0.25), threshold drop ≤ 2.0 pts: ' +
        'ask × bot: pass rate dropped 100.0 pts, more than the 2.0 pts tolerated',
      'gate failed: maxRegression',
    ]);
  });

  it('--baseline report.json: pairs the report\'s cells by test identity; the JSON report carries every gate', async () => {
    const gates = '{ minPassRate: 0, maxRegression: 0.05 }';
    writeFileSync(join(dir, 's.yaml'), suite(12, { gates }));
    expect((await cli('eval', 's.yaml', '-o', 'reports/base.json')).code).toBe(0);
    writeFileSync(join(dir, 's.yaml'), suite(12, { wrong: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], gates }));
    const r = await cli('eval', 's.yaml', '--baseline', 'reports/base.json', '-o', 'reports/head.json');
    noStack(r);
    expect(r.code).toBe(1);
    // 10 regressions and no fix: McNemar's exact p = 2·0.5¹⁰ ≈ 0.002.
    expect(gateLines(r)[1]).toMatch(/^gate maxRegression: FAIL — largest drop 83\.3 pts .*: ask × bot: pass rate dropped 83\.3 pts, more than the 5\.0 pts tolerated, and significant \(McNemar, Holm p=0\.002\)$/);
    const report = JSON.parse(readFileSync(join(dir, 'reports/head.json'), 'utf8'));
    const base = JSON.parse(readFileSync(join(dir, 'reports/base.json'), 'utf8'));
    expect(report.summary.gate).toMatchObject({ passed: false, baseline: { runId: `report:${base.run.id}`, ref: 'reports/base.json' } });
    expect(report.summary.gate.checks.map((c: { gate: string; status: string }) => `${c.gate} ${c.status}`)).toEqual(['minPassRate pass', 'maxRegression fail']);
    expect(report.run.options.gates).toEqual({ minPassRate: 0, maxRegression: 0.05 });
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    addFormats.default(ajv);
    const validate = ajv.compile(JSON.parse(readFileSync(join(ROOT, 'schemas/report.schema.json'), 'utf8')));
    expect(validate(report), JSON.stringify(validate.errors)).toBe(true);

    // `llmlab report` re-checks the stored gates; without a baseline maxRegression is not checked.
    const again = await cli('report', 'latest', '-o', 'reports/again.json');
    expect(again.code).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'reports/again.json'), 'utf8')).summary.gate.checks[1]).toMatchObject({ gate: 'maxRegression', status: 'not-checked' });
  });

  it('rejects unknown refs before running anything: exit 2, a clear message, no stack', async () => {
    const store = openStore(join(dir, '.llmlab/llmlab.db'));
    const before = store.runs.list(1000).length;
    store.close();
    // Refused before anything runs: main() in this process.
    const refused = (...args: string[]) => runCli(args, { cwd: dir });
    const unknown = await refused('eval', 's.yaml', '--baseline', 'nope');
    expect([unknown.code, unknown.stderr]).toEqual([2, expect.stringMatching(/^llmlab: --baseline `nope` names no stored run, report file or git commit\n {2}hint: /)]);
    const missing = await refused('eval', 's.yaml', '--baseline', 'gone.json');
    expect([missing.code, missing.stderr]).toEqual([2, expect.stringMatching(/--baseline gone\.json: no such report file/)]);
    writeFileSync(join(dir, 'other.yaml'), suite(1));
    const several = await refused('eval', 's.yaml', 'other.yaml', '--baseline', 'latest');
    expect([several.code, several.stderr]).toEqual([2, expect.stringMatching(/is one suite's run, but 2 suites were given/)]);
    const notGit = await refused('eval', 's.yaml', '--baseline', 'git:HEAD');
    expect([notGit.code, notGit.stderr]).toEqual([2, expect.stringMatching(/git cannot resolve `HEAD`/)]);
    for (const r of [unknown, missing, several, notGit]) noStack(r);
    const after = openStore(join(dir, '.llmlab/llmlab.db'));
    expect(after.runs.list(1000)).toHaveLength(before);
    after.close();
  });
});

describe('llmlab eval --baseline git:REF', () => {
  let repo: string;
  const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd: repo, stdio: 'pipe' }).toString().trim();
  const inRepo = (...args: string[]) => runCli(args, { cwd: repo });

  beforeAll(() => {
    repo = mkdtempSync(join(tmpdir(), 'llmlab-gates-git-'));
    git('init', '-q', '-b', 'main');
    writeFileSync(join(repo, 'llmlab.config.yaml'), 'suites: [evals/s.yaml]\n');
    writeFileSync(join(repo, '.gitignore'), '.llmlab/\n');
    execFileSync('mkdir', ['-p', join(repo, 'evals')]);
    writeFileSync(join(repo, 'evals/s.yaml'), suite(12, { gates: '{ minPassRate: 0, maxRegression: 0.05 }' }));
    git('add', '.');
    git('commit', '-q', '-m', 'base');
  });
  afterAll(() => rmSync(repo, { recursive: true, force: true }));

  it('says to run the base first when no run exists at that commit', async () => {
    const r = await inRepo('eval', 'evals/s.yaml', '--baseline', 'git:HEAD');
    noStack(r);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^llmlab: no stored run of evals\/s\.yaml at git:HEAD \(commit [0-9a-f]{12}\) in .*llmlab\.db\n {2}hint: run the base first, e\.g\. `git worktree add /);
  });

  it('compares with the latest run of the same suite made at the commit', async () => {
    const base = runId(await inRepo('eval', 'evals/s.yaml'));
    // An uncommitted edit: the working tree is still at HEAD, so git:HEAD is "before my change".
    writeFileSync(join(repo, 'evals/s.yaml'), suite(12, { wrong: [0, 1, 2, 3, 4, 5, 6, 7], gates: '{ minPassRate: 0, maxRegression: 0.05 }' }));
    const sha = git('rev-parse', 'HEAD');
    const r = await inRepo('eval', 'evals/s.yaml', '--baseline', 'git:main', '-o', 'head.json');
    noStack(r);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(new RegExp(`\\nbaseline git:main\\ncompare B against A over 12 paired cells .*\\nA  ${base}  evals/s\\.yaml  .*  git ${sha.slice(0, 10)}\\n`));
    expect(gateLines(r)).toContainEqual(expect.stringMatching(/^gate maxRegression: FAIL — largest drop 66\.7 pts/));
    expect(JSON.parse(readFileSync(join(repo, 'head.json'), 'utf8')).summary.gate.baseline).toEqual({ runId: base, ref: 'git:main' });
    const unknown = await inRepo('eval', 'evals/s.yaml', '--baseline', 'git:no-such-branch');
    expect([unknown.code, unknown.stderr]).toEqual([2, expect.stringMatching(/git cannot resolve `no-such-branch`/)]);
  });
});
