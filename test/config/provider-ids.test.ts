/**
 * Provider ids are never misread: promptfoo's API infixes are understood (`openai:chat:X` calls model X) or
 * rejected with a hint at their line, and a `:` a provider's model names do not have is an error, not a model name.
 */
import { describe, expect, it } from 'vitest';
import { promptfooInfix } from '../../src/providers/provider-infixes.js';
import { loadErrors, loadOk } from './helpers.js';

function suite(providers: string[], extra = ''): Record<string, string> {
  const list = providers.map((id) => `  - ${JSON.stringify(id)}\n`).join('');
  return { 'suite.yaml': `providers:\n${list}prompts: ["Q: {{ q }}"]\ntests: [{ vars: { q: x } }]\n${extra}` };
}

describe('provider ids with promptfoo infixes', () => {
  it.each([
    ['openai:chat:gpt-4o-mini', 'openai', 'gpt-4o-mini'],
    ['anthropic:messages:claude-3-5-haiku-latest', 'anthropic', 'claude-3-5-haiku-latest'],
    ['ollama:chat:llama3:8b', 'ollama', 'llama3:8b'],
    ['ollama:llama3:8b', 'ollama', 'llama3:8b'],
    ['openai:ft:gpt-4o-mini-2024-07-18:my-org::abc123', 'openai', 'ft:gpt-4o-mini-2024-07-18:my-org::abc123'],
    ['azure:chat:my-deployment', 'azure', 'my-deployment'],
    ['azure:my-deployment', 'azure', 'my-deployment'],
    ['groq:llama-3.1-8b-instant', 'groq', 'llama-3.1-8b-instant'],
    ['openrouter:meta-llama/llama-3.1-8b-instruct:free', 'openrouter', 'meta-llama/llama-3.1-8b-instruct:free'],
    ['mistral:chat:mistral-small-latest', 'mistral', 'mistral-small-latest'],
    ['vllm:Qwen/Qwen2.5-7B-Instruct', 'vllm', 'Qwen/Qwen2.5-7B-Instruct'],
  ])('%s calls %s with model %s, keeping the id as written', async (id, type, model) => {
    const { suite: loaded } = await loadOk(suite([id]));
    expect(loaded.providers[0]).toMatchObject({ id, label: id, type, model });
  });

  it('reads openai:responses:X as model X on the Responses API, and keeps openai:X on Chat Completions', async () => {
    const { suite: loaded } = await loadOk(suite(['openai:responses:gpt-4.1', 'openai:gpt-4.1']));
    expect(loaded.providers[0]).toMatchObject({ id: 'openai:responses:gpt-4.1', model: 'gpt-4.1', config: { api: 'responses' } });
    expect(loaded.providers[1]?.config).not.toHaveProperty('api');
    const written = { 'suite.yaml': 'providers:\n  - id: openai:gpt-4.1\n    config: { api: responses }\nprompts: ["x"]\ntests: [{}]\n' };
    expect((await loadOk(written)).suite.providers[0]).toMatchObject({ model: 'gpt-4.1', config: { api: 'responses' } });
    const seeded = { 'suite.yaml': 'providers:\n  - id: openai:gpt-4.1\n    config: { api: responses, seed: 1 }\nprompts: ["x"]\ntests: [{}]\n' };
    expect((await loadErrors(seeded))[0]?.message).toBe('`openai:gpt-4.1` calls the Responses API, which has no seed (config.seed) (providers[0].id)');
  });

  it.each([
    ['config: { api: chat }', '`openai:responses:` calls the Responses API, but config.api is `chat`', 'remove config.api, or write `openai:gpt-4.1` to keep it'],
    ['config: { seed: 7, stop: END }', '`openai:responses:gpt-4.1` calls the Responses API, which has no seed, stop (config.seed, config.stop)', expect.stringContaining('remove those keys')],
    ['config: { stream: true }', '`openai:responses:gpt-4.1` calls the Responses API, which has no streaming (config.stream)', expect.stringContaining('remove those keys')],
  ])('refuses openai:responses: with %s', async (config, message, hint) => {
    const files = { 'suite.yaml': `providers:\n  - id: openai:responses:gpt-4.1\n    ${config}\nprompts: ["x"]\ntests: [{}]\n` };
    expect(await loadErrors(files)).toEqual([{ code: 'CONFIG_INVALID', at: 'suite.yaml:2:9', message: `${message} (providers[0].id)`, hint }]);
  });

  it('accepts any model name on openai when a baseUrl points at another server', async () => {
    const files = { 'suite.yaml': 'providers:\n  - id: openai:llama3:8b\n    config: { baseUrl: "http://127.0.0.1:11434/v1" }\nprompts: ["x"]\ntests: [{}]\n' };
    expect((await loadOk(files)).suite.providers[0]?.model).toBe('llama3:8b');
  });

  it('normalises a grader id the same way', async () => {
    const files = {
      'suite.yaml': 'providers: [echo]\nprompts: ["x"]\ngrader: openai:chat:gpt-4o-mini\ntests:\n  - assert: [{ type: llm-rubric, value: polite }]\n',
    };
    const { suite: loaded } = await loadOk(files);
    expect(Object.values(loaded.graders ?? {})[0]).toMatchObject({ id: 'openai:chat:gpt-4o-mini', model: 'gpt-4o-mini' });
  });

  it.each([
    ['openai:assistant:asst_123', '`openai:assistant:` is the Assistants API, which llmlab does not call', 'llmlab calls the Chat Completions API: write `openai:asst_123`'],
    ['azure:responses:my-deployment', '`azure:responses:` is the Responses API, which llmlab does not call', 'llmlab calls the Chat Completions API: write `azure:my-deployment`'],
    ['openai:completion:gpt-3.5-turbo-instruct', '`openai:completion:` is the legacy Completions API, which llmlab does not call', 'write `openai:gpt-3.5-turbo-instruct` (chat), or add `config: { api: completions }` to it for the legacy Completions API'],
    ['openai:embedding:text-embedding-3-small', '`openai:embedding:text-embedding-3-small` names an embeddings model, which cannot answer prompts', 'use it as `embedder: openai:text-embedding-3-small` (similar, answer-relevance); a provider or grader needs a chat model'],
    ['ollama:completion:llama3', "`ollama:completion:` is Ollama's /api/generate, which llmlab does not call", "llmlab calls Ollama's /api/chat: write `ollama:llama3`"],
    ['ollama:embeddings:nomic-embed-text', '`ollama:embeddings:nomic-embed-text` names an embeddings model, which cannot answer prompts', 'use it as `embedder: ollama:nomic-embed-text` (similar, answer-relevance); a provider or grader needs a chat model'],
    ['anthropic:completion:claude-2', "`anthropic:completion:` is Anthropic's retired Text Completions API, which llmlab does not call", 'llmlab calls the Messages API: write `anthropic:claude-2`'],
    ['azure:completion:my-deployment', '`azure:completion:` is the legacy Completions API, which llmlab does not call', 'llmlab calls the Chat Completions API: write `azure:my-deployment`'],
    ['openai:chat:', '`openai:chat:` has no model name', expect.stringContaining('write `openai:<model>`')],
  ])('rejects %s at its line with a hint', async (id, message, hint) => {
    expect(await loadErrors(suite([id]))).toEqual([
      { code: 'CONFIG_INVALID', at: 'suite.yaml:2:5', message: `${message} (providers[0])`, hint },
    ]);
  });

  it('reads `openai:image:<model>` as the openai-image provider, the id kept as written', async () => {
    const { suite: loaded } = await loadOk(suite(['openai:image:dall-e-3']));
    expect(loaded.providers[0]).toMatchObject({ id: 'openai:image:dall-e-3', type: 'openai-image', model: 'dall-e-3', label: 'openai:image:dall-e-3' });
  });

  it.each([
    ['openai:imagen:dall-e-3', 'openai'],
    ['anthropic:claude:3', 'anthropic'],
    ['ollama:library:llama3:8b', 'ollama'],
    ['groq:chatty:llama', 'groq'],
    ['azure:deploy:x', 'azure'],
  ])('rejects the unexpected `:` in %s', async (id, type) => {
    const [error] = await loadErrors(suite([id]));
    expect(error).toMatchObject({ code: 'CONFIG_INVALID', at: 'suite.yaml:2:5' });
    expect(error?.message).toMatch(new RegExp(`has a \`:\` that ${type} model names do not have`));
    expect(error?.hint).toMatch(new RegExp(`^${type} models look like`));
  });

  it('suggests a vendor for a misspelt vendor type', async () => {
    const [error] = await loadErrors(suite(['grok:llama-3.1-8b-instant']));
    expect(error).toMatchObject({ code: 'UNKNOWN_PROVIDER', hint: expect.stringContaining('`groq`') });
  });
});

