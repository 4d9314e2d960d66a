import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  buildCommentBody,
  COMMENT_MARKER,
  findStickyComment,
  githubTargetFromEnv,
  GITHUB_COMMENT_LIMIT,
  upsertStickyComment,
  type GitHubTarget,
} from '../../src/cli/ci-github.js';
import { humanComment, startFakeGitHub, type FakeGitHub } from '../fakes/github.js';
import { runCli } from './run-cli.js';

const TOKEN = 'ghs_fakeSecretToken1234567890';
let github: FakeGitHub;
let dir: string;
beforeAll(async () => {
  github = await startFakeGitHub(TOKEN);
  dir = mkdtempSync(join(tmpdir(), 'llmlab-ci-github-'));
});
afterAll(async () => {
  await github.close();
  rmSync(dir, { recursive: true, force: true });
});
afterEach(() => {
  github.failWith = undefined;
  github.comments.clear();
  github.requests.length = 0;
});

/** The error a promise rejects with; fails the test when it resolves. */
async function failure(promise: Promise<unknown>): Promise<Error & { code: string; hint?: string }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { code: string; hint?: string };
  }
  throw new Error('expected a rejection');
}

const target = (over: Partial<GitHubTarget> = {}): GitHubTarget => ({ apiUrl: github.url, repository: 'acme/app', issueNumber: 7, token: TOKEN, ...over });

