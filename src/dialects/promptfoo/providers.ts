/**
 * promptfoo provider entries → llmlab providers: `{ id, label, config }`, `file://provider.yaml`, and config keys
 * in promptfoo's spelling (`max_tokens`, `apiHost`, `apiKeyEnvar`). Ids pass through as written: promptfoo's API
 * infixes (`openai:chat:gpt-4o-mini`) are read by the providers themselves (src/providers/provider-infixes.ts),
 * which accept the APIs llmlab calls and reject the others with a hint, so the dialect and a native suite read an
 * id the same way. Only ids no llmlab provider could take (Python, promptfoo's HTTP provider) stop here.
 */

import { child, fileRef, isRecord, Translator } from './context.js';
import type { Here } from './context.js';
import { readDoc, readText } from './read.js';
import { normalizeTools, normalizeToolChoice } from './tools.js';
import type { PathSegment } from './types.js';

/** promptfoo ids llmlab cannot run, with what to do instead. */
const REFUSED: Array<{ prefix: string; hint: string }> = [
  { prefix: 'python:', hint: 'llmlab runs providers in other languages through `exec:<command>`' },
  { prefix: 'file://', hint: 'only JavaScript/TypeScript provider modules and provider YAML files translate' },
  { prefix: 'http:', hint: 'promptfoo\'s HTTP provider config does not translate: write an llmlab `http:<url>` provider (docs/providers.md)' },
  { prefix: 'https:', hint: 'promptfoo\'s HTTP provider config does not translate: write an llmlab `http:<url>` provider (docs/providers.md)' },
];

/** promptfoo config keys → llmlab's (snake_case and promptfoo's own names). */
const CONFIG_KEYS: Record<string, string> = {
  max_tokens: 'maxTokens',
  top_p: 'topP',
  top_k: 'topK',
  presence_penalty: 'presencePenalty',
  frequency_penalty: 'frequencyPenalty',
  response_format: 'responseFormat',
  tool_choice: 'toolChoice',
  num_ctx: 'numCtx',
  keep_alive: 'keepAlive',
  apiBaseUrl: 'baseUrl',
  apiKeyEnvar: 'apiKeyEnv',
  stop_sequences: 'stop',
};

const LIMITS = ['concurrency', 'rpm', 'tpm', 'timeoutMs', 'maxRetries', 'maxResponseBytes'];

/**
 * Per provider family: the llmlab config keys it takes, and where a parameter it has no key for goes — the
 * request body as written (`extraBody`; Bedrock's `additionalModelRequestFields`), announced with a notice. A
 * family without a `rest` (Ollama) makes an unknown key the provider's own schema error.
 */
const FAMILIES: Array<{ ids: RegExp; keys: Set<string>; rest?: string }> = [
  {
    ids: /^(openai|openrouter|groq|mistral|togetherai|deepseek|xai|perplexity|fireworks|cerebras|lmstudio|vllm|llamacpp):/,
    keys: new Set([...LIMITS, 'baseUrl', 'apiKeyEnv', 'organization', 'temperature', 'maxTokens', 'topP', 'stop', 'seed', 'presencePenalty', 'frequencyPenalty', 'responseFormat', 'stream', 'api', 'headers', 'tools', 'toolChoice', 'extraBody']),
    rest: 'extraBody',
  },
  {
    ids: /^azure:/,
    keys: new Set([...LIMITS, 'apiHost', 'endpoint', 'baseUrl', 'apiVersion', 'model', 'apiKeyEnv', 'temperature', 'maxTokens', 'topP', 'stop', 'seed', 'presencePenalty', 'frequencyPenalty', 'responseFormat', 'stream', 'headers', 'tools', 'toolChoice', 'extraBody']),
    rest: 'extraBody',
  },
  {
    ids: /^anthropic:/,
    keys: new Set([...LIMITS, 'baseUrl', 'apiKeyEnv', 'temperature', 'maxTokens', 'topP', 'topK', 'stop', 'stream', 'headers', 'tools', 'toolChoice', 'extraBody']),
    rest: 'extraBody',
  },
  {
    ids: /^(google|vertex):/,
    keys: new Set([...LIMITS, 'baseUrl', 'apiBaseUrl', 'apiHost', 'apiKeyEnv', 'temperature', 'maxTokens', 'maxOutputTokens', 'topP', 'topK', 'stop', 'stopSequences', 'seed', 'presencePenalty', 'frequencyPenalty', 'responseMimeType', 'responseSchema', 'systemInstruction', 'generationConfig', 'safetySettings', 'toolConfig', 'tools', 'toolChoice', 'stream', 'headers', 'apiVersion', 'taskType', 'outputDimensionality', 'extraBody', 'projectId', 'project', 'region', 'location', 'keyFile', 'keyFilename']),
    rest: 'extraBody',
  },
  {
    ids: /^bedrock:/,
    keys: new Set([...LIMITS, 'region', 'endpoint', 'profile', 'accessKeyId', 'secretAccessKey', 'sessionToken', 'maxTokens', 'temperature', 'topP', 'stopSequences', 'additionalModelRequestFields', 'tools', 'toolChoice']),
    rest: 'additionalModelRequestFields',
  },
];

