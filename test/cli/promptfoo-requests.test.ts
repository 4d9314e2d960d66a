/**
 * The zero-misread check: promptfoo configs shaped like promptfoo's own examples run through the dialect against
 * fake servers of every API they name, and each request body carries the model and the parameters the promptfoo
 * author wrote. The expectations are written here from promptfoo's documented meaning of each key, not from what
 * the translator produces, so a translation that changes a meaning fails (`openai:chat:gpt-4o-mini` sent as
 * model `chat:gpt-4o-mini`, a `max_tokens` dropped, a Nova `max_new_tokens` ignored).
 * bench/promptfoo-corpus.ts runs the same kind of check over promptfoo's whole examples folder.
 */
import { mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startFakeAnthropic,
  startFakeAzure,
  startFakeBedrock,
  startFakeGoogle,
  startFakeOllama,
  startFakeOpenAI,
  type FakeServer,
} from '../fakes/index.js';
import { runCli } from './run-cli.js';

let dir: string;
const fakes: Record<string, FakeServer> = {};

beforeAll(async () => {
  dir = realpathSync(mkdtempSync(join(tmpdir(), 'llmlab-pf-requests-')));
  [fakes.openai, fakes.anthropic, fakes.ollama, fakes.azure, fakes.google, fakes.bedrock] = await Promise.all([
    startFakeOpenAI(),
    startFakeAnthropic(),
    startFakeOllama(),
    startFakeAzure(),
    startFakeGoogle(),
    startFakeBedrock(),
  ]);
});
afterAll(async () => {
  await Promise.all(Object.values(fakes).map((f) => f.close()));
  rmSync(dir, { recursive: true, force: true });
});

/** Writes a promptfoo config and runs `llmlab eval` on it with every key set and no cache. */
async function evalConfig(name: string, yaml: string) {
  writeFileSync(join(dir, name), yaml);
  const env = {
    OPENAI_API_KEY: 'sk-openai-test',
    OPENAI_BASE_URL: `${fakes.openai!.url}/v1`,
    ANTHROPIC_API_KEY: 'sk-ant-test',
    ANTHROPIC_BASE_URL: fakes.anthropic!.url,
    OLLAMA_HOST: fakes.ollama!.url,
    GROQ_API_KEY: 'gsk-test',
    AZURE_OPENAI_API_KEY: 'azure-test',
    GOOGLE_API_KEY: 'google-test',
    AWS_ACCESS_KEY_ID: 'AKIDTEST',
    AWS_SECRET_ACCESS_KEY: 'aws-secret-test',
  };
  for (const fake of Object.values(fakes)) fake.requests.length = 0;
  return runCli(['eval', name, '--no-cache', '--db', join(dir, `${name}.db`)], { cwd: dir, env });
}

const bodies = (fake: string) => fakes[fake]!.requests.map((r) => r.body);