describe('promptfooInfix (for the promptfoo dialect)', () => {
  it('splits a known infix off and says what it means', () => {
    expect(promptfooInfix('openai', 'responses:gpt-4.1')).toMatchObject({ model: 'gpt-4.1', infix: 'responses', meaning: { kind: 'config', config: { api: 'responses' } } });
    expect(promptfooInfix('openai', 'assistant:asst_1')).toMatchObject({ model: 'asst_1', infix: 'assistant', meaning: { kind: 'unsupported' } });
    expect(promptfooInfix('openai', 'chat:gpt-4o')).toEqual({ model: 'gpt-4o', infix: 'chat', meaning: { kind: 'same' } });
    expect(promptfooInfix('groq', 'chat:llama', 'openai')).toMatchObject({ model: 'llama', infix: 'chat' });
    expect(promptfooInfix('ollama', 'embed:nomic-embed-text')).toEqual({ model: 'nomic-embed-text', infix: 'embed', meaning: { kind: 'embeddings' } });
  });

  it('leaves a model part without a known infix whole', () => {
    expect(promptfooInfix('ollama', 'llama3:8b')).toEqual({ model: 'llama3:8b' });
    expect(promptfooInfix('exec', 'python bot.py')).toEqual({ model: 'python bot.py' });
  });
});

describe('Azure prices', () => {
  it('prices a deployment as the OpenAI model config.model names, and leaves it unpriced without', async () => {
    const files = {
      'suite.yaml':
        'providers:\n  - id: azure:chat:prod-mini\n    config: { model: gpt-4o-mini }\n  - azure:other\nprompts: ["x"]\ntests: [{}]\n',
    };
    const { suite: loaded } = await loadOk(files);
    expect(loaded.prices?.['azure:prod-mini']).toMatchObject({ input: 0.15, output: 0.6 });
    expect(loaded.prices?.['azure:other']).toBeUndefined();
  });
});
