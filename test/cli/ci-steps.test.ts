import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { worstExitCode } from '../../src/cli/ci-head.js';
import { COMMENT_MARKER } from '../../src/cli/ci-github.js';
import { openStore } from '../../src/store/index.js';
import { spawnCli } from './run-cli.js';

// Tests below that pass their own time limit (30 or 60 s) run several CLI processes in sequence: on a loaded 2-core
// machine that can outlast the e2e project's 20 s. The limit only bounds a hang; a passing test never waits it out.

/** A mock-provider suite of 12 tests with fixed ids; tests in `wrong` answer wrongly. */
function suite(wrong: number[] = []): string {
  const answers = Array.from({ length: 12 }, (_, i) => `        - { vars: { n: ${i} }, output: "${wrong.includes(i) ? 'no' : 'yes'}" }`);
  const tests = Array.from({ length: 12 }, (_, i) => `  - { id: t${i}, vars: { n: ${i} }, assert: [{ type: equals, value: "yes" }] }`);
  return [
    'description: answers', 'providers:', '  - id: mock:bot', '    label: bot', '    config:', '      answers:', ...answers,
    'prompts:', '  - id: ask', '    template: "Answer {{ n }}"', 'tests:', ...tests, 'gates: { minPassRate: 0, maxRegression: 0.05 }', '',
  ].join('\n');
}