describe('promptfoo configs send what their authors meant', () => {
  it('OpenAI: infixed and plain ids, snake_case parameters, an unknown parameter, and the default grader', async () => {
    const run = await evalConfig(
      'promptfooconfig.yaml',
      `
prompts: ['Answer briefly: {{question}}']
providers:
  - id: openai:chat:gpt-4o-mini
    config: { temperature: 0.2, max_tokens: 64, top_p: 0.9, seed: 7, response_format: { type: json_object }, logit_bias: { '50256': -100 } }
  - openai:gpt-4.1-nano
tests:
  - vars: { question: 'What is 2 + 2?' }
    assert: [{ type: llm-rubric, value: says four }]
`,
    );
    expect(run.stderr).not.toContain('Error:');
    const generation = bodies('openai').filter((b) => b.tool_choice === undefined);
    const judge = bodies('openai').filter((b) => b.tool_choice !== undefined);
    expect(generation.map((b) => b.model).sort()).toEqual(['gpt-4.1-nano', 'gpt-4o-mini']);
    const mini = generation.find((b) => b.model === 'gpt-4o-mini');
    expect(mini).toMatchObject({ temperature: 0.2, top_p: 0.9, seed: 7, response_format: { type: 'json_object' }, logit_bias: { '50256': -100 } });
    expect(mini.max_tokens ?? mini.max_completion_tokens).toBe(64);
    const nano = generation.find((b) => b.model === 'gpt-4.1-nano');
    expect(nano.temperature).toBeUndefined();
    // promptfoo grades llm-rubric with gpt-4.1-2025-04-14 when the config names no grader.
    expect(judge.map((b) => b.model)).toEqual(['gpt-4.1-2025-04-14', 'gpt-4.1-2025-04-14']);
    expect(run.stderr).toContain("promptfoo's default `openai:gpt-4.1-2025-04-14`");
  });

  it('Anthropic, Ollama and Groq: infixes dropped, tags kept, vendor parameters passed through', async () => {
    const run = await evalConfig(
      'promptfooconfig.vendors.yaml',
      `
prompts: ['{{question}}']
providers:
  - id: anthropic:messages:claude-3-5-haiku-20241022
    config: { max_tokens: 128, temperature: 0, top_k: 5, metadata: { user_id: u-1 } }
  - id: ollama:chat:llama3.2:3b
    config: { temperature: 0.1, num_ctx: 2048 }
  - id: groq:llama-3.1-8b-instant
    config: { apiBaseUrl: ${fakes.openai!.url}/v1, max_completion_tokens: 300 }
tests:
  - vars: { question: 'Name a colour.' }
`,
    );
    expect(run.code).toBe(0);
    expect(bodies('anthropic')).toEqual([
      expect.objectContaining({ model: 'claude-3-5-haiku-20241022', max_tokens: 128, temperature: 0, top_k: 5, metadata: { user_id: 'u-1' } }),
    ]);
    expect(bodies('ollama')).toEqual([expect.objectContaining({ model: 'llama3.2:3b', options: expect.objectContaining({ temperature: 0.1, num_ctx: 2048 }) })]);
    const [groq] = fakes.openai!.requests;
    expect(groq!.body).toMatchObject({ model: 'llama-3.1-8b-instant', max_completion_tokens: 300 });
    expect(groq!.headers.authorization).toBe('Bearer gsk-test');
  });

  it('Azure, Gemini and Bedrock: deployment paths, generationConfig, and Nova\'s native inferenceConfig', async () => {
    const run = await evalConfig(
      'promptfooconfig.cloud.yaml',
      `
prompts: ['{{question}}']
providers:
  - id: azure:chat:prod-4o-mini
    config: { apiBaseUrl: ${fakes.azure!.url}, temperature: 0 }
  - id: google:gemini-2.0-flash
    config: { apiBaseUrl: ${fakes.google!.url}, generationConfig: { temperature: 0.3, maxOutputTokens: 50 } }
  - id: bedrock:us.amazon.nova-lite-v1:0
    config: { region: us-west-2, endpoint: ${fakes.bedrock!.url}, inferenceConfig: { max_new_tokens: 100, temperature: 0.5 } }
tests:
  - vars: { question: 'Name a planet.' }
`,
    );
    expect(run.code).toBe(0);
    const [azure] = fakes.azure!.requests;
    expect(azure!.path).toBe('/openai/deployments/prod-4o-mini/chat/completions');
    expect(azure!.body).toMatchObject({ temperature: 0 });
    const [google] = fakes.google!.requests;
    expect(google!.path).toMatch(/\/models\/gemini-2\.0-flash:generateContent/);
    expect(google!.body.generationConfig).toMatchObject({ temperature: 0.3, maxOutputTokens: 50 });
    const [bedrock] = fakes.bedrock!.requests;
    expect(bedrock!.path).toBe('/model/us.amazon.nova-lite-v1%3A0/converse');
    expect(bedrock!.body.inferenceConfig).toEqual({ maxTokens: 100, temperature: 0.5 });
  });

  it('OpenAI Responses: openai:responses: calls POST /v1/responses with the config promptfoo sends there', async () => {
    const run = await evalConfig(
      'promptfooconfig.responses.yaml',
      `
prompts: ['{{question}}']
providers:
  - id: openai:responses:gpt-4.1
    config: { instructions: Be brief, max_output_tokens: 100, reasoning: { effort: low } }
tests:
  - vars: { question: 'Name a river.' }
`,
    );
    expect(run.code).toBe(0);
    expect(fakes.openai!.requests.map((r) => r.path)).toEqual(['/v1/responses']);
    expect(bodies('openai')[0]).toMatchObject({
      model: 'gpt-4.1',
      instructions: 'Be brief',
      max_output_tokens: 100,
      reasoning: { effort: 'low' },
      input: [{ role: 'user', content: 'Name a river.' }],
    });
  });

  it('refuses, before any call, what it cannot send as written', async () => {
    const run = await evalConfig(
      'promptfooconfig.refused.yaml',
      `
prompts: ['{{question}}']
providers: [openai:assistant:gpt-4.1]
tests: [{ vars: { question: hi } }]
`,
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('promptfooconfig.refused.yaml:3:');
    expect(run.stderr).toContain('write `openai:gpt-4.1`');
    expect(fakes.openai!.requests).toEqual([]);
  });
});
