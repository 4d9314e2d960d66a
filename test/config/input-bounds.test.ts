/**
 * Bounds on what a suite, a dataset or llmlab.config.yaml may ask for: YAML aliases cannot expand without
 * limit, and counts (repeat, samples, limits) have documented maxima, each reported at its key.
 */
import { describe, expect, it } from 'vitest';
import { loadProjectConfig } from '../../src/config/project-config.js';
import { aliasBomb } from '../fixtures/alias-bomb.js';
import { flatten, HEAD, loadErrors, loadOk, tempDir } from './helpers.js';

const ALIAS_HINT =
  'a YAML alias (*name) repeats its anchor (&name); aliases of aliases multiply: write the values out, or reuse fewer levels';

describe('YAML aliases', () => {
  it('an alias bomb in a suite is an error at the alias that crosses the limit', async () => {
    expect(await loadErrors({ 'suite.yaml': `${HEAD}tests: [{}]\n${aliasBomb()}` })).toEqual([
      {
        code: 'CONFIG_YAML',
        at: 'suite.yaml:10:8',
        message: 'YAML aliases expand to more than 1000000 values',
        hint: ALIAS_HINT,
      },
    ]);
  });

  it('an alias bomb in a YAML dataset is a DATASET_INVALID error in that file', async () => {
    const errors = await loadErrors({
      'suite.yaml': `${HEAD}tests: file:cases.yaml\n`,
      'cases.yaml': `- vars: { q: one }\n- vars:\n    q: two\n    bomb:\n${aliasBomb().replace(/^/gm, '      ')}`,
    });
    expect(errors).toEqual([
      { code: 'DATASET_INVALID', at: expect.stringMatching(/^cases\.yaml:\d+:\d+$/), message: 'YAML aliases expand to more than 1000000 values', hint: ALIAS_HINT },
    ]);
  });

  it('an alias bomb in llmlab.config.yaml is a config error', async () => {
    const dir = await tempDir({ 'llmlab.config.yaml': `x-anchors:\n${aliasBomb().replace(/^/gm, '  ')}` });
    const error = await loadProjectConfig({ cwd: dir, env: {} }).catch((e: unknown) => e);
    expect(flatten(error, dir)).toEqual([
      { code: 'CONFIG_YAML', at: expect.stringMatching(/^llmlab\.config\.yaml:\d+:\d+$/), message: 'YAML aliases expand to more than 1000000 values', hint: ALIAS_HINT },
    ]);
  });

  it('ordinary reuse of anchors still loads, many times over', async () => {
    const tests = Array.from({ length: 2000 }, (_, i) => `  - vars: { q: "q${i}" }\n    assert: *checks\n`).join('');
    const { suite } = await loadOk({
      'suite.yaml': `${HEAD}tests:\n  - assert: &checks\n      - { type: contains, value: q }\n      - { type: icontains, value: Q }\n${tests}`,
    });
    expect(suite.tests).toHaveLength(2001);
    expect(suite.tests[2000]!.assert).toHaveLength(2);
  });
});

describe('count limits', () => {
  const cases: [string, string, string, string][] = [
    ['repeat', `${HEAD}tests: [{}]\nrepeat: 1001\n`, 'suite.yaml:4:9', '`repeat` must be an integer between 1 and 1000, got 1001'],
    ['graderRepeat', `${HEAD}tests: [{}]\ngraderRepeat: 101\n`, 'suite.yaml:4:15', '`graderRepeat` must be an integer between 1 and 100, got 101'],
    [
      'dataset.sample.n',
      `${HEAD}dataset: { type: gsm8k, path: x.jsonl, sample: { n: 10000001 } }\n`,
      'suite.yaml:3:',
      '`dataset.sample.n` must be an integer between 1 and 10000000, got 10000001',
    ],
    [
      'dataset.limit',
      `${HEAD}dataset: { type: gsm8k, path: x.jsonl, limit: 10000001 }\n`,
      'suite.yaml:3:',
      '`dataset.limit` must be an integer between 1 and 10000000, got 10000001',
    ],
  ];
  for (const [name, yaml, at, message] of cases) {
    it(`${name} above its maximum is an error at the key`, async () => {
      const errors = await loadErrors({ 'suite.yaml': yaml });
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatchObject({ code: 'CONFIG_INVALID', message });
      expect(errors[0]!.at.startsWith(at)).toBe(true);
    });
  }

  it('concurrency in llmlab.config.yaml above 1024 is an error at the key', async () => {
    const dir = await tempDir({ 'llmlab.config.yaml': 'concurrency: 100000\n' });
    const error = await loadProjectConfig({ cwd: dir, env: {} }).catch((e: unknown) => e);
    const [seen] = flatten(error, dir);
    expect(seen).toMatchObject({ code: 'CONFIG_INVALID', at: 'llmlab.config.yaml:1:14', message: '`concurrency` must be an integer between 1 and 1024, got 100000' });
  });
});
