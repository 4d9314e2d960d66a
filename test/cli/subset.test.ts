/**
 * Subsets as a user runs them: each flag on `plan` and `eval` selects the same cells, the run and every report say
 * `subset: N of M cells (flags)`, the gate lines say they judged a subset, a subset is no `latest` baseline, and
 * mistakes (unknown provider, bad regex, an empty selection) exit 2 with one line and a hint.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliResult } from './run-cli.js';

// Tests that pass their own limit (60 s) run several evals in sequence, which on a loaded 2-core machine can
// outlast the e2e project's 20 s; the limit only bounds a hang.

const TESTS = [
  ['refund-1', 'refund to card', 'refund'],
  ['refund-2', 'refund of a gift', 'refund'],
  ['reset', 'reset password', 'password'],
  ['cancel', 'cancel plan', 'cancel'],
  ['invoice', 'invoice pdf', 'invoice'],
  ['hours', 'opening hours', 'hours'],
];

/** Two mock bots × two prompts × six tests: `good` answers every test right, `bad` only refunds and hours. */
const SUITE = [
  'description: support',
  'providers:',
  '  - id: mock:good',
  '    label: good',
  '    config: { default: "refund password cancel invoice hours" }',
  '  - id: mock:bad',
  '    label: bad',
  '    config: { default: "refund hours" }',
  'prompts:',
  '  - id: short',
  '    template: "Short: {{ q }}"',
  '  - id: long',
  '    template: "Long: {{ q }}"',
  'tests:',
  ...TESTS.map(([id, description, word]) => `  - { id: ${id}, description: ${description}, vars: { q: ${description} }, assert: [{ type: icontains, value: ${word} }] }`),
  '',
].join('\n');

let dir: string;
const cli = (...args: string[]): Promise<CliResult> => runCli(args, { cwd: dir });
const runId = (r: CliResult) => /run (\S+): \d+ cells/.exec(r.stderr)?.[1] ?? `(no run id in ${r.stderr})`;
const noStack = (r: CliResult) => expect(r.stderr).not.toMatch(/\n\s+at /);
let wholeRun: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'llmlab-subset-'));
  writeFileSync(join(dir, 'llmlab.config.yaml'), 'suites: [s.yaml]\n');
  writeFileSync(join(dir, 's.yaml'), SUITE);
  writeFileSync(join(dir, 'other.yaml'), SUITE.replace('description: support', 'description: other'));
  const r = await cli('eval', 's.yaml');
  expect(r.code).toBe(1); // `bad` fails 3 tests × 2 prompts
  wholeRun = runId(r);
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('plan with subset flags', () => {
  it.each([
    [['--filter', 'refund'], '  subset: 8 of 24 cells (--filter refund)'],
    [['--filter', '^(reset|hours)$'], "  subset: 8 of 24 cells (--filter '^(reset|hours)$')"],
    [['--first', '2'], '  subset: 8 of 24 cells (--first 2)'],
    [['--sample', '3'], '  subset: 12 of 24 cells (--sample 3 --seed 1)'],
    [['--sample', '3', '--seed', '9'], '  subset: 12 of 24 cells (--sample 3 --seed 9)'],
    [['--provider', 'bad'], '  subset: 12 of 24 cells (--provider bad)'],
    [['--provider', 'mock:good', '--provider', 'bad', '--prompt', 'long'], '  subset: 12 of 24 cells (--provider mock:good --provider bad --prompt long)'],
    [['--prompt', 'short', '--filter', 'refund'], '  subset: 4 of 24 cells (--prompt short --filter refund)'],
  ])('plan %j shows the subset under the suite\'s cells', async (flags, line) => {
    const r = await cli('plan', 's.yaml', ...flags);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[1]).toBe('  cells: 24 (2 providers × 2 prompts × 6 tests × 1 repeat)');
    expect(lines[2]).toBe(line);
    const cells = Number(/subset: (\d+)/.exec(line)![1]);
    expect(r.stdout).toContain(`  cached: ${cells} of ${cells} cells`);
  });

  it('plan --failing selects the cells that failed or errored in the suite\'s latest run', async () => {
    const r = await cli('plan', 's.yaml', '--failing');
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[2]).toBe(`  subset: 6 of 24 cells (--failing ${wholeRun})`);
  });
});

