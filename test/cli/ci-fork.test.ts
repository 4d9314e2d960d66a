/**
 * A pull request from a fork: GitHub gives it no secrets, so a suite calling OpenAI has no key. `llmlab ci` says
 * so in the job summary and the comment, and by default skips that suite's gate with a neutral outcome.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { COMMENT_MARKER } from '../../src/cli/ci-github.js';
import { startFakeGitHub, type FakeGitHub } from '../fakes/github.js';
import { runCli, spawnCli } from './run-cli.js';

// Tests below that pass their own time limit run two or three CLI processes in sequence: on a loaded 2-core
// machine that can outlast the e2e project's 20 s. The limit only bounds a hang; a passing test never waits it out.

const TOKEN = 'ghs_fakeForkToken1234567890';
const KEYED = [
  'description: needs a key',
  'providers: [openai:gpt-4o-mini]',
  'prompts: ["Answer {{ n }}"]',
  'tests:',
  '  - { id: t1, vars: { n: 1 }, assert: [{ type: contains, value: "1" }] }',
  '',
].join('\n');
const OFFLINE = [
  'description: offline',
  'providers:',
  '  - id: mock:bot',
  '    config: { answers: [{ vars: { n: 1 }, output: "yes" }] }',
  'prompts: ["Answer {{ n }}"]',
  'tests:',
  '  - { id: t1, vars: { n: 1 }, assert: [{ type: equals, value: "yes" }] }',
  '',
].join('\n');

let root: string;
let repo: string;
let baseSha: string;
let github: FakeGitHub;
const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd, stdio: 'pipe' }).toString().trim();

/** The pull_request event file Actions writes; `head` is the repository the branch lives in. */
function eventFile(head: string): string {
  const path = join(root, `event-${head.replace('/', '-')}.json`);
  writeFileSync(path, JSON.stringify({ pull_request: { number: 12, head: { repo: { full_name: head } }, base: { repo: { full_name: 'acme/app' } } } }));
  return path;
}

/** A fresh Actions environment (outputs and summary files) for a pull request from `head`. */
function actions(head = 'someone/app') {
  const dir = mkdtempSync(join(root, 'job-'));
  const files = { outputs: join(dir, 'output.txt'), summary: join(dir, 'summary.md') };
  writeFileSync(files.outputs, '');
  const env = {
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: 'pull_request',
    GITHUB_EVENT_PATH: eventFile(head),
    GITHUB_OUTPUT: files.outputs,
    GITHUB_STEP_SUMMARY: files.summary,
    GITHUB_JOB: 'eval',
    GITHUB_ACTOR: 'octocat',
    GITHUB_REPOSITORY: 'acme/app',
    GITHUB_API_URL: github.url,
    GITHUB_TOKEN: TOKEN,
    RUNNER_TEMP: root,
    // What `${{ secrets.OPENAI_API_KEY }}` gives a fork: an empty string.
    OPENAI_API_KEY: '',
    OPENAI_BASE_URL: '',
  };
  const output = (name: string) => [...readFileSync(files.outputs, 'utf8').matchAll(new RegExp(`^${name}=(.*)$`, 'gm'))].map((m) => m[1]).at(-1);
  return { env, files, output, summary: () => readFileSync(files.summary, 'utf8') };
}

beforeAll(async () => {
  github = await startFakeGitHub(TOKEN);
  root = mkdtempSync(join(tmpdir(), 'llmlab-ci-fork-'));
  const origin = join(root, 'origin');
  mkdirSync(join(origin, 'evals'), { recursive: true });
  git(origin, 'init', '-q', '-b', 'main');
  writeFileSync(join(origin, 'llmlab.config.yaml'), 'suites: [evals/*.yaml]\n');
  writeFileSync(join(origin, '.gitignore'), '.llmlab/\nreports/\n');
  writeFileSync(join(origin, 'evals/keyed.yaml'), KEYED);
  writeFileSync(join(origin, 'evals/offline.yaml'), OFFLINE);
  git(origin, 'add', '.');
  git(origin, 'commit', '-q', '-m', 'base');
  baseSha = git(origin, 'rev-parse', 'HEAD');
  repo = join(root, 'checkout');
  git(root, 'clone', '-q', origin, repo);
}, 30_000);
afterAll(async () => {
  await github.close();
  rmSync(root, { recursive: true, force: true });
});
afterEach(() => {
  github.failWith = undefined;
});

