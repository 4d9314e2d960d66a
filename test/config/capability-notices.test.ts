/** A suite that needs token log-probabilities is told at load which of its providers may not return them. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSuite } from '../../src/config/load-suite.js';
import { project, tempDir } from './helpers.js';

describe('capability notices', () => {
  it('names each provider that is not known to return logprobs, at its line, when an assertion needs them', async () => {
    const dir = await tempDir({
      'suite.yaml': [
        'providers:',
        '  - openai:gpt-4o-mini',
        '  - anthropic:claude-3-5-haiku-latest',
        'prompts: ["{{ q }}"]',
        'tests:',
        '  - vars: { q: hi }',
        '    assert: [{ type: perplexity, value: 20 }]',
      ].join('\n'),
    });
    const suite = await loadSuite(join(dir, 'suite.yaml'), project);
    expect((suite.notices ?? []).map((n) => [n.where.line, n.text])).toEqual([
      [3, "`perplexity` needs the output's token log-probabilities, which `anthropic:claude-3-5-haiku-latest` is not known to return: without them those assertions are errors on its cells"],
    ]);
  });

  it('says nothing when no assertion needs them', async () => {
    const dir = await tempDir({ 'suite.yaml': 'providers: [echo]\nprompts: ["{{ q }}"]\ntests: [{ vars: { q: hi }, assert: [{ type: contains, value: hi }] }]\n' });
    expect((await loadSuite(join(dir, 'suite.yaml'), project)).notices).toBeUndefined();
  });
});
