/**
 * What a promptfoo config cannot say to llmlab: every such key or value is an error at its promptfoo line (or an
 * entry of the untranslated list), never ignored. Errors found after translation (schema, providers, metrics)
 * still point at the promptfoo file, through the translated suite's positions.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSuite } from '../../../src/config/load-suite.js';
import { flatten, project, tempDir } from '../../config/helpers.js';

async function errors(files: Record<string, string>, name = 'promptfooconfig.yaml') {
  const dir = await tempDir(files);
  try {
    await loadSuite(join(dir, name), project);
  } catch (error) {
    return flatten(error, dir).map((e) => `${e.at} ${e.message}`);
  }
  throw new Error('expected the config to be rejected');
}

const HEAD = 'providers: [echo]\nprompts: ["{{q}}"]\n';

describe('promptfoo errors', () => {
  it('names an unknown top-level, test, assertion and provider key at its line', async () => {
    expect(
      await errors({
        'promptfooconfig.yaml': `${HEAD}tests:\n  - vars: { q: hi }\n    colour: red\n    assert:\n      - type: equals\n        value: hi\n        severity: high\nretries: 3\n`,
      }),
    ).toEqual([
      'promptfooconfig.yaml:5:5 test key `colour` does not translate to llmlab',
      'promptfooconfig.yaml:9:9 unknown assertion key `severity`',
      'promptfooconfig.yaml:10:1 unknown promptfoo key `retries`',
    ]);
  });

  it('points errors found after translation at the promptfoo line: a provider option, an assertion type', async () => {
    expect(
      await errors({
        'promptfooconfig.yaml': [
          'targets:',
          '  - id: anthropic:messages:claude-3-5-haiku-latest',
          '    config:',
          '      temperature: 5',
          'prompts: ["{{q}}"]',
          'tests:',
          '  - vars: { q: [a, b] }',
          '    assert:',
          '      - type: no-such-metric',
        ].join('\n'),
      }).then((lines) => lines.map((l) => l.slice(0, l.indexOf(' ')))),
    ).toEqual(['promptfooconfig.yaml:4:20', 'promptfooconfig.yaml:9:15']);
  });

  it('points at the file and row a test file came from', async () => {
    const found = await errors({
      'promptfooconfig.yaml': `${HEAD}tests: file://cases.yaml\n`,
      'cases.yaml': '- vars: { q: one }\n- vars: { q: two }\n  assert:\n    - type: equals\n      value: two\n      colour: red\n',
    });
    expect(found).toEqual(['cases.yaml:6:15 unknown assertion key `colour`']);
  });

  it('loads or refuses file:// in every position, naming it', async () => {
    const found = await errors({
      'promptfooconfig.yaml': [
        'providers:',
        '  - id: openai:gpt-4o-mini',
        '    config: { transformResponse: file://parse.js }',
        '  - python:provider.py',
        'prompts: ["{{q}}", file://prompt.py:make]',
        'tests:',
        '  - vars: { q: file://scan.pdf }',
        '  - vars: { q: file://make.js }',
        '  - vars: { q: file://missing.txt }',
        '  - vars: { q: hi }',
        '    assert:',
        '      - type: contains',
        '        value: file://check.js',
        '      - type: icontains',
        '        value: file://check.py',
      ].join('\n'),
    });
    expect(found).toEqual([
      'promptfooconfig.yaml:3:34 `file://` in provider config `transformResponse` is not loaded by llmlab',
      'promptfooconfig.yaml:4:5 promptfoo provider `python:provider.py` does not translate to llmlab',
      'promptfooconfig.yaml:5:20 prompt function `file://prompt.py:make` does not translate to llmlab',
      'promptfooconfig.yaml:7:16 `.pdf` files as variables are media, which llmlab does not support yet',
      'promptfooconfig.yaml:8:16 a variable loaded by code (`.js`) does not translate to llmlab',
      'promptfooconfig.yaml:9:16 variable file not found: <dir>/missing.txt',
      'promptfooconfig.yaml:13:16 a JavaScript module as the value of `contains` does not translate',
      'promptfooconfig.yaml:15:16 a Python script as the value of `icontains` does not translate',
    ]);
  });

  it('lists redteam, env and extensions as untranslated, at their lines', async () => {
    const dir = await tempDir({
      'promptfooconfig.yaml': `${HEAD}tests: [{ vars: { q: hi } }]\nenv:\n  OPENAI_API_KEY: sk-secret\nredteam:\n  plugins: [harmful]\nextensions: [file://hooks.js:run]\n`,
    });
    const suite = await loadSuite(join(dir, 'promptfooconfig.yaml'), project);
    const lines = (suite.notices ?? []).map((n) => `${n.where.line ?? ''}: ${n.text}`);
    expect(lines.slice(1).map((l) => l.slice(0, l.indexOf(':', 4)))).toEqual([
      '4: `env` not translated',
      '6: `redteam` not translated',
      '8: `extensions` not translated',
    ]);
    expect(lines.join('\n')).toContain('`attacks:`');
    expect(JSON.stringify(suite)).not.toContain('sk-secret');
  });

  it('reads `file://` in a native llmlab suite where llmlab reads files, and refuses it elsewhere', async () => {
    const dir = await tempDir({
      'suite.yaml': 'repeat: 1\nproviders: [echo]\nprompts: [file://p.txt]\ntests:\n  - vars: { q: file://doc.txt }\n',
      'p.txt': 'Q: {{q}}',
    });
    let seen: string[] = [];
    try {
      await loadSuite(join(dir, 'suite.yaml'), project);
    } catch (error) {
      seen = flatten(error, dir).map((e) => `${e.at} ${e.message}`);
    }
    expect(seen).toEqual(['suite.yaml:5:16 `file://` is not read at tests[0].vars.q']);
    const ok = await tempDir({
      'suite.yaml': 'repeat: 1\nproviders: [echo]\nprompts: [file://p.txt]\ntests: [{ vars: { q: hi }, assert: [{ type: python, value: "file://c.py:f" }] }]\n',
      'p.txt': 'Q: {{q}}',
    });
    const suite = await loadSuite(join(ok, 'suite.yaml'), project);
    expect(suite.prompts.map((p) => [p.id, p.template])).toEqual([['p', 'Q: {{q}}']]);
    expect(suite.tests[0]!.assert[0]!.value).toBe('file:c.py:f');
    expect(suite.notices).toBeUndefined();
  });

  it('refuses code in the rows of test files, as llmlab refuses it in datasets', async () => {
    expect(
      await errors({
        'promptfooconfig.yaml': `${HEAD}tests: [file://cases.csv, file://more.yaml]\n`,
        'cases.csv': 'q,__expected\nhi,fn: output.length > 0\nyo,contains: yo\n',
        'more.yaml': '- vars: { q: a }\n  options: { transform: output.trim() }\n',
      }),
    ).toEqual([
      "cases.csv:2: a test file's row may not run code: its `javascript` assertion is refused",
      "more.yaml:2:25 a test file's row may not run code: its `options.transform` is refused",
    ]);
  });
});