describe('a pull request from a fork, without the secrets', () => {
  it('runs no base for a suite without its key, and still runs the others', async () => {
    const job = actions();
    const r = await spawnCli(['ci', 'base', '--base-ref', 'main'], { cwd: repo, env: job.env });
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('base evals/keyed.yaml: needs OPENAI_API_KEY, which this job does not have: no base run\n');
    expect(r.stdout).toContain(`base evals/offline.yaml: running it at ${baseSha.slice(0, 12)}\n`);
    expect(r.stdout).toMatch(/\nbase [0-9a-f]{12}: 1 of 2 suites have a base run\n$/);
  }, 60_000);

  it('skips the gate of that suite by default: exit 0, gate `skipped`, the reason in the summary and the comment', async () => {
    const job = actions();
    const r = await spawnCli(['ci', 'head', '--base-sha', baseSha, '--base-ref', 'main', '--artifact', ''], { cwd: repo, env: job.env });
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.code).toBe(0);
    const why = 'this pull request comes from a fork, so the OPENAI_API_KEY secret is not available; the gate did not run for evals/keyed.yaml (the other suites ran).';
    expect(r.stdout).toContain(`\nSkipped: ${why}\n::notice title=llmlab::Skipped: ${why}\n`);
    expect(r.stdout).toContain('\nllmlab ci: 1 of 2 suites passed their gates; skipped: evals/keyed.yaml\n');
    expect([job.output('exit-code'), job.output('gate'), job.output('missing-keys'), job.output('artifact-name')]).toEqual(['0', 'skipped', 'OPENAI_API_KEY', 'llmlab-report-eval']);

    const comment = readFileSync(join(repo, 'reports/llmlab/pr.md'), 'utf8');
    expect(comment.startsWith(
      `${COMMENT_MARKER}\n> ⏭️ **Skipped: this pull request comes from a fork, so the \`OPENAI_API_KEY\` secret is not available; the gate did not run for \`evals/keyed.yaml\` (the other suites ran).**`,
    )).toBe(true);
    expect(comment).toContain('## ⏭️ llmlab · evals/keyed.yaml · skipped\n\nIt needs `OPENAI_API_KEY` (openai:gpt-4o-mini), which this job does not have.');
    expect(comment).toContain('## ✅ llmlab · offline · gate passed');
    expect(comment).toMatch(/full reports: workflow artifact `llmlab-report-eval`<\/sub>\n$/);
    expect(job.summary()).toBe(comment);

    // The comment step posts the same text; where the fork's token is read-only, it says so and passes.
    const posted = await runCli(['ci', 'comment', '--body-file', 'reports/llmlab/pr.md'], { cwd: repo, env: job.env });
    expect([posted.code, posted.stderr]).toEqual([0, '']);
    expect(github.comments.get('acme/app#12')!.map((c) => c.body)).toEqual([comment]);
    github.failWith = { status: 403, message: 'Resource not accessible by integration' };
    const readOnly = await runCli(['ci', 'comment', '--body-file', 'reports/llmlab/pr.md'], { cwd: repo, env: job.env });
    expect([readOnly.code, readOnly.stdout, readOnly.stderr]).toEqual([
      0,
      'no comment posted: a pull request from a fork gets a read-only token; the job summary has the same text\n',
      '',
    ]);
  }, 60_000);

  it('says the gate did not run when no suite could', async () => {
    const job = actions();
    // A matrix job: its own artifact, and its own sticky comment.
    const env = { ...job.env, LLMLAB_MATRIX: JSON.stringify({ area: 'billing' }), LLMLAB_JOB_INDEX: '1' };
    const r = await spawnCli(['ci', 'head', 'evals/keyed.yaml', '--out-dir', 'reports/only', '--artifact', ''], { cwd: repo, env });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('\nSkipped: this pull request comes from a fork, so the OPENAI_API_KEY secret is not available; the gate did not run.\n');
    expect(r.stdout).toContain('\nllmlab ci: 0 of 1 suites passed their gates; skipped: evals/keyed.yaml\n');
    expect([job.output('gate'), job.output('artifact-name')]).toEqual(['skipped', 'llmlab-report-eval-billing']);
    expect(readFileSync(join(repo, 'reports/only/pr.md'), 'utf8')).toMatch(/^<!-- llmlab-report:eval-billing -->\n> ⏭️ /);
    expect(job.summary()).toContain('> ⏭️ **Skipped: this pull request comes from a fork, so the `OPENAI_API_KEY` secret is not available; the gate did not run.**');
  }, 60_000);

  it('fails as before with --on-missing-keys fail, with the same reason up front', async () => {
    const job = actions();
    const r = await spawnCli(['ci', 'head', 'evals/keyed.yaml', '--out-dir', 'reports/fail', '--on-missing-keys', 'fail'], { cwd: repo, env: job.env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('OPENAI_API_KEY is not set (needed by provider openai:gpt-4o-mini)');
    const why = 'This pull request comes from a fork, so the OPENAI_API_KEY secret is not available; suites that need it cannot run.';
    expect(r.stdout).toContain(`\n${why}\n::warning title=llmlab::${why}\n`);
    expect([job.output('exit-code'), job.output('gate')]).toEqual(['2', 'failed']);
    const comment = readFileSync(join(repo, 'reports/fail/pr.md'), 'utf8');
    expect(comment.startsWith(
      `${COMMENT_MARKER}\n> ⚠️ **This pull request comes from a fork, so the \`OPENAI_API_KEY\` secret is not available; suites that need it cannot run.**\n\n## ⚠️ llmlab · evals/keyed.yaml · did not run (exit 2)`,
    )).toBe(true);
    expect(comment).toContain('The suite could not be run: it needs `OPENAI_API_KEY` (openai:gpt-4o-mini), which this job does not have.\n');
  }, 60_000);

  it('never skips where secrets were available: a missing key there is a setup mistake', async () => {
    const job = actions('acme/app');
    const r = await spawnCli(['ci', 'head', 'evals/keyed.yaml', '--out-dir', 'reports/same'], { cwd: repo, env: job.env });
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('\nOPENAI_API_KEY is not set in this job; suites that need it cannot run.\n');
    expect(job.summary()).toContain(
      '> ⚠️ **`OPENAI_API_KEY` is not set in this job; suites that need it cannot run.** Pass it to the action step from a secret (`env:`, see docs/ci.md).',
    );
  }, 60_000);

  it('refuses an unknown --on-missing-keys', async () => {
    const r = await runCli(['ci', 'head', '--on-missing-keys', 'maybe'], { cwd: repo });
    expect([r.code, r.stderr]).toEqual([2, 'llmlab: --on-missing-keys must be skip or fail, got `maybe`\n  hint: skip (the default) passes a fork\'s pull request with a note; fail fails it (see docs/ci.md)\n']);
  });
});