let root: string;
let repo: string;
let outputs: string;
let baseSha: string;
const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd, stdio: 'pipe' }).toString().trim();
// A real process: `ci base` and `ci head` run llmlab again as `node <its entry>`, which only the bin has.
// GITHUB_ACTIONS cleared: run inside Actions, the footer would name the job's artifact.
const ci = (...args: string[]) => spawnCli(['ci', ...args], { cwd: repo, env: { GITHUB_OUTPUT: outputs, RUNNER_TEMP: root, GITHUB_ACTIONS: '' } });
const output = (name: string) => [...readFileSync(outputs, 'utf8').matchAll(new RegExp(`^${name}=(.*)$`, 'gm'))].map((m) => m[1]).at(-1);

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'llmlab-ci-steps-'));
  // A remote with the base branch, and a pull request checkout of it that changed one suite and added another.
  const origin = join(root, 'origin');
  mkdirSync(join(origin, 'evals'), { recursive: true });
  git(origin, 'init', '-q', '-b', 'main');
  writeFileSync(join(origin, 'llmlab.config.yaml'), 'suites: [evals/*.yaml]\n');
  writeFileSync(join(origin, '.gitignore'), '.llmlab/\nreports/\n');
  writeFileSync(join(origin, 'evals/a.yaml'), suite());
  git(origin, 'add', '.');
  git(origin, 'commit', '-q', '-m', 'base');
  baseSha = git(origin, 'rev-parse', 'HEAD');
  repo = join(root, 'checkout');
  git(root, 'clone', '-q', origin, repo);
  git(repo, 'checkout', '-q', '-b', 'feature');
  writeFileSync(join(repo, 'evals/a.yaml'), suite([0, 1, 2, 3, 4, 5, 6, 7]));
  writeFileSync(join(repo, 'evals/b.yaml'), suite());
  git(repo, 'add', '.');
  git(repo, 'commit', '-q', '-m', 'head');
  // The remote's main moves on after the clone: the base is what `origin main` is now.
  writeFileSync(join(origin, 'README.md'), 'moved on\n');
  git(origin, 'add', '.');
  git(origin, 'commit', '-q', '-m', 'later');
  baseSha = git(origin, 'rev-parse', 'HEAD');
  outputs = join(root, 'github-output.txt');
  writeFileSync(outputs, '');
}, 30_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('llmlab ci base / head', () => {
  it('runs the base commit in a worktree once, then reuses that run by git sha', async () => {
    const first = await ci('base', '--base-ref', 'main');
    expect(first.stderr).not.toMatch(/\n\s+at /);
    expect(first.code).toBe(0);
    expect(output('base-sha')).toBe(baseSha);
    expect(first.stdout).toContain(`base evals/a.yaml: running it at ${baseSha.slice(0, 12)}\n`);
    expect(first.stdout).toContain('base evals/b.yaml: not in the base commit (a new suite): no baseline\n');
    expect(first.stdout).toMatch(/\nbase [0-9a-f]{12}: 1 of 2 suites have a base run\n$/);
    // The worktree is gone and the checkout untouched.
    expect(git(repo, 'worktree', 'list').split('\n')).toHaveLength(1);
    expect(git(repo, 'status', '--porcelain')).toBe('');
    const store = openStore(join(repo, '.llmlab/llmlab.db'));
    const [baseRun] = store.runs.atCommit(baseSha);
    store.close();
    expect(baseRun).toMatchObject({ status: 'completed', suitePath: expect.stringMatching(/llmlab-base-\w+\/evals\/a\.yaml$/) });

    const again = await ci('base', '--base-ref', 'main', 'evals/a.yaml');
    expect(again.code).toBe(0);
    expect(again.stdout).toBe(`base evals/a.yaml: reusing run ${baseRun!.id} at ${baseSha.slice(0, 12)}\nbase ${baseSha.slice(0, 12)}: 1 of 1 suites have a base run\n`);
  }, 60_000);

  it('runs the head against the base, writes the reports and one comment, and exits with the gate', async () => {
    const r = await ci('head', '--base-sha', baseSha, '--base-ref', 'main', '--artifact', 'llmlab-report');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/\ngate maxRegression: FAIL — largest drop 66\.7 pts /);
    expect(r.stdout).toContain('\nllmlab ci: 1 of 2 suites passed their gates; not: evals/a.yaml (exit 1)\ncomment: reports/llmlab/pr.md\n');
    expect([output('exit-code'), output('gate')]).toEqual(['1', 'failed']);
    expect(output('comment-file')).toBe(join(repo, 'reports/llmlab/pr.md'));
    for (const file of ['evals-a.json', 'evals-a.md', 'evals-b.json']) expect(existsSync(join(repo, 'reports/llmlab', file))).toBe(true);

    const comment = readFileSync(join(repo, 'reports/llmlab/pr.md'), 'utf8');
    expect(comment.startsWith(`${COMMENT_MARKER}\n## ❌ llmlab · answers · gate failed`)).toBe(true);
    expect(comment).toContain('Δ vs baseline');
    expect(comment).toContain('\n\n---\n\n## ✅ llmlab · answers · gate passed');
    expect(comment).toContain(`No baseline: no run of evals/b.yaml at the base commit ${baseSha.slice(0, 12)}`);
    expect(comment).toMatch(new RegExp(`<sub>base \`main\` \`${baseSha.slice(0, 12)}\` · llmlab \\S+ · full reports: workflow artifact \`llmlab-report\`</sub>\\n$`));
    expect(comment.length).toBeLessThan(65_536);
    const report = JSON.parse(readFileSync(join(repo, 'reports/llmlab/evals-a.json'), 'utf8'));
    expect(report.summary.gate.baseline).toEqual({ runId: expect.any(String), ref: `git:${baseSha}` });
  }, 60_000);

  it('runs without a baseline outside a pull request', async () => {
    const base = await ci('base', '--base-ref', '');
    expect([base.code, base.stdout]).toEqual([0, 'no base ref (not a pull request): the head runs without a baseline\n']);
    expect(output('base-sha')).toBe('');
    const head = await ci('head', 'evals/b.yaml', '--out-dir', 'reports/push');
    expect(head.code).toBe(0);
    expect(readFileSync(join(repo, 'reports/push/pr.md'), 'utf8')).toMatch(/<sub>no base commit · llmlab \S+<\/sub>\n$/);
  }, 60_000);

  it('fails clearly for a base ref that does not exist', async () => {
    const r = await ci('base', '--base-ref', 'no-such-branch');
    expect([r.code, r.stderr]).toEqual([2, expect.stringMatching(/^llmlab: cannot resolve the base ref `no-such-branch` in .*\n {2}hint: fetch it/)]);
  });

  it('reports the worst exit code of the suites', () => {
    expect(worstExitCode([0, 0])).toBe(0);
    expect(worstExitCode([0, 1, 0])).toBe(1);
    expect(worstExitCode([1, 2, 130])).toBe(2);
    expect(worstExitCode([1, 130])).toBe(130);
  });
});
