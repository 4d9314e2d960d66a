/**
 * The zero-misread check over a corpus: each accepted promptfoo config whose providers all speak to an API that
 * an environment variable can point at a fake server (OpenAI, Anthropic, Ollama) runs for real against fakes, and
 * every generation request must carry the model and the sampling parameters the author wrote. The author's intent
 * is read here from the promptfoo config itself (promptfoo's id grammar and key names), independently of the
 * dialect, so a translation that changed a meaning shows up as a mismatch.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { parse } from 'yaml';
import { main } from '../src/cli/main.js';
import { startFakeAnthropic, startFakeOllama, startFakeOpenAI, type FakeServer } from '../test/fakes/index.js';

type Family = 'openai' | 'anthropic' | 'ollama';

/** What the author meant one provider to send. */
interface Intent {
  family: Family;
  model: string;
  temperature?: number;
  maxTokens?: number;
}

/** promptfoo's reading of an id: `openai:chat:gpt-4o` → gpt-4o; undefined for another family. */
function intentOf(entry: unknown): Intent | undefined {
  const spec = typeof entry === 'string' ? { id: entry } : (entry as { id?: unknown; config?: Record<string, unknown> });
  if (typeof spec.id !== 'string') return undefined;
  const match = /^(openai|anthropic|ollama):(?:(chat|messages):)?(.+)$/.exec(spec.id);
  if (!match) return undefined;
  const config = spec.config ?? {};
  const number = (...keys: string[]) => keys.map((k) => config[k]).find((v): v is number => typeof v === 'number');
  return {
    family: match[1] as Family,
    model: match[3]!,
    temperature: number('temperature'),
    maxTokens: number('max_tokens', 'maxTokens', 'num_predict', 'max_output_tokens', 'max_completion_tokens'),
  };
}

/** What a request body says, per family. */
function sent(family: Family, body: any): { model: string; temperature?: number; maxTokens?: number } {
  if (family === 'ollama') return { model: body.model, temperature: body.options?.temperature, maxTokens: body.options?.num_predict };
  return { model: body.model, temperature: body.temperature, maxTokens: body.max_tokens ?? body.max_completion_tokens ?? body.max_output_tokens };
}

export async function checkRequests(accepted: string[], root: string): Promise<void> {
  const fakes: Record<Family, FakeServer> = { openai: await startFakeOpenAI(), anthropic: await startFakeAnthropic(), ollama: await startFakeOllama() };
  const scratch = mkdtempSync(join(tmpdir(), 'llmlab-corpus-requests-'));
  let configs = 0;
  let requests = 0;
  const mismatches: string[] = [];
  for (const file of accepted) {
    const config = parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    const raw = config.providers ?? config.targets;
    const entries = Array.isArray(raw) ? raw : [raw];
    const intents = entries.map(intentOf);
    if (intents.some((i) => i === undefined)) continue;
    configs += 1;
    for (const fake of Object.values(fakes)) fake.requests.length = 0;
    await main(['eval', file, '--first', '2', '--no-cache', '--db', join(scratch, `${configs}.db`)], {
      stdout: { write: () => undefined },
      stderr: { write: () => undefined },
      env: {
        CI: 'true',
        OPENAI_API_KEY: 'sk-corpus',
        OPENAI_BASE_URL: `${fakes.openai.url}/v1`,
        ANTHROPIC_API_KEY: 'sk-ant-corpus',
        ANTHROPIC_BASE_URL: fakes.anthropic.url,
        OLLAMA_HOST: fakes.ollama.url,
        PATH: process.env.PATH,
      },
      cwd: dirname(file),
    });
    const name = relative(root, file);
    for (const family of ['openai', 'anthropic', 'ollama'] as const) {
      const meant = intents.filter((i) => i!.family === family) as Intent[];
      // Judge calls (a forced tool) and embeddings go to the graders, which the config may name apart.
      const generation = fakes[family].requests.filter((r) => !/embed/.test(r.path) && r.body?.tool_choice?.type !== 'function' && r.body?.tool_choice?.type !== 'tool');
      for (const request of generation) {
        requests += 1;
        const got = sent(family, request.body);
        const match = meant.filter((m) => m.model === got.model);
        if (match.length === 0) {
          if (!isGrader(config, got.model)) mismatches.push(`${name}: ${family} request for model \`${got.model}\`, which no provider names`);
          continue;
        }
        const ok = match.some((m) => (m.temperature === undefined || m.temperature === got.temperature) && (m.maxTokens === undefined || m.maxTokens === got.maxTokens));
        if (!ok) mismatches.push(`${name}: ${got.model} sent temperature ${got.temperature}, max tokens ${got.maxTokens}; the config says ${JSON.stringify(match.map(({ temperature, maxTokens }) => ({ temperature, maxTokens })))}`);
      }
    }
  }
  await Promise.all(Object.values(fakes).map((f) => f.close()));
  rmSync(scratch, { recursive: true, force: true });
  console.log(`requests checked: ${requests} from ${configs} accepted configs (OpenAI, Anthropic, Ollama providers); ${mismatches.length} misread`);
  for (const line of mismatches) console.log(`  MISREAD ${line}`);
}

/** A model the config names as a grader (promptfoo's default, or an `options.provider`/assertion `provider`). */
function isGrader(config: Record<string, unknown>, model: string): boolean {
  return model === 'gpt-4.1-2025-04-14' || JSON.stringify(config).includes(model);
}
