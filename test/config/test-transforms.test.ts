/** A test's `transform` and `transformVars` (promptfoo's options.transform and transformVars) as the suite loads. */
import { describe, expect, it } from 'vitest';
import { HEAD, loadErrors, loadOk } from './helpers.js';

describe('test-level transform', () => {
  it('goes in front of every assertion\'s own steps; a test\'s own replaces defaultTest\'s', async () => {
    const { suite } = await loadOk({
      'suite.yaml':
        `${HEAD}defaultTest:\n  transform: trim\n  assert:\n    - type: contains\n      value: a\n` +
        'tests:\n' +
        '  - vars: { q: 1 }\n    transform: [{ javascript: "output.toLowerCase()" }]\n' +
        '    assert:\n      - type: equals\n        value: a\n        transform: strip-punctuation\n' +
        '  - vars: { q: 2 }\n',
    });
    const [own, inherited] = suite.tests;
    expect(own!.assert.map((a) => [a.type, a.transform])).toEqual([
      ['equals', [{ javascript: 'output.toLowerCase()' }, 'strip-punctuation']],
      ['contains', [{ javascript: 'output.toLowerCase()' }]],
    ]);
    expect(inherited!.assert.map((a) => [a.type, a.transform])).toEqual([['contains', ['trim']]]);
  });

  it('reports a step that does not compile at its position', async () => {
    const [seen] = await loadErrors({ 'suite.yaml': `${HEAD}tests:\n  - vars: { q: 1 }\n    transform: { javascript: "output.(" }\n` });
    expect(seen).toMatchObject({ code: 'CONFIG_INVALID', at: 'suite.yaml:5:30', message: expect.stringMatching(/^transform step tests\[0\]\.transform\.javascript: javascript does not compile/) });
  });
});

describe('transformVars', () => {
  it('merges what it returns over the merged vars before rendering; the test id stays that of its own vars', async () => {
    const plain = await loadOk({ 'suite.yaml': `${HEAD}tests:\n  - vars: { q: 1, items: [a, b] }\n` });
    const { suite } = await loadOk({
      'suite.yaml':
        `${HEAD}defaultTest:\n  vars: { lang: en }\n` +
        'tests:\n  - vars: { q: 1, items: [a, b] }\n    transformVars: "({ count: vars.items.length, lang: vars.lang.toUpperCase() })"\n' +
        '  - vars: { q: 2, items: [a] }\n    transformVars: |\n      const n = vars.items.length;\n      return { count: n * 10 };\n',
    });
    expect(suite.tests.map((t) => t.vars)).toEqual([
      { lang: 'EN', q: 1, items: ['a', 'b'], count: 2 },
      { lang: 'en', q: 2, items: ['a'], count: 10 },
    ]);
    expect(suite.tests[0]!.id).toBe(plain.suite.tests[0]!.id);
  });

  it('calls a module\'s function for `file:`', async () => {
    const { suite } = await loadOk({
      'suite.yaml': `${HEAD}tests:\n  - vars: { q: 1 }\n    transformVars: file:vars.mjs\n  - vars: { q: 2 }\n    transformVars: file:vars.mjs:twice\n`,
      'vars.mjs': 'export default (vars) => ({ next: vars.q + 1 });\nexport const twice = (vars, context) => ({ q: context.vars.q * 2 });\n',
    });
    expect(suite.tests.map((t) => t.vars)).toEqual([{ q: 1, next: 2 }, { q: 4 }]);
  });

  it('is a config error, at the key, when it throws or returns no object', async () => {
    const errors = await loadErrors({
      'suite.yaml': `${HEAD}tests:\n  - vars: { q: 1 }\n    transformVars: "vars.missing.length"\n  - vars: { q: 2 }\n    transformVars: "42"\n`,
    });
    expect(errors).toMatchObject([
      { code: 'CONFIG_INVALID', at: 'suite.yaml:5:20', message: expect.stringMatching(/^transformVars threw: .* \(tests\[0\]\.transformVars\)$/) },
      { code: 'CONFIG_INVALID', at: 'suite.yaml:7:20', message: 'transformVars returned 42; it must return an object of vars (tests[1].transformVars)' },
    ]);
  });

  it('is refused in a dataset row, with JavaScript transforms, unless the suite trusts its datasets', async () => {
    const rows = '- vars: { q: 1 }\n  transformVars: "({ x: 1 })"\n  transform: { javascript: output }\n  assert:\n    - type: equals\n      value: a\n      transform: [{ javascript: output }]\n';
    const errors = await loadErrors({ 'suite.yaml': `${HEAD}tests: file:rows.yaml\n`, 'rows.yaml': rows });
    expect(errors.map((e) => [e.code, e.message])).toEqual([
      ['DATASET_INVALID', 'a dataset row may not run code: its `transformVars` is refused'],
      ['DATASET_INVALID', 'a dataset row may not run code: its JavaScript `transform` is refused'],
      ['DATASET_INVALID', "a dataset row may not run code: its `equals` assertion's JavaScript `transform` is refused"],
    ]);
    const { suite } = await loadOk({ 'suite.yaml': `${HEAD}trustDatasetCode: true\ntests: file:rows.yaml\n`, 'rows.yaml': rows });
    expect(suite.tests[0]!.vars).toMatchObject({ x: 1 });
  });

  it('refuses a webhook in a dataset row too: a row must not choose where outputs and vars are sent', async () => {
    const rows = '- vars: { q: 1 }\n  assert:\n    - type: webhook\n      value: http://example.com/grade\n';
    const errors = await loadErrors({ 'suite.yaml': `${HEAD}tests: file:rows.yaml\n`, 'rows.yaml': rows });
    expect(errors.map((e) => [e.code, e.at, e.message])).toEqual([
      ['DATASET_INVALID', 'rows.yaml:3:13', 'a dataset row may not send data out: its `webhook` assertion is refused'],
    ]);
  });
});