/** Keys promptfoo reads for its own display, which change nothing in the request. */
const DISPLAY_ONLY = new Set(['showThinking']);

/** Translates `providers` or `targets` (a list, one entry, or a `file://` reference) into `providers`. */
export async function translateProviders(t: Translator, value: unknown, here: Here): Promise<unknown[]> {
  const entries = Array.isArray(value) ? value.map((entry, i) => ({ entry, at: child(here, i) })) : [{ entry: value, at: here }];
  const out: unknown[] = [];
  for (const { entry, at } of entries) {
    const ref = fileRef(entry);
    if (ref !== undefined && /\.ya?ml$|\.json$/i.test(ref)) {
      const doc = await readDoc(t, at, t.resolvePath(at.doc, ref));
      if (!doc) continue;
      const inner = Array.isArray(doc.value) ? doc.value : [doc.value];
      inner.forEach((item, i) => {
        const from = { doc, path: Array.isArray(doc.value) ? [i] : [] };
        const translated = translateProvider(t, item, from, ['providers', out.length]);
        if (translated !== undefined) out.push(translated);
      });
      continue;
    }
    const loaded = isRecord(entry) && isRecord(entry.config) ? { ...entry, config: await loadConfigFiles(t, entry.config, child(at, 'config')) } : entry;
    const translated = translateProvider(t, loaded, at, ['providers', out.length]);
    if (translated !== undefined) out.push(translated);
  }
  labelDuplicates(t, out, here);
  return out;
}

/**
 * promptfoo runs the same id twice (two configs of one model) with no labels; llmlab names providers by label in
 * reports and comparisons, so the second and later ones get `<id> #2`, … (announced), never a silent merge.
 */
function labelDuplicates(t: Translator, providers: unknown[], here: Here): void {
  const labelOf = (p: unknown) => (typeof p === 'string' ? p : isRecord(p) ? String(p.label ?? p.id) : '');
  const seen = new Map<string, number>();
  providers.forEach((p, i) => {
    const label = labelOf(p);
    const count = (seen.get(label) ?? 0) + 1;
    seen.set(label, count);
    if (count === 1 || (isRecord(p) && p.label !== undefined)) return;
    const named = `${label} #${count}`;
    providers[i] = typeof p === 'string' ? { id: p, label: named } : { ...(p as Record<string, unknown>), label: named };
    t.notice(child(here, i), `providers[${i}] is labelled \`${named}\`: \`${label}\` appears more than once`);
  });
}

/**
 * `file://` values of a provider's config loaded as promptfoo loads them: JSON and YAML parsed (a
 * `response_format` schema), other files as text (a system instruction). Code files stay references, which
 * translateConfig refuses; `tools` stays a reference, which prompts read themselves.
 */
