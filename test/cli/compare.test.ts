import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, spawnCli, type CliResult } from './run-cli.js';

// Tests below that pass their own time limit (30 or 60 s) run several CLI processes in sequence: on a loaded 2-core
// machine that can outlast the e2e project's 20 s. The limit only bounds a hang; a passing test never waits it out.

const COUNTRIES = ['France', 'Spain', 'Italy', 'Japan', 'Peru', 'Kenya', 'Chile', 'Egypt', 'Ghana'];
const CAPITALS = ['Paris', 'Madrid', 'Rome', 'Tokyo', 'Lima', 'Nairobi', 'Santiago', 'Cairo', 'Accra'];

/** A one-target suite on the mock provider: `wrong` lists the tests answered wrongly, `tests` those present. */
function suite(tests: number[], wrong: number[], label = 'geo-bot'): string {
  const answers = tests.map((i) => `        - { match: "${COUNTRIES[i]}", output: "${wrong.includes(i) ? 'Atlantis' : CAPITALS[i]}" }`);
  const cases = tests.map(
    (i) => `  - { id: t${i}, description: capital of ${COUNTRIES[i]}, vars: { country: ${COUNTRIES[i]} }, assert: [{ type: icontains, value: "${CAPITALS[i]}" }] }`,
  );
  return [
    'description: capitals', 'providers:', '  - id: mock:geo', `    label: ${label}`, '    config:', '      answers:', ...answers,
    'prompts:', '  - id: ask', '    template: "Capital of {{ country }}?"', 'tests:', ...cases, '',
  ].join('\n');
}

let dir: string;
let first: string;
let second: string;
const cli = (...args: string[]): Promise<CliResult> => runCli(args, { cwd: dir });
const runId = (r: CliResult) => /run (\S+): \d+ cells/.exec(r.stderr)![1]!;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'llmlab-compare-'));
  writeFileSync(join(dir, 'llmlab.config.yaml'), 'suites: [capitals.yaml]\n');
  // Run A: t0–t7, all right but t7. Run B: t7 dropped, t8 added; t0–t5 now wrong, t6 still right.
  writeFileSync(join(dir, 'capitals.yaml'), suite([0, 1, 2, 3, 4, 5, 6, 7], [7]));
  first = runId(await cli('eval', 'capitals.yaml'));
  writeFileSync(join(dir, 'capitals.yaml'), suite([0, 1, 2, 3, 4, 5, 6, 8], [0, 1, 2, 3, 4, 5]));
  second = runId(await cli('eval', 'capitals.yaml'));
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('llmlab compare', () => {
  it('compares the run before latest with latest over the tests both ran', async () => {
    // The bin path of `compare`, as a user runs it.
    const r = await spawnCli(['compare', 'latest~1', 'latest'], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('compare B against A over 7 paired cells (matched by provider, prompt, test and repeat)');
    expect(lines[1]).toMatch(new RegExp(`^A  ${first}  capitals\\.yaml  \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC`));
    expect(lines[2]).toMatch(new RegExp(`^B  ${second}  capitals\\.yaml  `));
    expect(r.stdout).toMatch(/\nwarning: the suite changed between the runs \(hash \w+ → \w+\); only the cells they share are compared\n/);
    expect(r.stdout).toMatch(/\nonly in A: 1 test \(t7\)\nonly in B: 1 test \(t8\)\n/);
    // 7 of 7 → 1 of 7; 6 regressions, no fix: p = 2·0.5^6 = 0.03125.
    expect(r.stdout).toMatch(
      /\n {2}ask × geo-bot: 100\.0% \[64\.6–100\.0\] → 14\.3% \[2\.6–51\.3\]: −85\.7 pts \[−\d+\.\d, −\d+\.\d\], p=0\.031 \(significant; MDE \d+ pts at n=7\); 6 regressed, 0 fixed\n/,
    );
    expect(r.stdout).toMatch(/\ncost \$0 → \$0, tokens \d+ → \d+, p50 latency \d+ → \d+ ms \(over the paired cells\)\n/);
    const regressed = lines.indexOf('regressed (pass → fail/error): 6');
    expect(regressed).toBeGreaterThan(0);
    expect(lines[regressed + 1]).toBe('  ask × geo-bot  t0 "capital of France"  pass → fail');
    expect(lines.slice(regressed + 7)).toEqual(['fixed (fail/error → pass): none']);
  });

  it('writes the same comparison as JSON with -o and prints it with --json', async () => {
    const written = await cli('compare', first, second, '-o', 'reports/cmp.json');
    expect(written.code).toBe(0);
    expect(written.stderr).toBe('wrote reports/cmp.json\n');
    expect(written.stdout).toMatch(/^compare B against A/);
    const report = JSON.parse(readFileSync(join(dir, 'reports/cmp.json'), 'utf8'));
    expect(report).toMatchObject({
      schemaVersion: 1,
      runA: { id: first, status: 'completed' },
      runB: { id: second },
      cells: { a: 8, b: 8, paired: 7 },
      onlyInA: { tests: 1, testIds: ['t7'] },
      onlyInB: { tests: 1, testIds: ['t8'] },
      overall: { n: 7, regressions: 6, fixes: 0, significant: true },
    });
    expect(report.overall.pValue).toBeCloseTo(0.03125, 14);
    expect(report.targets).toHaveLength(1);
    expect(report.targets[0].regressed.map((t: { testId: string }) => t.testId)).toEqual(['t0', 't1', 't2', 't3', 't4', 't5']);
    expect(report.targets[0].regressed[0]).toEqual({
      testId: 't0', repeatIndex: 0, description: 'capital of France', statusA: 'pass', statusB: 'fail',
    });

    const printed = await cli('compare', 'latest~1', 'latest', '--json');
    expect(printed.code).toBe(0);
    expect(JSON.parse(printed.stdout)).toEqual(report);
  });

  it('exits 2 with a clear message for an unknown run, a bad -o, or runs that share no cells', async () => {
    // Refusals before anything is written: main() in this process.
    const refused = (...args: string[]) => runCli(args, { cwd: dir });
    for (const ref of ['nope', 'latest~9']) {
      const r = await refused('compare', ref, 'latest');
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain(`llmlab: no run \`${ref}\` in `);
      expect(r.stderr).toMatch(/hint: list runs with `llmlab runs`/);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
    const md = await refused('compare', 'latest~1', 'latest', '-o', 'cmp.md');
    expect(md.code).toBe(2);
    expect(md.stderr).toMatch(/cannot write `cmp\.md`: compare reports are JSON only/);

    writeFileSync(join(dir, 'other.yaml'), suite([0, 1], [], 'other-bot'));
    const other = runId(await cli('eval', 'other.yaml'));
    const none = await refused('compare', second, other);
    expect(none.code).toBe(2);
    // Of different suites, which the refusal says.
    expect(none.stderr).toContain(`llmlab: runs ${second} and ${other} are of different suites (capitals.yaml and other.yaml) and share no test: nothing to compare`);
    expect(none.stderr).not.toMatch(/\n\s+at /);
  }, 30_000);
});
