import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commitOf, git, headSha } from '../src/git.js';

let root: string;
let repo: string;
let outside: string;
let first: string;
let ceiling: string | undefined;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'llmlab-git-'));
  repo = join(root, 'repo');
  outside = join(root, 'outside');
  mkdirSync(outside);
  // So that `outside` is outside every repository even where the temp folder lies inside one.
  ceiling = process.env.GIT_CEILING_DIRECTORIES;
  process.env.GIT_CEILING_DIRECTORIES = root;
  await git(['init', '-q', repo], root);
  const commit = (message: string) => git(['-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '--allow-empty', '-m', message], repo);
  writeFileSync(join(repo, 'a.txt'), 'a\n');
  await git(['add', 'a.txt'], repo);
  await commit('first');
  first = await git(['rev-parse', 'HEAD'], repo);
  await commit('second');
});

afterAll(() => {
  if (ceiling === undefined) delete process.env.GIT_CEILING_DIRECTORIES;
  else process.env.GIT_CEILING_DIRECTORIES = ceiling;
  rmSync(root, { recursive: true, force: true });
});

describe('git', () => {
  it('resolves trimmed stdout', async () => {
    expect(await git(['log', '--format=%s', '-1'], repo)).toBe('second');
  });

  it('rejects on a non-zero exit or a missing folder', async () => {
    await expect(git(['rev-parse', 'no-such-ref'], repo)).rejects.toThrow();
    await expect(git(['status'], join(root, 'missing'))).rejects.toThrow();
  });

  it('names a commit by any rev, and rejects one that names none', async () => {
    expect(await commitOf('HEAD~1', repo)).toBe(first);
    expect(await commitOf(first, repo)).toBe(first);
    await expect(commitOf('no-such-branch', repo)).rejects.toThrow();
  });

  it('gives the head sha, or undefined outside a repository', async () => {
    expect(await headSha(repo)).toMatch(/^[0-9a-f]{40}$/);
    expect(await headSha(repo)).not.toBe(first);
    expect(await headSha(outside)).toBeUndefined();
    expect(await headSha(join(root, 'missing'))).toBeUndefined();
  });
});
