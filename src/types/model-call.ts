/** What a model call sends and returns, and the provider plugin contract. Part of src/types.ts, which re-exports every part. */

import type { ContentPart, MediaLimits, MediaRef, MediaSink } from './media.js';

/** A JSON Schema object (2020-12), as used for plugin options. */
export type JsonSchema = Record<string, unknown>;

/** One chat message. */
export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  /** The text; with media, the parts' text with each piece of media as its placeholder (`[image: cat.png]`). */
  content: string;
  /**
   * Set when the message holds media: text and media in order. Providers that accept media send these instead of
   * `content`; a text-only provider refuses a request with media (src/engine checks that before any call).
   */
  parts?: ContentPart[];
}

/** Token counts of one call. */
export interface TokenUsage {
  input: number;
  output: number;
  total: number;
  /** Input tokens the provider served from its own prompt cache, when it says so. */
  cachedInput?: number;
}

/** What a provider is asked to do: one model call. */
export interface GenerateRequest {
  /** The rendered prompt as chat messages (a plain template becomes one user message). */
  messages: ChatMessage[];
  /** The rendered prompt as one string, for text-in/text-out providers (exec, http, echo). */
  prompt: string;
  /** The test's variables, for providers that template their own request (http). */
  vars: Record<string, unknown>;
  /** 0-based repeat index; distinct repeats are distinct calls even at temperature 0. */
  repeatIndex: number;
  /**
   * Ask for one JSON object matching `schema` instead of free text (a judge's verdict): a forced tool call on
   * openai and anthropic, `format` on ollama. The result's `output` is then the object's JSON text. Providers
   * that cannot do this ignore it, and whoever asked fails to parse the answer.
   */
  structured?: StructuredOutput;
  /**
   * Loglikelihood protocol (multiple-choice benchmarks): score each of these continuations of `prompt` instead of
   * generating. Only providers with `scoresContinuations` accept it; their `output` is then
   * {@link ContinuationScores} as JSON, so the answer caches and reports like any other.
   */
  continuations?: string[];
  /**
   * Functions the model may call, in OpenAI's function-tool format (declared on the prompt as `tools:`).
   * Providers translate them to their own API (Anthropic tools, Gemini function declarations, Bedrock toolSpec,
   * Ollama tools); the calls the model makes come back in {@link GenerateResult.toolCalls}.
   */
  tools?: ToolDefinition[];
  /** Whether and which tool the model must call (OpenAI's `tool_choice` words); unset = the API's default (auto). */
  toolChoice?: ToolChoice;
  /**
   * Return the log-probability of each output token in {@link GenerateResult.logprobs}. The engine sets it when
   * one of the test's assertions reads them (`perplexity`); it is part of the response-cache key. Providers that
   * cannot return them ignore it, and the assertion that needed them is then an error.
   */
  logprobs?: boolean;
}

/** One function the model may call, in OpenAI's function-tool format. */
export interface ToolDefinition {
  type: 'function';
  function: {
    /** Letters, digits, `_` and `-`. */
    name: string;
    description?: string;
    /** JSON Schema of the arguments object. */
    parameters?: JsonSchema;
    strict?: boolean;
  };
}

/** `auto`: the model decides; `none`: no calls; `required`: at least one call; `{ name }`: exactly that function. */
export type ToolChoice = 'auto' | 'none' | 'required' | { name: string };

/** One tool call a model made, normalised across providers. */
export interface ToolCall {
  /** The provider's call id, when it gives one. */
  id?: string;
  /** The function's name. */
  name: string;
  /**
   * The arguments as the model wrote them: JSON text. Kept as text because a model can write invalid JSON, and
   * `is-valid-openai-tools-call` must be able to say so. Providers whose APIs return an object serialise it.
   */
  arguments: string;
}

/** A loglikelihood answer (the `output` of a `continuations` request, as JSON): one entry per continuation, in order. */
export interface ContinuationScores {
  scores: Array<{
    /** Sum of the continuation's token log-probabilities given the prompt. */
    logprob: number;
    /** True when every continuation token was the model's most likely token. */
    greedy?: boolean;
    /** Tokens in the continuation. */
    tokens?: number;
  }>;
}

/** A JSON object the model must answer with, described as a tool/function the model is made to call. */
export interface StructuredOutput {
  /** Tool (function) name: letters, digits, `_` and `-`. */
  name: string;
  description?: string;
  /** JSON Schema of the object (type object). */
  schema: JsonSchema;
}

/** The answer of one embeddings call: one vector per input text, in input order. */
export interface EmbedResult {
  embeddings: number[][];
  usage?: TokenUsage;
  /** USD. */
  cost?: number;
}

/** Per-call context from the executor. */
export interface GenerateContext {
  /** Aborted on timeout or when the run is cancelled; pass it to the SDK. */
  signal: AbortSignal;
  /** The run's media store, for providers that produce media (image generation); absent where there is none. */
  media?: MediaSink;
}

