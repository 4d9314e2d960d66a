/** The pieces of the fork pull-request path and of the artifact name, one function at a time. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { artifactName, commentKey } from '../../src/cli/ci-artifact.js';
import { missingKeys, missingReason, secretsWithheld } from '../../src/cli/ci-keys.js';
import { loadProjectConfig } from '../../src/config/project-config.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'llmlab-ci-keys-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Writes the pull_request event Actions would, for a head repository `head` into `acme/app`. */
function event(head: string | null, user = 'octocat'): string {
  const path = join(dir, `event-${String(head).replace('/', '-')}-${user}.json`);
  const repo = head === null ? null : { full_name: head, fork: head !== 'acme/app' };
  writeFileSync(path, JSON.stringify({ pull_request: { number: 5, user: { login: user }, head: { repo }, base: { repo: { full_name: 'acme/app' } } } }));
  return path;
}

describe('secretsWithheld', () => {
  it('tells a fork pull request (even a deleted fork) and Dependabot from one that has secrets', () => {
    expect(secretsWithheld({ GITHUB_EVENT_PATH: event('someone/app') })).toBe('fork');
    expect(secretsWithheld({ GITHUB_EVENT_PATH: event(null) })).toBe('fork');
    expect(secretsWithheld({ GITHUB_EVENT_PATH: event('acme/app') })).toBeUndefined();
    expect(secretsWithheld({ GITHUB_EVENT_PATH: event('acme/app', 'dependabot[bot]') })).toBe('dependabot');
    // pull_request_target runs with secrets, forks included; a push has no pull request; no event file at all.
    expect(secretsWithheld({ GITHUB_EVENT_PATH: event('someone/app'), GITHUB_EVENT_NAME: 'pull_request_target' })).toBeUndefined();
    writeFileSync(join(dir, 'push.json'), JSON.stringify({ ref: 'refs/heads/main' }));
    expect(secretsWithheld({ GITHUB_EVENT_PATH: join(dir, 'push.json') })).toBeUndefined();
    expect(secretsWithheld({})).toBeUndefined();
  });

  it('says why in one clause', () => {
    expect(missingReason(['OPENAI_API_KEY'], 'fork')).toBe('this pull request comes from a fork, so the `OPENAI_API_KEY` secret is not available');
    expect(missingReason(['A', 'B', 'C'], 'fork', false)).toBe('this pull request comes from a fork, so the A, B and C secrets are not available');
    expect(missingReason(['A'], 'dependabot', false)).toBe('Dependabot opened this pull request, so the A secret is not available (it only gets Dependabot secrets)');
    expect(missingReason(['A', 'B'], undefined)).toBe('`A` and `B` are not set in this job');
  });
});

describe('missingKeys', () => {
  it('names the variable each provider and judge lacks, an empty value counting as unset', async () => {
    const suite = join(dir, 'keys.yaml');
    writeFileSync(
      suite,
      [
        'providers:',
        '  - openai:gpt-4o-mini',
        '  - id: anthropic:claude-3-5-haiku-latest',
        '    config: { apiKeyEnv: MY_CLAUDE_KEY }',
        '  - id: http:https://bot.example/ask',
        '    config: { headers: { authorization: "Bearer {{ env.BOT_TOKEN }}" }, body: { q: "{{ prompt }}" } }',
        '  - id: openai:local',
        '    config: { baseUrl: "http://127.0.0.1:9/v1" }',
        '  - mock:offline',
        'prompts: ["{{ q }}"]',
        'grader: anthropic:claude-3-5-haiku-latest',
        'tests:',
        '  - vars: { q: hi }',
        '    assert: [{ type: llm-rubric, value: polite }]',
        '',
      ].join('\n'),
    );
    const project = await loadProjectConfig({ cwd: dir, env: {} });
    const env = { OPENAI_API_KEY: '', BOT_TOKEN: 'set', PATH: process.env.PATH };
    expect(await missingKeys(suite, project, env)).toEqual([
      { name: 'OPENAI_API_KEY', provider: 'openai:gpt-4o-mini' },
      { name: 'MY_CLAUDE_KEY', provider: 'anthropic:claude-3-5-haiku-latest' },
      { name: 'ANTHROPIC_API_KEY', provider: 'anthropic:claude-3-5-haiku-latest' },
    ]);
    expect(await missingKeys(suite, project, { ...env, OPENAI_API_KEY: 'sk-x', MY_CLAUDE_KEY: 'k', ANTHROPIC_API_KEY: 'k', BOT_TOKEN: '' })).toEqual([
      { name: 'BOT_TOKEN', provider: 'http:https://bot.example/ask' },
    ]);
    // An invalid suite is the run's to report, with its position.
    writeFileSync(join(dir, 'broken.yaml'), 'providers: [openai:gpt-4o-mini]\nprompts: 3\n');
    expect(await missingKeys(join(dir, 'broken.yaml'), project, {})).toEqual([]);
  });
});

describe('artifactName', () => {
  const ws = '/home/runner/work/app/app';
  it('is unique per job, matrix entry and working directory, and can be set', () => {
    expect(artifactName('', {}, ws)).toBe('llmlab-report');
    expect(artifactName('', { GITHUB_JOB: 'eval', GITHUB_WORKSPACE: ws, LLMLAB_MATRIX: 'null', LLMLAB_JOB_INDEX: '0' }, ws)).toBe('llmlab-report-eval');
    const matrix = JSON.stringify({ os: 'ubuntu-latest', node: 20, suite: 'suites/a b.yaml' });
    expect(artifactName('', { GITHUB_JOB: 'eval', GITHUB_WORKSPACE: ws, LLMLAB_MATRIX: matrix, LLMLAB_JOB_INDEX: '3' }, `${ws}/apps/bot`)).toBe(
      'llmlab-report-eval-ubuntu-latest-20-suites-a-b.yaml-apps-bot',
    );
    // Nested or long matrix values: the job's position instead.
    const nested = JSON.stringify({ config: { model: 'gpt-4o', temperature: 0 } });
    expect(artifactName('', { GITHUB_JOB: 'eval', LLMLAB_MATRIX: nested, LLMLAB_JOB_INDEX: '2' }, ws)).toBe('llmlab-report-eval-job2');
    expect(artifactName('', { GITHUB_JOB: 'eval', LLMLAB_MATRIX: JSON.stringify({ prompt: 'x'.repeat(200) }), LLMLAB_JOB_INDEX: '1' }, ws)).toBe('llmlab-report-eval-job1');
    expect(artifactName(' my-reports ', { GITHUB_JOB: 'eval' }, ws)).toBe('my-reports');
  });

  it('keys the sticky comment by matrix entry and working directory, and keeps the plain one otherwise', () => {
    expect(commentKey({ GITHUB_JOB: 'eval', GITHUB_WORKSPACE: ws, LLMLAB_MATRIX: 'null' }, ws)).toBeUndefined();
    expect(commentKey({ GITHUB_JOB: 'eval', GITHUB_WORKSPACE: ws, LLMLAB_MATRIX: '{"area":"billing"}' }, ws)).toBe('eval-billing');
    expect(commentKey({ GITHUB_JOB: 'eval', GITHUB_WORKSPACE: ws }, `${ws}/apps/bot`)).toBe('eval-apps-bot');
  });
});
