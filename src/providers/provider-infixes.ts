/**
 * The API infixes promptfoo writes between a provider type and its model (`openai:chat:gpt-4o`,
 * `ollama:completion:llama3`) and what llmlab makes of each: the API llmlab calls anyway (accepted, the infix
 * dropped), an embeddings model (valid only as an `embedder:`), or an API llmlab does not call (an error that says
 * what to write instead), or another API of the same provider chosen by a config key (`openai:responses:X` is
 * `openai:X` with `config: { api: responses }`). One table read by the providers' `parseModel` and by the promptfoo dialect, so both read
 * an id the same way and no infix is ever sent on as part of a model name.
 */
import type { ParsedModel } from '../types.js';

/** What an infix means for its provider type. */
export type InfixMeaning =
  /** The API llmlab calls for this type anyway: `openai:chat:X` ≡ `openai:X`. */
  | { kind: 'same' }
  /** Another API of the provider, which these config values select: `openai:responses:X` ≡ `openai:X` + `api: responses`. */
  | { kind: 'config'; api: string; config: Record<string, unknown> }
  /** An embeddings model, which cannot answer prompts but can serve `similar` as `embedder: <type>:<model>`. */
  | { kind: 'embeddings' }
  /** An API llmlab does not call; `api` names it in messages. */
  | { kind: 'unsupported'; api: string; instead: (type: string, model: string) => string };

const chatInstead = (type: string, model: string): string => `llmlab calls the Chat Completions API: write \`${type}:${model}\``;

const geminiInstead = (type: string): string => `llmlab calls generateContent (text): write \`${type}:<gemini model>\``;

const bedrockInstead = (): string => 'llmlab calls the Converse API: write `bedrock:<model id>` with a chat model, e.g. `bedrock:us.amazon.nova-lite-v1:0`';

/** OpenAI's APIs, shared by openai and the OpenAI-compatible vendors (whose `api` option is openai's). */
const OPENAI_INFIXES: Record<string, InfixMeaning> = {
  chat: { kind: 'same' },
  responses: { kind: 'config', api: 'the Responses API', config: { api: 'responses' } },
  completion: {
    kind: 'unsupported',
    api: 'the legacy Completions API',
    instead: (type, model) =>
      type === 'openai'
        ? `write \`openai:${model}\` (chat), or add \`config: { api: completions }\` to it for the legacy Completions API`
        : chatInstead(type, model),
  },
  embedding: { kind: 'embeddings' },
  embeddings: { kind: 'embeddings' },
  assistant: { kind: 'unsupported', api: 'the Assistants API', instead: chatInstead },
  realtime: { kind: 'unsupported', api: 'the Realtime API', instead: chatInstead },
};

/** Infixes by provider type; a type not listed (exec, http, file, echo, mock) has none. */
const INFIXES: Record<string, Record<string, InfixMeaning>> = {
  openai: OPENAI_INFIXES,
  // Azure has no `api` option: its deployments are called through Chat Completions only.
  azure: { ...OPENAI_INFIXES, responses: { kind: 'unsupported', api: 'the Responses API', instead: chatInstead } },
  // Gemini (google: and vertex: share it): promptfoo's embedding ids, and the media APIs llmlab does not call.
  google: {
    chat: { kind: 'same' },
    embedding: { kind: 'embeddings' },
    embeddings: { kind: 'embeddings' },
    image: { kind: 'unsupported', api: 'image generation (Imagen)', instead: geminiInstead },
    video: { kind: 'unsupported', api: 'video generation (Veo)', instead: geminiInstead },
    live: { kind: 'unsupported', api: 'the Live API', instead: geminiInstead },
  },
  anthropic: {
    messages: { kind: 'same' },
    completion: {
      kind: 'unsupported',
      api: "Anthropic's retired Text Completions API",
      instead: (_type, model) => `llmlab calls the Messages API: write \`anthropic:${model}\``,
    },
  },
  ollama: {
    chat: { kind: 'same' },
    completion: {
      kind: 'unsupported',
      api: "Ollama's /api/generate",
      instead: (_type, model) => `llmlab calls Ollama's /api/chat: write \`ollama:${model}\``,
    },
    embed: { kind: 'embeddings' },
    embedding: { kind: 'embeddings' },
    embeddings: { kind: 'embeddings' },
  },
  // Bedrock: llmlab calls Converse for every model; the bedrock provider has no embed, so embeddings ids are
  // an API it does not call rather than an embedder.
  bedrock: {
    converse: { kind: 'same' },
    completion: { kind: 'unsupported', api: 'InvokeModel with a model-specific body', instead: bedrockInstead },
    embedding: { kind: 'unsupported', api: 'Bedrock embeddings', instead: bedrockInstead },
    embeddings: { kind: 'unsupported', api: 'Bedrock embeddings', instead: bedrockInstead },
    kb: { kind: 'unsupported', api: 'Bedrock Knowledge Bases', instead: bedrockInstead },
    agent: { kind: 'unsupported', api: 'Bedrock Agents', instead: bedrockInstead },
    agents: { kind: 'unsupported', api: 'Bedrock Agents', instead: bedrockInstead },
    'nova-sonic': { kind: 'unsupported', api: 'Nova Sonic speech streaming', instead: bedrockInstead },
  },
};

