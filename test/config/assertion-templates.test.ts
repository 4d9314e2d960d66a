/** Assertion values are nunjucks templates over each test's vars; an undefined variable stops the load at its line. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSuite } from '../../src/config/load-suite.js';
import { flatten, project, tempDir } from './helpers.js';

const suite = (assertLine: string) => `providers: [echo]
prompts: ['{{ q }}']
defaultTest:
  assert:
    - ${assertLine}
tests:
  - vars: { q: a, expected: alpha }
  - vars: { q: b, expected: beta }
`;

describe('assertion value templates', () => {
  it('renders a templated value per test, leaving other tests\' assertions shared', async () => {
    const dir = await tempDir({ 'suite.yaml': suite("{ type: contains-any, value: ['{{ expected }}', fixed] }") });
    const loaded = await loadSuite(join(dir, 'suite.yaml'), project);
    expect(loaded.tests.map((t) => t.assert[0]!.value)).toEqual([
      ['alpha', 'fixed'],
      ['beta', 'fixed'],
    ]);
  });

  it('refuses a variable no test defines, at the assertion', async () => {
    const dir = await tempDir({ 'suite.yaml': suite("{ type: equals, value: '{{ expectd }}' }") });
    const seen = flatten(await loadSuite(join(dir, 'suite.yaml'), project).catch((e: unknown) => e), dir);
    expect(seen[0]).toMatchObject({ code: 'CONFIG_INVALID', at: 'suite.yaml:5:7' });
    expect(seen[0]!.message).toBe("the value of `equals` uses `expectd`, which the test's vars do not define");
    expect(seen[0]!.message).toContain('expectd');
  });
});