async function loadConfigFiles(t: Translator, config: Record<string, unknown>, here: Here): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    const ref = fileRef(value);
    if (ref === undefined || /\.(m?[jt]s|cjs|py)(:\w+)?$/i.test(ref)) {
      out[key] = value;
      continue;
    }
    const at = child(here, key);
    const file = t.resolvePath(at.doc, ref);
    out[key] = /\.(json|ya?ml)$/i.test(ref) ? (await readDoc(t, at, file))?.value : await readText(t, at, file, 'provider config file');
  }
  return out;
}

/**
 * An embedder's id without promptfoo's embeddings infix: `openai:embedding:text-embedding-3-large` is what
 * llmlab writes `openai:text-embedding-3-large` (the providers reject the infix where a chat model is needed).
 */
export function embedderId(id: string): string {
  return id.replace(/^([a-z]+):embeddings?:/, '$1:');
}

/** One provider; `to` is its translated path. Undefined when it cannot be translated (a problem is recorded). */
export function translateProvider(t: Translator, entry: unknown, here: Here, to: PathSegment[]): unknown {
  t.map(to, here);
  if (typeof entry === 'string') {
    const id = translateId(t, entry, here);
    if (id === undefined) return undefined;
    return id.config ? { id: id.id, config: id.config } : id.id;
  }
  // promptfoo's map form: `- openai:gpt-4o-mini: { config: {…} }`.
  if (isRecord(entry) && !('id' in entry) && Object.keys(entry).length === 1) {
    const [id, body] = Object.entries(entry)[0]!;
    if (isRecord(body)) return translateProvider(t, { id, ...body }, child(here, id), to);
  }
  if (!isRecord(entry) || typeof entry.id !== 'string') {
    t.problem(here, 'a promptfoo provider must be an id string or an object with `id`', 'e.g. `openai:gpt-4o-mini` or `{ id: openai:gpt-4o-mini, config: { temperature: 0 } }`');
    return undefined;
  }
  const out: Record<string, unknown> = {};
  const id = translateId(t, entry.id, child(here, 'id'));
  if (id === undefined) return undefined;
  out.id = id.id;
  t.map([...to, 'id'], child(here, 'id'));
  for (const [key, value] of Object.entries(entry)) {
    const at = child(here, key);
    if (key === 'id' || key === 'config') continue;
    if (key === 'label') {
      out.label = value;
      t.map([...to, 'label'], at);
    } else if (key === 'delay') {
      t.skip(at, 'per-provider delay is not translated: set `config.rpm` to limit the request rate');
    } else if (key === 'transform' || key === 'prompts' || key === 'env') {
      t.problem(at, `provider \`${key}\` does not translate to llmlab`, key === 'env'
        ? 'set the variables in your environment; llmlab never stores environment values in a suite'
        : key === 'prompts'
          ? 'llmlab runs every prompt against every provider: split the suite in two to pair prompts with providers'
          : 'use an assertion `transform` (docs/assertions.md), or a `file:` provider that post-processes the output', { key: true });
      return undefined;
    } else {
      t.problem(at, `unknown provider key \`${key}\``, 'a promptfoo provider has `id`, `label` and `config`', { key: true });
      return undefined;
    }
  }
  const config = { ...id.config, ...translateConfig(t, entry.config, child(here, 'config'), [...to, 'config'], out.id as string) };
  if (Object.keys(config).length > 0) out.config = config;
  return out;
}

/** A promptfoo provider id → llmlab's, with any config the infix implies. */
function translateId(t: Translator, id: string, at: Here): { id: string; config?: Record<string, unknown> } | undefined {
  const ref = fileRef(id);
  if (ref !== undefined && /\.(m?[jt]s|cjs)$/i.test(ref)) return { id: `file:${ref}` };
  for (const refused of REFUSED) {
    if (id.startsWith(refused.prefix)) {
      t.problem(at, `promptfoo provider \`${id}\` does not translate to llmlab`, refused.hint);
      return undefined;
    }
  }
  return { id };
}