describe('eval with subset flags', () => {
  it('runs only the subset, says so under the table and in the gate lines, and marks every report', async () => {
    const r = await cli('eval', 's.yaml', '--filter', 'refund', '--provider', 'bad', '-o', 'r.json', '-o', 'r.md', '-o', 'r.xml', '-o', 'r.html');
    expect(r.code).toBe(0);
    const line = 'subset: 4 of 24 cells (--provider bad --filter refund)';
    expect(r.stdout).toContain(`\n${line}\n`);
    expect(r.stdout).toMatch(/\ngate passed \(1 gate checked\) — judged a subset: 4 of 24 cells \(--provider bad --filter refund\)\n/);
    const json = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8'));
    expect(json.run.options.subset).toEqual({ flags: '--provider bad --filter refund', select: { providers: ['bad'], filter: 'refund' }, cells: 4, suiteCells: 24 });
    expect(json.summary.subset).toEqual({ flags: '--provider bad --filter refund', cells: 4, suiteCells: 24, line });
    expect(json.summary.gate.subset).toBe(line);
    expect(json.cells).toHaveLength(4);
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    addFormats.default(ajv);
    const validate = ajv.compile(JSON.parse(readFileSync(new URL('../../schemas/report.schema.json', import.meta.url), 'utf8')));
    expect(validate(json), JSON.stringify(validate.errors)).toBe(true);
    expect(readFileSync(join(dir, 'r.md'), 'utf8')).toContain(`> ⚠️ ${line}; the gate judged these cells only`);
    expect(readFileSync(join(dir, 'r.xml'), 'utf8')).toContain(`<property name="llmlab.subset" value="${line}"/>`);
    expect(readFileSync(join(dir, 'r.html'), 'utf8')).toContain(`<p class="warning" id="subset">${line}; the gate judged these cells only.</p>`);
    // compare says which side is a subset.
    const compared = await cli('compare', wholeRun, 'latest');
    expect(compared.stdout).toContain(`\nwarning: run B (${runId(r)}) is a ${line}: only the cells they share are compared\n`);
    // `llmlab runs` marks it.
    expect((await cli('runs')).stdout).toMatch(new RegExp(`\\n${runId(r)}  \\S+ \\S+ +completed, subset  4/4 +s\\.yaml\\n`));
    // `report latest` names the newest run, a subset too, and shows it as eval did.
    const report = await cli('report', 'latest');
    expect(report.stdout).toContain(`\n${line}\n`);
  }, 60_000);

  it('--failing re-runs the failing cells of the latest run, --failing <run> those of that run', async () => {
    const r = await cli('eval', 's.yaml', '--failing', wholeRun, '--prompt', 'long');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`\nsubset: 3 of 24 cells (--prompt long --failing ${wholeRun})\n`);
    // The latest run is that subset: its 3 failures are what --failing selects now.
    const again = await cli('plan', 's.yaml', '--failing');
    expect(again.stdout.split('\n')[2]).toBe(`  subset: 3 of 24 cells (--failing ${runId(r)})`);
  }, 60_000);

  it('a subset is not what --baseline latest picks: the suite\'s newest whole run is', async () => {
    await cli('eval', 'other.yaml'); // another suite's run is newer still
    const r = await cli('eval', 's.yaml', '--first', '1', '--baseline', 'latest');
    expect(r.stdout).toMatch(new RegExp(`\\nA  ${wholeRun}  s\\.yaml  `));
  }, 60_000);

  it.each([
    [['--provider', 'nope'], 'llmlab: s.yaml: --provider nope: no such provider in this suite\n', 'hint: give a label or id: good (mock:good), bad (mock:bad)'],
    [['--prompt', 'nope'], 'llmlab: s.yaml: --prompt nope: no such prompt in this suite\n', 'hint: give a prompt id: short, long'],
    [['--filter', 'refund('], 'llmlab: --filter: Invalid regular expression: /refund(/: Unterminated group', 'hint: give a JavaScript regular expression'],
    [['--filter', 'nothing'], 'llmlab: s.yaml: --filter nothing matches no test description or id: the selection is empty\n', 'hint: loosen --filter'],
    [['--provider', 'good', '--failing', 'latest~99'], 'llmlab: s.yaml: --failing: no run `latest~99` of this suite in', 'hint: list runs'],
    [['--first', '1', '--sample', '2'], 'llmlab: --first and --sample do not go together', 'hint:'],
    [['--seed', '3'], 'llmlab: --seed goes with --sample', 'hint: add `--sample n`'],
    [['--first', '0'], 'llmlab: --first must be a positive integer', ''],
    [['--failing', 'other.yaml'], 'llmlab: --failing took `other.yaml` as the run to read failures from', 'hint: name the suite before the flag'],
    [['--filter', 'x', '--watch'], 'llmlab: --watch does not take a subset', 'hint:'],
    [['--filter', 'x', '--shard', '1/2'], 'llmlab: --shard does not take a subset', 'hint:'],
  ])('eval %j exits 2 with one line and a hint', async (flags, message, hint) => {
    const r = await cli('eval', 's.yaml', ...flags);
    noStack(r);
    expect([r.code, r.stdout]).toEqual([2, '']);
    expect(r.stderr.startsWith(message), r.stderr).toBe(true);
    expect(r.stderr).toContain(hint);
  });

  it('--provider of the wrong suite fails before any suite runs', async () => {
    writeFileSync(join(dir, 'third.yaml'), SUITE.replace('label: bad', 'label: worse'));
    const r = await cli('eval', 's.yaml', 'third.yaml', '--provider', 'bad');
    expect([r.code, r.stdout]).toEqual([2, '']);
    expect(r.stderr).toMatch(/^llmlab: third\.yaml: --provider bad: no such provider in this suite\n/);
  });
});

describe('compare', () => {
  it('runs of different suites: one line says so, and the tests both ran are compared', async () => {
    const other = runId(await cli('eval', 'other.yaml'));
    const r = await cli('compare', wholeRun, other);
    expect(r.code).toBe(0);
    const said = r.stdout.split('\n').filter((l) => l.includes('different suites'));
    expect(said).toHaveLength(1);
    expect(said[0]).toMatch(/^warning: the runs are of different suites \(\S+s\.yaml and \S+other\.yaml\); only the cells they share are compared$/);
    expect(r.stdout.split('\n')[0]).toBe('compare B against A over 24 paired cells (matched by provider, prompt, test and repeat)');
  }, 60_000);

  it('runs of different suites that share no test: exit 2, one line saying so', async () => {
    writeFileSync(join(dir, 'renamed.yaml'), SUITE.replaceAll('{ id: ', '{ id: x-'));
    const renamed = runId(await cli('eval', 'renamed.yaml'));
    const r = await cli('compare', wholeRun, renamed);
    noStack(r);
    expect([r.code, r.stdout]).toEqual([2, '']);
    expect(r.stderr).toBe(
      `llmlab: runs ${wholeRun} and ${renamed} are of different suites (s.yaml and renamed.yaml) and share no test: nothing to compare\n` +
        '  hint: compare two runs of the same suite (`llmlab runs` lists them)\n',
    );
  }, 60_000);
});
