/** promptfoo's `assertionTemplates` with `$ref`, and a red-team config without tests of its own. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSuite } from '../../../src/config/load-suite.js';
import { flatten, project, tempDir } from '../../config/helpers.js';

async function load(config: string) {
  const dir = await tempDir({ 'promptfooconfig.yaml': config });
  return { dir, result: await loadSuite(join(dir, 'promptfooconfig.yaml'), project).catch((e: unknown) => e) };
}

const BASE = `prompts: ['Say {{q}} like a pirate']
providers: [echo]
assertionTemplates:
  pirate: { type: icontains, value: arrr }
`;

describe('assertionTemplates', () => {
  it('puts the template where an assertion names it with $ref', async () => {
    const { result } = await load(`${BASE}tests:\n  - vars: { q: hi }\n    assert:\n      - $ref: '#/assertionTemplates/pirate'\n`);
    const suite = result as Awaited<ReturnType<typeof loadSuite>>;
    expect(suite.tests[0]!.assert.map((a) => [a.type, a.value])).toEqual([['icontains', 'arrr']]);
  });

  it('refuses a $ref to no template, naming the ones there are', async () => {
    const { dir, result } = await load(`${BASE}tests:\n  - vars: { q: hi }\n    assert:\n      - $ref: '#/assertionTemplates/pirat'\n`);
    expect(flatten(result, dir)).toEqual([
      expect.objectContaining({ at: 'promptfooconfig.yaml:8:15', message: '`#/assertionTemplates/pirat` names no assertion template', hint: 'templates: #/assertionTemplates/pirate' }),
    ]);
  });
});

describe('a red-team config', () => {
  it('without tests of its own says so, instead of failing on the variables redteam would have filled', async () => {
    const { dir, result } = await load("prompts: ['Answer: {{query}}']\ntargets: [openai:gpt-4o-mini]\nredteam:\n  plugins: [harmful]\n");
    expect(flatten(result, dir)[0]).toMatchObject({ at: 'promptfooconfig.yaml:3:1', message: 'this promptfoo config only red-teams, and `redteam:` does not translate' });
  });
});
