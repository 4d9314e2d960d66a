/**
 * The shapes promptfoo passes to each vendor as written, read for what they mean: tools in five vendors'
 * spellings, vendor tool choices, Gemini's Content-form system instruction, Bedrock's native InvokeModel fields,
 * unknown parameters into the request body, thresholds that are limits, the same id twice, promptfoo's names for
 * the function-call check, `options.providers`, `__metadata:` columns, and assertion values that are templates.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSuite } from '../../../src/config/load-suite.js';
import type { ResolvedSuite } from '../../../src/config/types.js';
import { flatten, project, tempDir } from '../../config/helpers.js';

async function load(config: string, files: Record<string, string> = {}): Promise<ResolvedSuite> {
  const dir = await tempDir({ 'promptfooconfig.yaml': config, ...files });
  return loadSuite(join(dir, 'promptfooconfig.yaml'), project);
}

const WEATHER = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] };
const EXPECTED_TOOL = { type: 'function', function: { name: 'get_weather', description: 'Weather now', parameters: WEATHER } };

describe('promptfoo vendor shapes', () => {
  it.each([
    ['OpenAI Chat', 'openai:gpt-4o-mini', `{ type: function, function: { name: get_weather, description: Weather now, parameters: ${JSON.stringify(WEATHER)} } }`],
    ['OpenAI Responses', 'openai:gpt-4o-mini', `{ type: function, name: get_weather, description: Weather now, parameters: ${JSON.stringify(WEATHER)} }`],
    ['Anthropic', 'anthropic:claude-3-5-haiku-latest', `{ name: get_weather, description: Weather now, input_schema: ${JSON.stringify(WEATHER)} }`],
    ['Gemini', 'google:gemini-2.0-flash', `{ functionDeclarations: [{ name: get_weather, description: Weather now, parameters: { type: OBJECT, properties: { city: { type: STRING } }, required: [city] } }] }`],
    ['Bedrock', 'bedrock:us.amazon.nova-lite-v1:0', `{ toolSpec: { name: get_weather, description: Weather now, inputSchema: { json: ${JSON.stringify(WEATHER)} } } }`],
  ])('%s tools become one OpenAI-format function on every prompt', async (_, id, tool) => {
    const region = id.startsWith('bedrock:') ? 'region: us-east-1, ' : '';
    const suite = await load(`prompts: ['{{q}}']\nproviders: [{ id: "${id}", config: { ${region}tools: [${tool}] } }]\ntests: [{ vars: { q: hi } }]\n`);
    expect(suite.prompts[0]!.tools).toEqual([EXPECTED_TOOL]);
    expect(suite.providers[0]!.config['tools']).toBeUndefined();
  });

  it('reads every vendor\'s tool choice, and keeps Gemini\'s built-in tools on its provider', async () => {
    const suite = await load(`prompts: ['{{q}}']
providers:
  - id: google:gemini-2.0-flash
    config:
      tools: [{ googleSearch: {} }, { functionDeclarations: [{ name: f, parameters: { type: OBJECT } }] }]
      tool_choice: { type: function, function: { name: f } }
tests: [{ vars: { q: hi } }]
`);
    expect(suite.prompts[0]!.toolChoice).toEqual({ name: 'f' });
    expect(suite.providers[0]!.config['tools']).toEqual([{ googleSearch: {} }]);
  });

  it('refuses a built-in tool llmlab does not run, naming it', async () => {
    const error = await load(`prompts: ['{{q}}']\nproviders: [{ id: openai:gpt-4o-mini, config: { tools: [{ type: web_search_preview }] } }]\ntests: [{ vars: { q: hi } }]\n`).catch((e: unknown) => e);
    const [seen] = flatten(error, '/nowhere');
    expect(seen!.message).toBe('the built-in tool `web_search_preview` does not translate to llmlab');
    expect(seen!.at).toMatch(/promptfooconfig\.yaml:2:/);
  });

  it('maps provider parameters by family: extraBody, additionalModelRequestFields, Nova and Llama fields, Gemini Content', async () => {
    const suite = await load(`prompts: ['{{q}}']
providers:
  - { id: anthropic:claude-3-7-sonnet-latest, config: { max_tokens: 2000, thinking: { type: enabled, budget_tokens: 1024 }, showThinking: false } }
  - { id: bedrock:us.amazon.nova-lite-v1:0, config: { region: us-east-1, inferenceConfig: { max_new_tokens: 100, temperature: 0.5, top_p: 0.9 } } }
  - { id: bedrock:us.meta.llama3-1-8b-instruct-v1:0, config: { region: us-east-1, max_gen_len: 256, guardrail: x } }
  - { id: vertex:gemini-1.5-flash, config: { projectId: p, systemInstruction: { parts: [{ text: Talk like a cow. }] } } }
tests: [{ vars: { q: hi } }]
`);
    expect(suite.providers.map((p) => p.config)).toEqual([
      { maxTokens: 2000, extraBody: { thinking: { type: 'enabled', budget_tokens: 1024 } } },
      { region: 'us-east-1', maxTokens: 100, temperature: 0.5, topP: 0.9 },
      { region: 'us-east-1', maxTokens: 256, additionalModelRequestFields: { guardrail: 'x' } },
      { projectId: 'p', systemInstruction: 'Talk like a cow.' },
    ]);
    expect((suite.notices ?? []).map((n) => n.text)).toEqual(
      expect.arrayContaining([
        '`thinking` sent as-is in the request body (extraBody)',
        "`showThinking` ignored (it only changes promptfoo's display)",
        '`guardrail` sent as-is in the request body (additionalModelRequestFields)',
      ]),
    );
  });

  it('labels the same id twice apart, and reads limits written as thresholds', async () => {
    const suite = await load(`prompts: ['{{q}}']
providers: [{ id: echo, config: {} }, echo]
tests:
  - vars: { q: hello }
    assert:
      - { type: levenshtein, value: hello, threshold: 2 }
      - { type: perplexity, threshold: 1.5 }
      - { type: is-valid-function-call }
`);
    expect(suite.providers.map((p) => p.label)).toEqual(['echo', 'echo #2']);
    expect(suite.tests[0]!.assert.map((a) => [a.type, a.value, a.threshold])).toEqual([
      ['levenshtein', { expected: 'hello', maxDistance: 2 }, undefined],
      ['perplexity', 1.5, undefined],
      ['is-valid-openai-tools-call', undefined, undefined],
    ]);
  });

  it('reads options.providers as options.provider, and __metadata: columns as metadata', async () => {
    const suite = await load(
      `prompts: ['{{q}}']
providers: [echo]
defaultTest:
  options:
    providers: { text: openai:gpt-4o-mini }
  assert: [{ type: llm-rubric, value: polite }]
tests: file://tests.csv
`,
      { 'tests.csv': 'q,__metadata:category\nhello,greeting\n' },
    );
    expect(Object.values(suite.graders ?? {}).map((g) => g.id)).toEqual(['openai:gpt-4o-mini']);
    expect(suite.tests[0]!.metadata).toEqual({ category: 'greeting' });
  });

  it('renders assertion values over each test\'s vars, as promptfoo does', async () => {
    const suite = await load(`prompts: ['{{q}}']
providers: [echo]
defaultTest:
  assert: [{ type: icontains, value: '{{topic}}' }, { type: javascript, value: "output.includes('{{')" }]
tests:
  - vars: { q: a, topic: password }
  - vars: { q: b, topic: invoice }
`);
    expect(suite.tests.map((t) => t.assert.map((a) => a.value))).toEqual([
      ['password', "output.includes('{{')"],
      ['invoice', "output.includes('{{')"],
    ]);
  });
});
