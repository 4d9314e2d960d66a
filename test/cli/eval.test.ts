import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/index.js';
import { runCli, spawnCli } from './run-cli.js';

const ROOT = new URL('../../', import.meta.url).pathname;
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'llmlab-cli-'));
  cpSync(join(ROOT, 'suites'), join(dir, 'suites'), { recursive: true });
  writeFileSync(join(dir, 'llmlab.config.yaml'), 'suites: [suites/quickstart.yaml]\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('llmlab eval (quickstart)', () => {
  it('runs the offline quickstart, passes its gate, then answers from the cache', async () => {
    const first = await runCli(['eval', 'suites/quickstart.yaml', '-o', 'reports/q.json', '-o', 'reports/q2.json'], { cwd: dir });
    expect(first.stderr).not.toMatch(/\n\s+at /);
    expect(first.code).toBe(0);
    // Wilson 95 % for 4 of 4 is [4/(4 + z²), 1] = [51.0, 100]; 1 of 4 is [4.6, 69.9].
    expect(first.stdout).toMatch(/one-sentence\s+careful-bot\s+4\s+0\s+0\s+100\.0% \[51\.0–100\.0\]\s/);
    expect(first.stdout).toMatch(/one-sentence\s+terse-bot\s+1\s+3\s+0\s+25\.0% \[4\.6–69\.9\]\s/);
    expect(first.stdout).toMatch(/\none-sentence × careful-bot: 0 failures in 4 — failure rate ≤ 52\.7 % \(95 %\)\n/);
    // 3 prompt pairs (one per provider) + 3 provider pairs on each of 2 prompts, Holm-adjusted together.
    expect(first.stdout).toMatch(/\ncomparisons \(b − a over the same tests, McNemar exact p, Holm-adjusted across 9\)\n/);
    expect(first.stdout).toMatch(
      /\n {2}careful-bot vs terse-bot on one-sentence: −75\.0 pts \[−\d+\.\d, −\d+\.\d\], p=0\.25, Holm p=1 \(not significant; MDE \d+ pts at n=4\)\n/,
    );
    expect(first.stdout).toMatch(/\ngate minPassRate: pass — 50\.0% \(12 of 24 cells\), threshold ≥ 50\.0%\ngate passed \(1 gate checked\)\n/);
    expect(first.stderr).toMatch(/run \S+: 24 cells/);
    const report = JSON.parse(readFileSync(join(dir, 'reports/q.json'), 'utf8'));
    expect(report.cells).toHaveLength(24);
    expect(report.summary.gate.passed).toBe(true);
    expect(JSON.parse(readFileSync(join(dir, 'reports/q2.json'), 'utf8'))).toEqual(report);

    const second = await runCli(['eval'], { cwd: dir });
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/24 of 24 cells answered from cache/);
    // The database sits beside llmlab.config.yaml.
    const store = openStore(join(dir, '.llmlab/llmlab.db'));
    expect(store.runs.list()).toHaveLength(2);
    store.close();
  });

  it('exits 1 with one line per failed gate', async () => {
    writeFileSync(
      join(dir, 'suites/strict.yaml'),
      'providers: [echo]\nprompts: ["say {{ word }}"]\ntests:\n  - vars: { word: hi }\n    assert: [{ type: equals, value: "hi" }]\n',
    );
    const r = await runCli(['eval', 'suites/strict.yaml'], { cwd: dir });
    expect(r.code).toBe(1);
    // Why it failed, without opening a report: the cell, the assertion's type and reason, the output.
    expect(r.stdout).toContain('failures: 1 cell failed or errored\n  FAIL  test ');
    expect(r.stdout).toMatch(/ {2}FAIL {2}test \S+ \{"word":"hi"\} {2}prompt-1 × echo {2}output: "say hi"\n {6}equals: output is "say hi", expected "hi"\n/);
    expect(r.stdout).toMatch(
      /\ngate minPassRate: FAIL — 0\.0% \(0 of 1 cells\), threshold 100% \(default: every cell must pass\): 1 failed and 0 errored cells \(set gates\.minPassRate to tolerate some\)\ngate failed: minPassRate\n/,
    );
  });

  it('prints the plan without calling anything', async () => {
    // The bin path of `plan`, as a user runs it.
    const r = await spawnCli(['plan', 'suites/quickstart.yaml'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/cells: 24 \(3 providers × 2 prompts × 4 tests × 1 repeat\)/);
    expect(r.stdout).toMatch(/nodes: 24 generate, 60 grade/);
    expect(r.stdout).toMatch(/cached: 24 of 24 cells/);
  });

  it('lists runs, re-renders one, and manages the cache', async () => {
    const runs = await runCli(['runs'], { cwd: dir });
    expect(runs.code).toBe(0);
    expect(runs.stdout).toMatch(/completed\s+24\/24\s+suites\/quickstart\.yaml/);
    // The bin path of `report`, as a user runs it.
    const report = await spawnCli(['report', 'latest', '-o', 'reports/again.json'], { cwd: dir });
    // The latest run is strict.yaml's, which failed its gate: `report` exits 1 as `eval` did, and says why.
    expect(report.code).toBe(1);
    expect(report.stdout).toMatch(/gate failed: minPassRate\n$/);
    const shown = await runCli(['report', 'latest'], { cwd: dir });
    expect(shown.code).toBe(1);
    expect(shown.stdout).toMatch(/failures: 1 cell failed or errored\n {2}FAIL {2}test \S+ .*\n {6}equals: [^\n]+\ngate minPassRate: FAIL/);
    expect(JSON.parse(readFileSync(join(dir, 'reports/again.json'), 'utf8')).cells.length).toBeGreaterThan(0);
    const stats = await runCli(['cache', 'stats'], { cwd: dir });
    expect(stats.stdout).toMatch(/entries: \d+/);
    const cleared = await runCli(['cache', 'clear'], { cwd: dir });
    expect(cleared.stdout).toMatch(/removed \d+ cached answers/);
    const missing = await runCli(['report', 'nope'], { cwd: dir });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no run `nope`/);
  });

  it('answers --version and --help, and rejects unknown commands and options with exit 2', async () => {
    // The bin answers --version itself, before loading main.
    const version = await spawnCli(['--version'], { cwd: dir });
    expect(version.stdout.trim()).toMatch(/^llmlab\/\d+\.\d+\.\d+$/);
    const help = await runCli(['--help'], { cwd: dir });
    expect(help.stdout).toMatch(/eval \[\.\.\.suites\]/);
    // The errors below come from main() in this process: nothing runs before them.
    const unknown = await runCli(['evaluate'], { cwd: dir });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown command `evaluate`/);
    const badFlag = await runCli(['eval', 'suites/quickstart.yaml', '--concurency', '3'], { cwd: dir });
    expect(badFlag.code).toBe(2);
    expect(badFlag.stderr).toMatch(/Unknown option `--concurency`/);
    const badJ = await runCli(['eval', 'suites/quickstart.yaml', '-j', '0'], { cwd: dir });
    expect(badJ.code).toBe(2);
    expect(badJ.stderr).toMatch(/--concurrency must be a positive integer \(at most 1024\), got `0`/);
    const badOut = await runCli(['eval', 'suites/quickstart.yaml', '-o', 'out.pdf'], { cwd: dir });
    expect(badOut.code).toBe(2);
    expect(badOut.stderr).toMatch(/unknown report format `.pdf`/);
  });
});

