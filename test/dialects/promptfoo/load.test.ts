/**
 * The promptfoo dialect through loadSuite: what a promptfoo config resolves to, where its errors point, and that
 * no key is dropped silently. Configs are written into temp folders as `promptfooconfig.yaml`.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadSuite } from '../../../src/config/load-suite.js';
import type { ResolvedSuite } from '../../../src/config/types.js';
import { project, tempDir } from '../../config/helpers.js';

const fixtures = fileURLToPath(new URL('../../fixtures/promptfoo/', import.meta.url));

async function load(files: Record<string, string>, name = 'promptfooconfig.yaml'): Promise<{ suite: ResolvedSuite; dir: string }> {
  const dir = await tempDir(files);
  return { suite: await loadSuite(join(dir, name), project), dir };
}

const notices = (suite: ResolvedSuite, dir: string) =>
  (suite.notices ?? []).map((n) => `${n.where.file.replace(`${dir}/`, '')}:${n.where.line ?? ''}: ${n.text}`);

describe('a promptfoo config', () => {
  it('resolves the basic fixture: providers, prompt files, file vars, array vars, graders and notices', async () => {
    const suite = await loadSuite(join(fixtures, 'basic/promptfooconfig.yaml'), project);
    expect(suite.providers.map((p) => [p.id, p.model, p.label, p.config])).toEqual([
      ['openai:chat:gpt-4o-mini', 'gpt-4o-mini', 'openai:chat:gpt-4o-mini', {}],
      ['anthropic:messages:claude-3-5-haiku-latest', 'claude-3-5-haiku-latest', 'haiku', { maxTokens: 200, temperature: 0 }],
    ]);
    expect(suite.prompts.map((p) => [p.id, p.template])).toEqual([
      ['answer', 'You are a support agent.\nPolicy: {{policy}}\nQuestion: {{question}}\n'],
      ['one-sentence', 'Reply in one sentence: {{question}}'],
    ]);
    expect(suite.tests.map((t) => t.vars)).toEqual([
      { policy: 'Refunds within 30 days.\n', question: 'How do I reset my password?' },
      { policy: 'Refunds within 30 days.\n', question: 'Where is my order?' },
      { policy: 'Refunds within 30 days.\n', question: 'Can I get a refund?' },
    ]);
    expect(suite.tests[0]!.assert.map((a) => [a.type, a.value])).toEqual([
      ['icontains', 'reset'],
      ['llm-rubric', 'The answer explains how to reset the password.\n'],
      ['latency', 5000],
    ]);
    expect(Object.values(suite.graders ?? {}).map((g) => g.id)).toEqual(['openai:gpt-4o-mini']);
    expect(suite.runSettings).toEqual({ concurrency: 2 });
    expect(suite.sources.map((s) => s.replace(fixtures, ''))).toEqual([
      'basic/promptfooconfig.yaml',
      'basic/prompts/answer.txt',
      'basic/data/policy.txt',
      'basic/data/rubric.txt',
    ]);
    expect(notices(suite, join(fixtures, 'basic'))).toEqual([
      'promptfooconfig.yaml:: read as a promptfoo config (its file name) and translated',
      'promptfooconfig.yaml:47: `sharing` ignored (llmlab never uploads results)',
    ]);
  });

  it('uses promptfoo\'s default grader when none is set, and says so', async () => {
    const { suite, dir } = await load({
      'promptfooconfig.yaml': 'providers: [echo]\nprompts: ["{{q}}"]\ntests:\n  - vars: { q: hi }\n    assert:\n      - type: llm-rubric\n        value: polite\n      - type: similar\n        value: hello\n',
    });
    expect(Object.values(suite.graders ?? {}).map((g) => g.id).sort()).toEqual(['openai:gpt-4.1-2025-04-14', 'openai:text-embedding-3-large']);
    expect(notices(suite, dir).slice(1)).toEqual([
      "promptfooconfig.yaml:1: no grading provider set: model-graded assertions use promptfoo's default `openai:gpt-4.1-2025-04-14` (`llmlab plan` shows its calls and cost)",
      "promptfooconfig.yaml:1: no embedding provider set: `similar` and `answer-relevance` use promptfoo's default `openai:text-embedding-3-large`",
    ]);
  });

  it('expands array vars into one test per combination, first var slowest', async () => {
    const { suite } = await load({
      'promptfooconfig.yaml': 'providers: [echo]\nprompts: ["{{a}} {{b}}"]\ntests:\n  - vars:\n      a: [x, y]\n      b: [1, 2, 3]\n  - vars: { a: z, b: 0 }\n    options: { disableVarExpansion: true }\n',
    });
    expect(suite.tests.map((t) => `${String(t.vars.a)}${String(t.vars.b)}`)).toEqual(['x1', 'x2', 'x3', 'y1', 'y2', 'y3', 'z0']);
  });

  it('crosses scenarios: every config entry with every test', async () => {
    const { suite } = await load({
      'promptfooconfig.yaml': [
        'providers: [echo]',
        'prompts: ["{{lang}}: {{q}}"]',
        'scenarios:',
        '  - description: languages',
        '    config: [{ vars: { lang: fr } }, { vars: { lang: de } }]',
        '    tests:',
        '      - vars: { q: one }',
        '        assert: [{ type: contains, value: one }]',
        '      - vars: { q: two }',
      ].join('\n'),
    });
    expect(suite.tests.map((t) => [t.description, t.vars.lang, t.vars.q, t.assert.length])).toEqual([
      ['languages', 'fr', 'one', 1],
      ['languages', 'fr', 'two', 0],
      ['languages', 'de', 'one', 1],
      ['languages', 'de', 'two', 0],
    ]);
  });

  it('maps provider config keys, sends unknown OpenAI parameters as extraBody, and reads provider files', async () => {
    const { suite, dir } = await load({
      'promptfooconfig.yaml': [
        'targets:',
        '  - id: openai:gpt-4o-mini',
        '    config: { max_tokens: 50, top_p: 0.5, apiHost: my.host.example, apiKeyEnvar: MY_KEY, logit_bias: { "50256": -100 } }',
        '  - file://more.yaml',
        'prompts: ["{{q}}"]',
        'tests: [{ vars: { q: hi } }]',
      ].join('\n'),
      'more.yaml': 'id: ollama:chat:llama3.2\nconfig: { num_ctx: 4096 }\n',
    });
    expect(suite.providers.map((p) => [p.id, p.config])).toEqual([
      ['openai:gpt-4o-mini', { maxTokens: 50, topP: 0.5, baseUrl: 'https://my.host.example/v1', apiKeyEnv: 'MY_KEY', extraBody: { logit_bias: { 50256: -100 } } }],
      ['ollama:chat:llama3.2', { numCtx: 4096 }],
    ]);
    expect(notices(suite, dir).slice(1)).toEqual([
      'promptfooconfig.yaml:3: apiHost `my.host.example` is baseUrl `https://my.host.example/v1`',
      'promptfooconfig.yaml:3: `logit_bias` sent as-is in the request body (extraBody)',
    ]);
    expect(suite.sources).toContain(join(dir, 'more.yaml'));
  });

  it('reads every prompt shape: --- splits, JSON and YAML chat files, globs, JSON chat templates, a label map', async () => {
    const { suite } = await load({
      'promptfooconfig.yaml': [
        'prompts:',
        '  - file://split.txt',
        '  - id: file://chat.json',
        '    label: chat',
        '  - file://convo.yaml',
        '  - file://many/*.md',
        '  - \'[{"role": "system", "content": "be brief"}, {"role": "user", "content": "{{q}}"}]\'',
        'providers: [echo]',
        'tests: [{ vars: { q: hi } }]',
      ].join('\n'),
      'split.txt': 'First {{q}}\n---\nSecond {{q}}\n',
      'chat.json': '[{"role": "user", "content": "{{q}}"}]',
      'convo.yaml': '- role: system\n  content: terse\n- role: user\n  content: "{{q}}"\n',
      'many/a.md': 'A {{q}}',
      'many/b.md': 'B {{q}}',
    });
    expect(suite.prompts.map((p) => [p.id, p.template ?? p.messages?.map((m) => `${m.role}:${m.content as string}`).join('|')])).toEqual([
      ['split-1', 'First {{q}}'],
      ['split-2', 'Second {{q}}\n'],
      ['chat', 'user:{{q}}'],
      ['convo', 'system:terse|user:{{q}}'],
      ['a', 'A {{q}}'],
      ['b', 'B {{q}}'],
      ['prompt-7', 'system:be brief|user:{{q}}'],
    ]);
  });

  it('reads test files (CSV with promptfoo `__expected` prefixes, JSONL) and expands a var glob', async () => {
    const { suite } = await load({
      'promptfooconfig.yaml': `providers: [echo]\nprompts: ["{{q}} {{doc}}"]\ntests:\n  - file://cases.csv\n  - file://more.jsonl\n  - vars: { q: g, doc: file://docs/*.txt }\n`,
      'cases.csv': 'q,doc,__expected\nhi,d,grade: is polite\nyo,d,contains: yo\nhey,d,plain text\n',
      'more.jsonl': '{"vars": {"q": "j", "doc": "file://docs/a.txt"}}\n',
      'docs/a.txt': 'A',
      'docs/b.txt': 'B',
    });
    expect(suite.tests.map((t) => [t.vars.q, t.vars.doc, t.assert.map((a) => `${a.type}=${String(a.value)}`).join(',')])).toEqual([
      ['hi', 'd', 'llm-rubric=is polite'],
      ['yo', 'd', 'contains=yo'],
      ['hey', 'd', 'equals=plain text'],
      ['j', 'A', ''],
      ['g', 'A', ''],
      ['g', 'B', ''],
    ]);
  });

  it('translates test options, transforms, tools on providers and evaluateOptions', async () => {
    const { suite, dir } = await load({
      'promptfooconfig.yaml': [
        'providers:',
        '  - id: openai:gpt-4o-mini',
        '    config: { tools: [{ type: function, function: { name: lookup, parameters: { type: object } } }], tool_choice: auto }',
        'prompts: ["{{q}}"]',
        'defaultTest:',
        '  options: { provider: { text: openai:gpt-4o, embedding: openai:embedding:text-embedding-3-small } }',
        'tests:',
        '  - vars: { q: hi }',
        '    options: { provider: openai:o4-mini, transform: output.trim(), transformVars: "({ q: vars.q })" }',
        '    assert:',
        '      - type: llm-rubric',
        '        value: polite',
        '      - type: cost',
        '        threshold: 0.01',
        '      - type: equals',
        '        value: hi',
        '        transform: output.toLowerCase()',
        'evaluateOptions: { repeat: 3, delay: 500, cache: false, maxConcurrency: 4 }',
        'outputPath: [out/results.json, out/results.html]',
      ].join('\n'),
    });
    const test = suite.tests[0]!;
    expect(test.assert.map((a) => [a.type, a.value, a.judge?.grader === undefined ? undefined : suite.graders?.[a.judge.grader]?.id])).toEqual([
      ['llm-rubric', 'polite', 'openai:o4-mini'],
      ['cost', 0.01, undefined],
      ['equals', 'hi', undefined],
    ]);
    // The test's transform (options.transform) runs ahead of the assertion's own.
    expect(test.assert[2]!.transform).toEqual([{ javascript: 'output.trim()' }, { javascript: 'output.toLowerCase()' }]);
    expect(Object.values(suite.graders ?? {}).map((g) => g.id)).toEqual(['openai:o4-mini']);
    expect(suite.prompts[0]).toMatchObject({ tools: [{ type: 'function', function: { name: 'lookup' } }], toolChoice: 'auto' });
    expect(suite.providers[0]!.config).toEqual({});
    expect(suite.providers[0]!.limits).toMatchObject({ concurrency: 1, rpm: 120 });
    expect(suite.repeat).toBe(3);
    expect(suite.runSettings).toEqual({ concurrency: 4, noCache: true, outputs: [join(dir, 'out/results.json'), join(dir, 'out/results.html')] });
  });

  it('loads file:// provider config values, reads `{ id, embedding }` graders, and runs a config without tests once', async () => {
    const { suite, dir } = await load({
      'promptfooconfig.yaml': [
        'providers:',
        '  - id: openai:gpt-4o-mini',
        '    config: { response_format: file://format.json }',
        'prompts: ["hello"]',
        'defaultTest:',
        '  options:',
        '    provider: { id: openai:gpt-4o, embedding: { id: openai:embedding:text-embedding-3-small } }',
        '  assert: [{ type: similar, value: hi }, { type: llm-rubric, value: kind }]',
      ].join('\n'),
      'format.json': '{ "type": "json_object" }',
    });
    expect(suite.providers[0]!.config).toEqual({ responseFormat: { type: 'json_object' } });
    expect(Object.values(suite.graders ?? {}).map((g) => g.id).sort()).toEqual(['openai:gpt-4o', 'openai:text-embedding-3-small']);
    expect(suite.tests).toHaveLength(1);
    expect(notices(suite, dir).slice(1)).toEqual([
      "promptfooconfig.yaml:1: no `tests`: every prompt runs once, with defaultTest's vars and assertions (as promptfoo does)",
    ]);
  });

  it('makes a javascript assertion module relative to the config, wherever it was named', async () => {
    const { suite } = await load({
      'promptfooconfig.yaml': 'providers: [echo]\nprompts: ["{{q}}"]\ntests: [{ vars: { q: hi } }]\ndefaultTest: file://sub/default.yaml\n',
      'sub/default.yaml': 'assert: [{ type: javascript, value: "file://check.js:polite" }]\n',
      'sub/check.js': 'export function polite(output) { return output.length > 0; }\n',
    });
    expect(suite.tests[0]!.assert[0]!.value).toBe('file:sub/check.js:polite');
  });

  it('keeps a python assertion: a script relative to the config (get_assert or a named function), its config joined', async () => {
    const { suite } = await load({
      'promptfooconfig.yaml': [
        'providers: [echo]',
        'prompts: ["{{q}}"]',
        'tests:',
        '  - vars: { q: hi }',
        '    assert:',
        '      - { type: python, value: "len(output) > 1" }',
        '      - { type: python, value: "file://sub/check.py" }',
        '      - { type: python, config: { limit: 5 }, value: "file://sub/check.py:short" }',
      ].join('\n'),
      'sub/check.py': 'def get_assert(output, context):\n    return True\n',
    });
    expect(suite.tests[0]!.assert.map((a) => a.value)).toEqual([
      'len(output) > 1',
      'file:sub/check.py',
      { code: 'file:sub/check.py:short', config: { limit: 5 } },
    ]);
  });
});