/** Config keys renamed to llmlab's; unknown parameters of OpenAI-style providers go to `extraBody`. */
function translateConfig(t: Translator, config: unknown, here: Here, to: PathSegment[], id: string): Record<string, unknown> {
  if (config === undefined || config === null) return {};
  t.map(to, here);
  if (!isRecord(config)) {
    t.problem(here, 'provider `config` must be a mapping', 'e.g. `config: { temperature: 0 }`');
    return {};
  }
  const out: Record<string, unknown> = {};
  const extra: Record<string, unknown> = {};
  const family = FAMILIES.find((f) => f.ids.test(id));
  for (const [key, raw] of Object.entries(config)) {
    const at = child(here, key);
    let value = raw;
    if (key === 'tools') {
      const tools = normalizeTools(t, value, at, id);
      if (tools === undefined) continue;
      // Functions move to the prompts (moveTools); Gemini's built-in tools stay with its provider.
      out.tools = [...tools.functions, ...tools.native];
      t.map([...to, 'tools'], at);
      continue;
    }
    if (key === 'tool_choice' || key === 'toolChoice') {
      const choice = normalizeToolChoice(t, value, at);
      if (choice !== undefined) out.toolChoice = choice;
      t.map([...to, 'toolChoice'], at);
      continue;
    }
    if (fileRef(value) !== undefined) {
      t.problem(at, `\`file://\` in provider config \`${key}\` is not loaded by llmlab`, 'write the value inline in the config');
      continue;
    }
    if (key === 'apiKey') {
      t.problem(at, 'an API key written in the config does not translate', 'put the key in an environment variable and name it with `apiKeyEnvar` (llmlab: `apiKeyEnv`)', { key: true });
      continue;
    }
    let name = CONFIG_KEYS[key] ?? key;
    if (key === 'apiHost' && family?.rest === 'extraBody' && !/^(azure|google|vertex|anthropic):/.test(id)) {
      name = 'baseUrl';
      value = `https://${String(raw).replace(/^https?:\/\//, '').replace(/\/+$/, '')}/v1`;
      t.notice(at, `apiHost \`${String(raw)}\` is baseUrl \`${String(value)}\``);
    }
    if (key === 'systemInstruction' && isRecord(raw) && Array.isArray(raw.parts)) {
      // Gemini's Content form `{ parts: [{ text }] }` of the same instruction llmlab takes as text.
      value = raw.parts.map((part) => (isRecord(part) && typeof part.text === 'string' ? part.text : '')).join('\n');
    }
    if (DISPLAY_ONLY.has(key)) {
      t.notice(at, `\`${key}\` ignored (it only changes promptfoo's display)`);
      continue;
    }
    if (/^bedrock:/.test(id) && (key === 'inferenceConfig' || key === 'max_gen_len' || key === 'max_new_tokens')) {
      Object.assign(out, bedrockNative(key, value));
      t.map([...to, 'maxTokens'], at);
      continue;
    }
    if (family?.rest && !family.keys.has(name)) {
      extra[key] = value;
      t.map([...to, family.rest, key], at);
      continue;
    }
    out[name] = value;
    t.map([...to, name], at);
  }
  if (family?.rest && Object.keys(extra).length > 0) {
    out[family.rest] = { ...(isRecord(out[family.rest]) ? (out[family.rest] as Record<string, unknown>) : {}), ...extra };
    t.notice(here, `${Object.keys(extra).map((k) => `\`${k}\``).join(', ')} sent as-is in the request body (${family.rest})`);
  }
  return out;
}

/**
 * promptfoo's Bedrock provider sends each model family's native InvokeModel body; llmlab calls Converse, whose
 * common fields carry the same settings: Nova's `inferenceConfig.max_new_tokens`, Llama's `max_gen_len`.
 */
function bedrockNative(key: string, value: unknown): Record<string, unknown> {
  if (key !== 'inferenceConfig') return typeof value === 'number' ? { maxTokens: value } : {};
  if (!isRecord(value)) return {};
  const topP = value.topP ?? value.top_p;
  const stop = value.stopSequences ?? value.stop_sequences;
  return Object.fromEntries(
    Object.entries({ maxTokens: value.max_new_tokens ?? value.maxTokens, temperature: value.temperature, topP, stopSequences: stop }).filter(([, v]) => v !== undefined),
  );
}