/**
 * Splits promptfoo's API infix off a model part: `promptfooInfix('openai', 'responses:gpt-4.1')` →
 * `{ model: 'gpt-4.1', infix: 'responses', meaning: { kind: 'unsupported', … } }`. A model part without a known
 * infix comes back whole with no `infix`. `types` that share OpenAI's APIs (the OpenAI-compatible vendors) pass
 * `openai` as `family`.
 */
export function promptfooInfix(
  type: string,
  model: string,
  family: string = type,
): { model: string; infix?: string; meaning?: InfixMeaning } {
  const colon = model.indexOf(':');
  if (colon <= 0) return { model };
  const infix = model.slice(0, colon);
  const table = INFIXES[family] ?? {};
  if (!Object.hasOwn(table, infix)) return { model };
  return { model: model.slice(colon + 1), infix, meaning: table[infix] };
}

/** How a provider type's model names may use `:`, beyond an infix. */
export interface ModelRules {
  /** Whose APIs the infixes are (see promptfooInfix); default the type itself. */
  family?: string;
  /** True when `model` (infix removed) is a valid name for this type. */
  colonsOk: (model: string, config: Record<string, unknown>) => boolean;
  /** What a valid model name looks like, for the error when `colonsOk` says no. */
  looksLike: string;
}

/** The `parseModel` answer for `type:model` under `rules` (see ProviderPlugin.parseModel). */
export function parseModelPart(type: string, written: string, config: Record<string, unknown>, rules: ModelRules): ParsedModel {
  const { model, infix, meaning } = promptfooInfix(type, written, rules.family);
  if (meaning?.kind === 'unsupported') {
    return { error: `\`${type}:${infix}:\` is ${meaning.api}, which llmlab does not call`, hint: meaning.instead(type, model) };
  }
  if (meaning?.kind === 'embeddings') {
    return {
      error: `\`${type}:${infix}:${model}\` names an embeddings model, which cannot answer prompts`,
      hint: `use it as \`embedder: ${type}:${model}\` (similar, answer-relevance); a provider or grader needs a chat model`,
    };
  }
  if (model === '') {
    return { error: `\`${type}:${written}\` has no model name`, hint: `write \`${type}:<model>\`, e.g. ${rules.looksLike}` };
  }
  if (meaning?.kind === 'config') {
    const clash = Object.keys(meaning.config).find((key) => config[key] !== undefined && config[key] !== meaning.config[key]);
    if (clash !== undefined) {
      return {
        error: `\`${type}:${infix}:\` calls ${meaning.api}, but config.${clash} is \`${String(config[clash])}\``,
        hint: `remove config.${clash}, or write \`${type}:${model}\` to keep it`,
      };
    }
  }
  if (model.includes(':') && !rules.colonsOk(model, config)) {
    return {
      error: `the model name \`${model}\` in \`${type}:${written}\` has a \`:\` that ${type} model names do not have`,
      hint: `${type} models look like ${rules.looksLike}; a promptfoo API infix is one of ${Object.keys(INFIXES[rules.family ?? type] ?? {}).map((i) => `\`${i}:\``).join(', ')}`,
    };
  }
  return meaning?.kind === 'config' ? { model, config: meaning.config } : { model };
}

/** OpenAI (and Azure and vendor) fine-tunes: `ft:gpt-4o-mini-2024-07-18:my-org::abc123`. */
export function isFineTune(model: string): boolean {
  return model.startsWith('ft:');
}
