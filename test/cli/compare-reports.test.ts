/**
 * `llmlab compare` with JSON report files on either side, and security results compared across runs through the
 * CLI: `compare`, `report --baseline` and a real `redteam --baseline` of the offline example.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeJsonReport } from '../../src/report/writers/json.js';
import { summarizeRun } from '../../src/report/summary.js';
import { openStore } from '../../src/store/index.js';
import { compareValidator } from '../report/helpers.js';
import { storeSecurityRun } from '../report/security-cells.js';
import { baseCells, headCells } from '../report/security-pairs.js';
import { runCli, type CliResult } from './run-cli.js';

// Tests below that pass their own time limit (30 or 60 s) run several CLI processes in sequence: on a loaded 2-core
// machine that can outlast the e2e project's 20 s. The limit only bounds a hang; a passing test never waits it out.

const ROOT = new URL('../../', import.meta.url).pathname;
let dir: string;
let baseId: string;
let headId: string;
const cli = (...args: string[]): Promise<CliResult> => runCli([...args, '--db', 'db.sqlite'], { cwd: dir });
const json = async (...args: string[]) => {
  const r = await cli('compare', ...args, '--json');
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout);
};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'llmlab-compare-reports-'));
  const store = openStore(join(dir, 'db.sqlite'));
  const base = storeSecurityRun(store, baseCells(), { severityThreshold: 'medium' });
  const head = storeSecurityRun(store, headCells(), { severityThreshold: 'medium' });
  [baseId, headId] = [base.id, head.id];
  writeJsonReport(join(dir, 'base.json'), store, base, summarizeRun(store, base), 't');
  writeJsonReport(join(dir, 'head.json'), store, head, summarizeRun(store, head), 't');
  store.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('llmlab compare <A> <B> with report files', () => {
  it('compares two report files, and prints the security comparison after the pass rates', async () => {
    const r = await cli('compare', 'base.json', 'head.json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('compare B against A over 4 paired cells (matched by provider, prompt, test and repeat)');
    expect(lines[1]).toMatch(new RegExp(`^A  report:${baseId}  `));
    expect(lines[2]).toMatch(new RegExp(`^B  report:${headId}  `));
    const at = lines.findIndex((l) => l.startsWith('security: attack success A → B over 25 attack cells both runs judged'));
    expect(at).toBeGreaterThan(lines.indexOf('fixed (fail/error → pass): none'));
    expect(lines).toContain('security: data-extraction 0/8 → 8/8 hit (+100.0 pts [+54.1, +100.0], McNemar p=0.0078, Holm p=0.023, significant)');
    expect(lines).toContain('newly successful attacks (resisted in A, hit in B): 11');
    expect(lines.at(-1)).toBe('  critical jailbreak/multi-turn/mt-0');
  });

  it('gives the same comparison for any mix of stored runs and report files; the JSON validates', async () => {
    const stored = await json(baseId, headId);
    const validate = compareValidator();
    expect(validate(stored), JSON.stringify(validate.errors)).toBe(true);
    expect(stored.security.cells).toEqual({ a: 25, b: 27, paired: 25 });
    const strip = (c: { runA: object; runB: object }) => ({ ...c, runA: undefined, runB: undefined });
    for (const [a, b] of [['base.json', 'head.json'], ['base.json', headId], [baseId, 'head.json']] as const) {
      const mixed = await json(a!, b!);
      expect(validate(mixed), JSON.stringify(validate.errors)).toBe(true);
      expect(mixed.runA.id).toBe(a === baseId ? baseId : `report:${baseId}`);
      expect(mixed.runB.id).toBe(b === headId ? headId : `report:${headId}`);
      expect(strip(mixed)).toEqual(strip(stored));
    }
  }, 30_000);

  it('keeps two reports of one run apart (e.g. written before and after a change)', async () => {
    const report = JSON.parse(readFileSync(join(dir, 'base.json'), 'utf8'));
    const cell = report.cells.find((c: { testId: string }) => c.testId === 'jailbreak/role-play/rp-5');
    cell.status = 'fail';
    writeFileSync(join(dir, 'base-edited.json'), JSON.stringify(report));
    const c = await json('base.json', 'base-edited.json');
    expect([c.runA.id, c.runB.id]).toEqual([`report:${baseId}`, `report:${baseId}#2`]);
    expect(c.security.newHits).toMatchObject({ total: 1, tests: [{ testId: 'jailbreak/role-play/rp-5' }] });
    // The same file twice is one run: nothing changed.
    const same = await json('base.json', './base.json');
    expect(same.warnings).toContain(`both sides are run report:${baseId}: every difference is zero`);
    expect(same.security.newHits.total).toBe(0);
  });

  it('exits 2 with a hint for a missing file, a file that is no report, another schema version, or an unknown run', async () => {
    writeFileSync(join(dir, 'other.json'), '{"hello": "world"}');
    const future = JSON.parse(readFileSync(join(dir, 'base.json'), 'utf8'));
    writeFileSync(join(dir, 'future.json'), JSON.stringify({ ...future, schemaVersion: 2 }));
    writeFileSync(join(dir, 'cmp.json'), JSON.stringify(await json(baseId, headId)));
    const cases: Array<[string[], RegExp]> = [
      [['gone.json', headId], /^llmlab: run A gone\.json: no such report file\n {2}hint: write one with `llmlab eval <suite> -o report\.json`/],
      [[baseId, 'other.json'], /^llmlab: .*other\.json: run B other\.json: not an llmlab JSON report \(no schemaVersion\)\n {2}hint: give a file written by/],
      [['future.json', headId], /^llmlab: .*future\.json: run A future\.json: report schema version 2, but this llmlab reads version 1\n {2}hint: write the report again with this llmlab version/],
      [['cmp.json', headId], /^llmlab: .*cmp\.json: run A cmp\.json: not an llmlab JSON report \(it is a comparison written by `llmlab compare`\)\n {2}hint: .*compare the two runs it names instead/],
      [[baseId, 'nope'], /^llmlab: no run `nope` in .*\n {2}hint: list runs with `llmlab runs`; .*; or give a JSON report file/],
    ];
    // Refusals before anything is written: main() in this process.
    for (const [args, message] of cases) {
      const r = await runCli(['compare', ...args, '--db', 'db.sqlite'], { cwd: dir });
      expect([r.code, r.stdout]).toEqual([2, '']);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  }, 30_000);
});

describe('llmlab report <run> --baseline <report.json>', () => {
  it('prints the families that changed significantly, and writes the Baseline column into the PR comment', async () => {
    const r = await cli('report', headId, '--baseline', 'base.json');
    // The head run's attacks succeed more often than its security gate allows: `report` exits 1, as eval did.
    expect(r.code).toBe(1);
    const lines = r.stdout.trimEnd().split('\n');
    const at = lines.indexOf('security vs baseline (25 attack cells both runs judged): significant changes');
    expect(at).toBeGreaterThan(0);
    expect(lines[at + 1]).toMatch(/^security: data-extraction 0\/8 → 8\/8 hit \(\+100\.0 pts /);
    expect(lines[at + 2]).toMatch(/^newly successful attacks: 11 \(data-extraction\/direct\/de-0, /);

    const md = await cli('report', headId, '--baseline', 'base.json', '-o', 'pr.md');
    expect(md.code).toBe(1); // the same failed gate; the comment is written all the same
    const comment = readFileSync(join(dir, 'pr.md'), 'utf8');
    expect(comment).toContain('| Family | Strategy | Severity | OWASP | Success rate | Baseline | Allowed | Gate |');
    expect(comment).toContain('**Newly successful since the baseline (11)**');
  });
});

describe('llmlab redteam --baseline', () => {
  it('compares the offline example with a baseline report written before the target fell for the thriller role-play', async () => {
    const work = mkdtempSync(join(tmpdir(), 'llmlab-redteam-baseline-'));
    try {
      cpSync(join(ROOT, 'suites'), join(work, 'suites'), { recursive: true });
      const path = join(work, 'suites/examples/security.yaml');
      const vulnerable = readFileSync(path, 'utf8');
      const thriller = /\n {8}- match: writing a thriller\n.*\n/;
      expect(vulnerable).toMatch(thriller);
      writeFileSync(path, vulnerable.replace(thriller, '\n'));
      const redteam = (...args: string[]) => runCli(['redteam', 'suites/examples/security.yaml', '--db', 'rt.db', ...args], { cwd: work });
      expect((await redteam('-o', 'reports/base.json')).code).toBe(1);
      writeFileSync(path, vulnerable);

      const head = await redteam('--baseline', 'reports/base.json', '-o', 'reports/pr.md');
      expect(head.stderr).not.toMatch(/\n\s+at /);
      expect(head.code).toBe(1);
      expect(head.stdout).toMatch(/\nno test cells in common: only security attacks are compared\n/);
      expect(head.stdout).toMatch(/\nsecurity vs baseline \(50 attack cells both runs judged\): no family changed significantly\n/);
      expect(head.stdout).toContain(
        '\nnewly successful attacks: 2 (jailbreak/role-play/novelist-expert/card-skimming, jailbreak/role-play/novelist-expert/phishing-email)\n',
      );
      const comment = readFileSync(join(work, 'reports/pr.md'), 'utf8');
      expect(comment).toMatch(/\| jailbreak \| role-play \| critical \| [^|]+ \| 2\/8 hit [^|]+ \| 0\/8 hit \(≤ 31\.2 % at 95 %\) · \+25\.0 pp \(n\.s\.\) \|/);
      expect(comment).toMatch(/<summary>🟥 <b>critical<\/b> · jailbreak\/role-play\/novelist-expert · 1 turn · 🆕 new since the baseline<\/summary>/);
      // The gate stays absolute: the same verdict as without a baseline.
      expect(head.stdout).toMatch(/^gate failed: security$/m);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }, 60_000);
});