describe('the sticky comment', () => {
  it('starts the body with the hidden marker, once, and cuts it to GitHub\'s limit', () => {
    expect(buildCommentBody('## llmlab\n\nok\n')).toBe(`${COMMENT_MARKER}\n## llmlab\n\nok\n`);
    expect(buildCommentBody(`${COMMENT_MARKER}\n## again\n`)).toBe(`${COMMENT_MARKER}\n## again\n`);
    const long = buildCommentBody(`${'line of text\n'.repeat(10_000)}`);
    expect(long.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
    expect(long.startsWith(COMMENT_MARKER)).toBe(true);
    expect(long).toMatch(/cut to fit GitHub's comment limit/);
  });

  it('updates the marked comment a bot wrote, not one a person quoted the marker in', () => {
    const quoted = humanComment(1, `> ${COMMENT_MARKER} why is this here?`);
    const ours = { id: 2, body: `${COMMENT_MARKER}\nold`, user: { login: 'github-actions[bot]', type: 'Bot' } };
    expect(findStickyComment([humanComment(0, 'LGTM'), quoted, ours])?.id).toBe(2);
    expect(findStickyComment([humanComment(0, 'LGTM'), { id: 3, body: null }])).toBeUndefined();
    expect(findStickyComment([quoted])?.id).toBe(1);
  });

  it('creates the comment the first time and updates it the second time', async () => {
    github.comments.set('acme/app#7', [humanComment(1, 'first!')]);
    const first = await upsertStickyComment(target(), '## llmlab · gate passed\n');
    expect(first).toMatchObject({ action: 'created', url: expect.stringMatching(/#issuecomment-/) });
    const second = await upsertStickyComment(target(), '## llmlab · gate failed\n');
    expect(second).toEqual({ ...first, action: 'updated' });
    const comments = github.comments.get('acme/app#7')!;
    expect(comments.map((c) => c.body)).toEqual(['first!', `${COMMENT_MARKER}\n## llmlab · gate failed\n`]);
    expect(github.requests.map((r) => `${r.method} ${r.url}`)).toEqual([
      'GET /repos/acme/app/issues/7/comments?per_page=100&page=1',
      'POST /repos/acme/app/issues/7/comments',
      'GET /repos/acme/app/issues/7/comments?per_page=100&page=1',
      `PATCH /repos/acme/app/issues/comments/${first.id}`,
    ]);
    expect(github.requests.every((r) => r.authorization === `Bearer ${TOKEN}` && r.apiVersion === '2022-11-28')).toBe(true);
  });

  it('keeps one comment per matrix job, told apart by a keyed marker', async () => {
    expect(buildCommentBody('<!-- llmlab-report:eval-billing -->\n## billing\n')).toBe('<!-- llmlab-report:eval-billing -->\n## billing\n');
    github.comments.set('acme/app#7', [{ id: 1, body: `${COMMENT_MARKER}\n## plain`, user: { login: 'github-actions[bot]', type: 'Bot' }, html_url: 'x' }]);
    const support = await upsertStickyComment(target(), '<!-- llmlab-report:eval-support -->\n## support, first\n');
    const billing = await upsertStickyComment(target(), '<!-- llmlab-report:eval-billing -->\n## billing\n');
    const again = await upsertStickyComment(target(), '<!-- llmlab-report:eval-support -->\n## support, second\n');
    expect([support.action, billing.action, again.action]).toEqual(['created', 'created', 'updated']);
    expect(again.id).toBe(support.id);
    expect(github.comments.get('acme/app#7')!.map((c) => c.body)).toEqual([
      `${COMMENT_MARKER}\n## plain`,
      '<!-- llmlab-report:eval-support -->\n## support, second\n',
      '<!-- llmlab-report:eval-billing -->\n## billing\n',
    ]);
  });

  it('finds its comment past the first page of a long discussion', async () => {
    const many = Array.from({ length: 150 }, (_, i) => humanComment(i + 1, `comment ${i}`));
    many[120] = { ...many[120]!, body: `${COMMENT_MARKER}\nold`, user: { login: 'github-actions[bot]', type: 'Bot' } };
    github.comments.set('acme/app#7', many);
    expect(await upsertStickyComment(target(), 'new')).toMatchObject({ action: 'updated', id: 121 });
    expect(github.requests.filter((r) => r.method === 'GET')).toHaveLength(2);
  });

  it('fails with a hint and without the token when GitHub refuses', async () => {
    github.failWith = { status: 403, message: `Resource not accessible by integration (token ${TOKEN})` };
    const error = await failure(upsertStickyComment(target(), 'x'));
    expect(error).toMatchObject({ code: 'USAGE', message: expect.stringMatching(/^GitHub API GET \/repos\/acme\/app\/issues\/7\/comments answered 403: Resource not accessible by integration/) });
    expect(error.hint).toMatch(/pull-requests: write/);
    expect(`${error.message} ${error.hint} ${error.stack}`).not.toContain(TOKEN);
    const bad = await failure(upsertStickyComment(target({ token: 'wrong-token' }), 'x'));
    expect(bad.message).toMatch(/answered 401: Bad credentials/);
    const down = await failure(upsertStickyComment(target({ apiUrl: 'http://127.0.0.1:1' }), 'x'));
    expect(down).toMatchObject({ code: 'INTERNAL', message: expect.stringMatching(/cannot reach the GitHub API/) });
  });

  it('reads the pull request from the Actions event and environment', () => {
    const event = join(dir, 'event.json');
    writeFileSync(event, JSON.stringify({ action: 'synchronize', pull_request: { number: 42 } }));
    const env = { GITHUB_EVENT_PATH: event, GITHUB_REPOSITORY: 'acme/app', GITHUB_TOKEN: TOKEN, GITHUB_API_URL: `${github.url}/` };
    expect(githubTargetFromEnv(env)).toEqual({ apiUrl: github.url, repository: 'acme/app', issueNumber: 42, token: TOKEN });
    expect(githubTargetFromEnv({ ...env, GITHUB_EVENT_PATH: undefined })).toBeUndefined();
    expect(githubTargetFromEnv({ ...env, GITHUB_EVENT_PATH: undefined }, { pr: 3, repo: 'acme/other' })).toMatchObject({ issueNumber: 3, repository: 'acme/other' });
    expect(() => githubTargetFromEnv({ ...env, GITHUB_TOKEN: undefined })).toThrow(/no GitHub token/);
    expect(() => githubTargetFromEnv({ ...env, GITHUB_REPOSITORY: undefined })).toThrow(/no repository/);
  });
});

describe('llmlab ci comment', () => {
  it('creates then updates one comment, and never prints the token', async () => {
    writeFileSync(join(dir, 'pr.md'), `${COMMENT_MARKER}\n## ✅ llmlab · suite · gate passed\n`);
    const event = join(dir, 'event.json');
    writeFileSync(event, JSON.stringify({ pull_request: { number: 9 } }));
    const outputs = join(dir, 'outputs.txt');
    writeFileSync(outputs, '');
    const env = { GITHUB_API_URL: github.url, GITHUB_TOKEN: TOKEN, GITHUB_REPOSITORY: 'acme/app', GITHUB_EVENT_PATH: event, GITHUB_OUTPUT: outputs };
    const first = await runCli(['ci', 'comment', '--body-file', 'pr.md'], { cwd: dir, env });
    expect([first.code, first.stderr]).toEqual([0, '']);
    expect(first.stdout).toMatch(/^created comment \d+ on acme\/app#9: https:\/\/github\.example\/acme\/app\/pull\/9#issuecomment-\d+\n$/);
    writeFileSync(join(dir, 'pr.md'), `${COMMENT_MARKER}\n## ❌ llmlab · suite · gate failed\n`);
    const second = await runCli(['ci', 'comment', '--body-file', 'pr.md'], { cwd: dir, env });
    expect(second.stdout).toMatch(/^updated comment \d+ on acme\/app#9/);
    expect(github.comments.get('acme/app#9')!.map((c) => c.body)).toEqual([`${COMMENT_MARKER}\n## ❌ llmlab · suite · gate failed\n`]);
    expect(readFileSync(outputs, 'utf8')).toMatch(/^comment-id=\d+\ncomment-url=https:\S+\ncomment-id=\d+\ncomment-url=https:\S+\n$/);

    github.failWith = { status: 403, message: 'Resource not accessible by integration' };
    const refused = await runCli(['ci', 'comment', '--body-file', 'pr.md'], { cwd: dir, env });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/^llmlab: GitHub API GET .* answered 403: Resource not accessible by integration\n {2}hint: give the job `permissions: pull-requests: write`/);
    for (const r of [first, second, refused]) expect(`${r.stdout}${r.stderr}`).not.toContain(TOKEN);
    expect(readFileSync(outputs, 'utf8')).not.toContain(TOKEN);
  });

  it('posts nothing outside a pull request, and needs a body file', async () => {
    const none = await runCli(['ci', 'comment', '--body-file', 'pr.md'], { cwd: dir, env: { GITHUB_EVENT_PATH: '', GITHUB_TOKEN: TOKEN } });
    expect([none.code, none.stdout]).toEqual([0, 'not a pull request: no comment posted\n']);
    const missing = await runCli(['ci', 'comment'], { cwd: dir });
    expect([missing.code, missing.stderr]).toEqual([2, expect.stringMatching(/ci comment needs --body-file/)]);
    const unknown = await runCli(['ci', 'deploy'], { cwd: dir });
    expect([unknown.code, unknown.stderr]).toEqual([2, expect.stringMatching(/unknown ci step `deploy`\n {2}hint: use one of: base, head, comment/)]);
    expect(github.requests).toHaveLength(0);
  });
});
