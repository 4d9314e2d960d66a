/** llmlab.config.yaml discovery, defaults, database path precedence and validation errors. */
import { mkdir } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { findProjectConfig, loadProjectConfig } from '../../src/config/project-config.js';
import { flatten, tempDir } from './helpers.js';

describe('loadProjectConfig', () => {
  it('uses defaults and <cwd>/.llmlab/llmlab.db when there is no config file', async () => {
    const dir = await tempDir();
    expect(await findProjectConfig(dir)).toBeUndefined();
    expect(await loadProjectConfig({ cwd: dir, env: {} })).toEqual({
      root: dir,
      suites: ['suites/**/*.yaml'],
      db: `${dir}/.llmlab/llmlab.db`,
      concurrency: 8,
      timeoutMs: 60_000,
      maxRetries: 4,
    });
  });

  it('finds the nearest config walking up, and puts the database beside it', async () => {
    const dir = await tempDir({
      'llmlab.config.yaml': 'concurrency: 2\n',
      'app/llmlab.config.yaml': '# only comments: a valid, empty config\n',
    });
    await mkdir(`${dir}/app/suites/deep`, { recursive: true });
    await mkdir(`${dir}/other/x`, { recursive: true });
    const nested = await loadProjectConfig({ cwd: `${dir}/app/suites/deep`, env: {} });
    expect([nested.root, nested.file, nested.db, nested.concurrency]).toEqual([
      `${dir}/app`,
      `${dir}/app/llmlab.config.yaml`,
      `${dir}/app/.llmlab/llmlab.db`,
      8,
    ]);
    const outer = await loadProjectConfig({ cwd: `${dir}/other/x`, env: {} });
    expect([outer.root, outer.db, outer.concurrency]).toEqual([dir, `${dir}/.llmlab/llmlab.db`, 2]);
  });

  it('reads every key; db is relative to the config file', async () => {
    const dir = await tempDir({
      'llmlab.config.yaml':
        'suites: [evals/*.yaml]\ndb: cache/db.sqlite\nconcurrency: 3\ntimeoutMs: 500\nmaxRetries: 0\noutputDir: out\n',
    });
    await mkdir(`${dir}/sub`);
    expect(await loadProjectConfig({ cwd: `${dir}/sub`, env: {} })).toEqual({
      root: dir,
      file: `${dir}/llmlab.config.yaml`,
      suites: ['evals/*.yaml'],
      db: `${dir}/cache/db.sqlite`,
      concurrency: 3,
      timeoutMs: 500,
      maxRetries: 0,
      // Absolute, like db: a bare `-o` file name goes there.
      outputDir: `${dir}/out`,
    });
  });

  it('lets LLMLAB_DB override the file, and --db override both (relative to cwd)', async () => {
    const dir = await tempDir({ 'llmlab.config.yaml': 'db: from-file.db\n' });
    await mkdir(`${dir}/sub`);
    const cwd = `${dir}/sub`;
    expect((await loadProjectConfig({ cwd, env: { LLMLAB_DB: 'env.db' } })).db).toBe(`${cwd}/env.db`);
    expect((await loadProjectConfig({ cwd, env: { LLMLAB_DB: '/abs/env.db' } })).db).toBe('/abs/env.db');
    expect((await loadProjectConfig({ cwd, env: { LLMLAB_DB: 'env.db' }, db: 'flag.db' })).db).toBe(`${cwd}/flag.db`);
    expect((await loadProjectConfig({ cwd, env: { LLMLAB_DB: '' } })).db).toBe(`${dir}/from-file.db`);
    expect((await loadProjectConfig({ cwd: dir, env: {}, db: '/tmp/x.db' })).db).toBe('/tmp/x.db');
  });

  it('reads LLMLAB_DB from process.env by default', async () => {
    const dir = await tempDir();
    const saved = process.env.LLMLAB_DB;
    process.env.LLMLAB_DB = `${dir}/from-process.db`;
    try {
      expect((await loadProjectConfig({ cwd: dir })).db).toBe(`${dir}/from-process.db`);
    } finally {
      if (saved === undefined) delete process.env.LLMLAB_DB;
      else process.env.LLMLAB_DB = saved;
    }
  });

  it.each([
    {
      name: 'unknown key with did-you-mean',
      text: 'concurency: 4\n',
      expected: [
        { code: 'CONFIG_INVALID', at: 'llmlab.config.yaml:1:1', message: 'unknown key `concurency` at the top level', hint: 'did you mean `concurrency`?' },
      ],
    },
    {
      name: 'wrong types, all at once',
      text: 'suites: suites/*.yaml\nmaxRetries: -1\ntimeoutMs: 1.5\n',
      expected: [
        {
          code: 'CONFIG_INVALID',
          at: 'llmlab.config.yaml:1:9',
          message: '`suites` must be a non-empty list, got "suites/*.yaml"',
          hint: 'write a list: one `- item` per line, or `[a, b]` on one line',
        },
        {
          code: 'CONFIG_INVALID',
          at: 'llmlab.config.yaml:2:13',
          message: '`maxRetries` must be an integer between 0 and 100, got -1',
          hint: "Default retries of a call after a 429, 5xx, timeout or reset; a provider's `config.maxRetries` overrides. Default 4.",
        },
        {
          code: 'CONFIG_INVALID',
          at: 'llmlab.config.yaml:3:12',
          message: '`timeoutMs` must be an integer between 1 and 86400000, got 1.5',
          hint: "Default timeout of one model call in milliseconds; a provider's `config.timeoutMs` overrides. Default 60000.",
        },
      ],
    },
    {
      name: 'a grader limit, checked as in a suite',
      text: 'grader:\n  id: echo\n  config: { tpm: 0 }\n',
      expected: [
        {
          code: 'CONFIG_INVALID',
          at: 'llmlab.config.yaml:3:18',
          message: '`grader.config.tpm` must be an integer ≥ 1, got 0',
          hint: expect.stringMatching(/^Most tokens \(input \+ output\) sent to this provider in any minute\./) as unknown as string,
        },
      ],
    },
    {
      name: 'not a mapping',
      text: '- a\n',
      expected: [
        {
          code: 'CONFIG_INVALID',
          at: 'llmlab.config.yaml:1:1',
          message: 'llmlab.config.yaml must be an object, got a list',
          hint: expect.stringMatching(/^Project defaults for llmlab/) as unknown as string,
        },
      ],
    },
    {
      name: 'YAML syntax',
      text: 'concurrency: [1\n',
      expected: [
        {
          code: 'CONFIG_YAML',
          at: 'llmlab.config.yaml:2:1',
          message: expect.stringMatching(/^YAML syntax error: /) as unknown as string,
          hint: expect.any(String) as unknown as string,
        },
      ],
    },
  ])('rejects a bad config: $name', async ({ text, expected }) => {
    const dir = await tempDir({ 'llmlab.config.yaml': text });
    const error = await loadProjectConfig({ cwd: dir, env: {} }).catch((e: unknown) => e);
    expect(flatten(error, dir)).toEqual(expected);
  });

  it('gives the grader the limits of its config, tpm included', async () => {
    const dir = await tempDir({ 'llmlab.config.yaml': 'grader:\n  id: echo\n  config: { tpm: 5000, rpm: 60 }\n' });
    const config = await loadProjectConfig({ cwd: dir, env: {} });
    expect(config.grader?.limits).toEqual({ tpm: 5000, rpm: 60, timeoutMs: 60_000, maxRetries: 4 });
  });

  it("validates the repository's own llmlab.config.yaml", async () => {
    const root = new URL('../..', import.meta.url).pathname.replace(/\/$/, '');
    const config = await loadProjectConfig({ cwd: root, env: {} });
    expect(config.file?.endsWith('/llmlab.config.yaml')).toBe(true);
    expect([config.concurrency, config.timeoutMs, config.maxRetries, config.outputDir]).toEqual([8, 60_000, 4, `${root}/reports`]);
  });
});