/** The answer of one model call. The engine fills `latencyMs` and `cost` when the provider leaves them out. */
export interface GenerateResult {
  output: string;
  usage?: TokenUsage;
  /** Normalised: `stop`, `length`, `tool_calls`, `content_filter`, or the provider's own word. */
  finishReason?: string;
  latencyMs?: number;
  /** USD. */
  cost?: number;
  /** The model that answered, when the API reports it. */
  model?: string;
  /** The provider's raw response body (kept small; never includes request headers). */
  raw?: unknown;
  /**
   * The tool calls the model made, in order, when the request declared `tools`. `output` stays the text part of
   * the answer (often empty when the model only called tools).
   */
  toolCalls?: ToolCall[];
  /** Media the model produced (an image generation provider), already in the media store; `output` names them. */
  media?: MediaRef[];
  /**
   * The natural-log probability of each generated token, in order, when the request asked for `logprobs` and the
   * provider returns them (openai chat, ollama).
   */
  logprobs?: number[];
}

/** A live provider instance for one `providers:` entry. */
export interface Provider {
  /** The id as written in the suite, e.g. `openai:gpt-4o-mini`. */
  readonly id: string;
  /** Registry id (`openai`). */
  readonly type: string;
  readonly model: string;
  /**
   * Everything besides the request that can change the answer: base URL, model, parameters. Goes into the
   * cache key. Never includes API keys.
   */
  readonly identity: Record<string, unknown>;
  generate(request: GenerateRequest, context: GenerateContext): Promise<GenerateResult>;
  /** Embeds texts (optional capability: `similar`, `answer-relevance`). */
  embed?(texts: string[], context: GenerateContext): Promise<EmbedResult>;
  /** True when `generate` can score `continuations` from token log-probabilities (loglikelihood protocol). */
  readonly scoresContinuations?: boolean;
  /** The media this provider accepts in requests; absent = text only (a request with media is refused before any call). */
  readonly media?: MediaLimits;
  /**
   * Streams the answer as it is generated (optional capability; the gateway passes it through to its clients).
   * Yields text deltas in order, then exactly one `done` part whose result is what `generate` would have returned
   * for the same request (the whole output, usage, finish reason, tool calls). A failure before the first delta
   * throws like `generate` (retryable errors as ProviderError); one after it throws too, and the caller must not
   * present the partial text as a whole answer. `structured` and `continuations` requests are never streamed.
   */
  stream?(request: GenerateRequest, context: GenerateContext): AsyncIterable<StreamPart>;
}

/** One part of a streamed answer: see {@link Provider.stream}. */
export type StreamPart = { type: 'delta'; text: string } | { type: 'done'; result: GenerateResult };

/** A `providers:` entry after resolution, handed to a provider plugin's `create`. */
export interface ProviderSpec {
  /** As written, e.g. `openai:gpt-4o-mini`, `exec:python bot.py`, `file:./my-provider.ts`. */
  id: string;
  /** Registry id: the part before the first `:` (`echo` and `mock` have no model part). */
  type: string;
  /** The part after the first `:`, or '' when there is none. */
  model: string;
  /** Display name in reports; defaults to `id`. */
  label: string;
  /** The entry's `config:` map, validated by the plugin's optionsSchema. */
  config: Record<string, unknown>;
  /** Directory of the suite file, for resolving relative paths in config. */
  baseDir: string;
  /** Environment to read API keys and hosts from (process.env merged with .env). */
  env: Readonly<Record<string, string | undefined>>;
}

/** A provider plugin: one file under src/providers/, or a user module loaded with `file:`. */
export interface ProviderPlugin {
  /** Registry id = file name = the prefix users write in YAML. */
  id: string;
  /** JSON Schema of `config:`. */
  optionsSchema?: JsonSchema;
  /**
   * True when `generate` can return the output's token log-probabilities (`GenerateResult.logprobs`) for a request
   * that sets `logprobs`. A suite whose assertions need them (`perplexity`) is warned at load about the providers
   * without, whose assertions would otherwise first fail at grading.
   */
  logprobs?: boolean;
  /**
   * Checks the model part of an id before anything runs, so a misread id (`openai:chat:gpt-4o` sent as model
   * `chat:gpt-4o`) is a config error at its line instead of a wrong API call. Returns the model to call (an
   * accepted infix stripped), or why the id is wrong and what to write instead. `config` is the entry's
   * validated `config:` (some models are only valid with a base URL). Without it the model part is taken as is.
   * Read for built-in providers only: a `file:` provider's model part is its module path.
   */
  parseModel?(model: string, config: Record<string, unknown>): ParsedModel;
  create(spec: ProviderSpec): Provider | Promise<Provider>;
}

/** What {@link ProviderPlugin.parseModel} makes of a model part. */
export type ParsedModel =
  | {
      /** The model to call (ProviderSpec.model); the id as written stays the provider's id and label. */
      model: string;
      /**
       * The provider type and model whose price applies when this provider's own `type:model` has none (an Azure
       * deployment priced as the OpenAI model it serves).
       */
      pricedAs?: { type: string; model: string };
      /**
       * Config values the id implies, merged over the entry's `config:` (`openai:responses:X` → `{ api: 'responses' }`).
       * parseModel refuses an entry whose config says otherwise, so nothing written is overridden.
       */
      config?: Record<string, unknown>;
    }
  | {
      /** Why the id cannot be used, e.g. "llmlab does not call OpenAI's Responses API". */
      error: string;
      /** What to write instead. */
      hint: string;
    };

/** Authoring helper: returns its argument, typed. */
export function defineProvider(plugin: ProviderPlugin): ProviderPlugin {
  return plugin;
}