// Each fails while the suite loads, before anything runs: main() in this process.
describe('invalid input', () => {
  const cases: [string, string, RegExp][] = [
    [
      'unknown assertion type',
      'providers: [echo]\nprompts: ["{{ q }}"]\ntests:\n  - vars: { q: hi }\n    assert:\n      - { type: icontain, value: hi }\n',
      /bad\.yaml:6:\d+: .*icontain.*\n.*did you mean `icontains`/,
    ],
    ['unknown provider', 'providers: [opneai:gpt-4o]\nprompts: ["x"]\ntests: [{}]\n', /bad\.yaml:1:\d+: .*opneai.*\n.*openai/],
    [
      'invalid regex, found when the assertion is prepared',
      'providers: [echo]\nprompts: ["{{ q }}"]\ntests:\n  - vars: { q: hi }\n    assert:\n      - { type: regex, value: "(" }\n',
      /bad\.yaml:6:9: assertion `regex`: .*not a valid regular expression/,
    ],
    [
      'missing API key',
      'providers: [openai:gpt-4o-mini]\nprompts: ["{{ q }}"]\ntests:\n  - vars: { q: hi }\n',
      /OPENAI_API_KEY is not set.*\n.*hint: set OPENAI_API_KEY/,
    ],
    ['YAML syntax', 'providers: [echo\nprompts: ["x"]\n', /bad\.yaml:\d+:\d+: /],
    ['missing dataset', 'providers: [echo]\nprompts: ["x"]\ntests: file:nope/*.csv\n', /bad\.yaml:3:\d+: .*nope/],
  ];
  for (const [name, yaml, expected] of cases) {
    it(`${name}: file:line:col, a hint, exit 2, no stack trace`, async () => {
      mkdirSync(join(dir, 'bad'), { recursive: true });
      writeFileSync(join(dir, 'bad/bad.yaml'), yaml);
      const r = await runCli(['eval', 'bad/bad.yaml'], { cwd: dir, env: { OPENAI_API_KEY: '', OPENAI_BASE_URL: '' } });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(expected);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    });
  }
});
