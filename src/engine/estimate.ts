/**
 * Token estimates before a call, for budget reservations and `llmlab plan`. OpenAI models are counted with
 * their real tokenizer (gpt-tokenizer: encodings ship inside the package, so it works offline); every other
 * model gets an approximation. The output side is an upper bound: the provider's `maxTokens`.
 */
import type { ResolvedProvider } from '../config/types.js';
import type { ChatMessage, Provider } from '../types.js';
import { costOf, suitePrice, type ModelPrice, type PriceTable } from '../providers/prices.js';

/**
 * The price of a provider's calls: a tuned model's by its placeholder entry (its base's tuned prices: the trained
 * model's id was unknown when the suite's prices were resolved), any other by its instance's model.
 */
export function providerPrice(prices: PriceTable | undefined, resolved: ResolvedProvider, provider: Pick<Provider, 'type' | 'model'>): ModelPrice | undefined {
  const { type, model } = resolved.finetune ? resolved : provider;
  return suitePrice(prices, type, model);
}

/**
 * Characters per token for models without a tokenizer here (Anthropic, Ollama, offline providers). English
 * prose runs at about 4; code and other scripts use more tokens per character, so for those the estimate is low.
 */
export const CHARS_PER_TOKEN = 4;
/**
 * Output tokens assumed per call when a provider sets no `maxTokens`. Not a bound the API enforces: set
 * `maxTokens` to make a budget's worst case a real worst case.
 */
export const ASSUMED_OUTPUT_TOKENS = 256;
/** What the anthropic adapter sends as max_tokens when `maxTokens` is unset (src/providers/anthropic.ts). */
const ANTHROPIC_DEFAULT_MAX_TOKENS = 1024;
/**
 * Chat formatting around each message (role markers) and the reply's priming, in tokens, as OpenAI documents
 * for its chat models; used for the approximation too.
 */
const TOKENS_PER_MESSAGE = 4;
const TOKENS_PER_REPLY = 3;

/** Counts the input tokens of one request. */
export type InputCounter = (messages: readonly ChatMessage[]) => number;

/** How an input count was made, for `llmlab plan`. */
export type CountMethod = 'tokenizer' | 'approximate';

type Encoding = 'o200k_base' | 'cl100k_base';
const encoders = new Map<Encoding, Promise<(text: string) => number>>();

/** The tokenizer encoding of an OpenAI model, or undefined for models it does not cover. */
export function encodingOf(type: string, model: string): Encoding | undefined {
  if (type !== 'openai') return undefined;
  if (/^(gpt-4o|gpt-4\.1|gpt-4\.5|gpt-5|o\d|chatgpt-|gpt-oss)/.test(model)) return 'o200k_base';
  if (/^(gpt-4|gpt-3\.5|text-embedding-)/.test(model)) return 'cl100k_base';
  // Other models behind an OpenAI-compatible API (vLLM, LM Studio, ...) have their own tokenizers.
  return undefined;
}

/** Loads the counter for a provider's model: the real tokenizer when there is one (imported lazily: it is large). */
export async function loadInputCounter(type: string, model: string): Promise<{ count: InputCounter; method: CountMethod }> {
  const encoding = encodingOf(type, model);
  if (!encoding) return { count: approximateInput, method: 'approximate' };
  const tokens = await encoderFor(encoding);
  return {
    method: 'tokenizer',
    count: (messages) => messages.reduce((n, m) => n + TOKENS_PER_MESSAGE + tokens(m.content), TOKENS_PER_REPLY),
  };
}

/** Tokens of a plain text in a model's encoding (fine-tune data): the tokenizer when there is one, else the approximation. */
export async function loadTextCounter(type: string, model: string): Promise<(text: string) => number> {
  const encoding = encodingOf(type, model);
  return encoding ? encoderFor(encoding) : (text) => Math.ceil(text.length / CHARS_PER_TOKEN);
}

/** The approximation: {@link CHARS_PER_TOKEN} characters per token plus the chat formatting. */
export function approximateInput(messages: readonly ChatMessage[]): number {
  return messages.reduce((n, m) => n + TOKENS_PER_MESSAGE + Math.ceil(m.content.length / CHARS_PER_TOKEN), TOKENS_PER_REPLY);
}

function encoderFor(encoding: Encoding): Promise<(text: string) => number> {
  let loading = encoders.get(encoding);
  if (!loading) {
    const module = encoding === 'o200k_base' ? import('gpt-tokenizer/encoding/o200k_base') : import('gpt-tokenizer/encoding/cl100k_base');
    loading = module.then(({ encode }) => (text: string) => {
      try {
        // Text that spells a special token (`<|endoftext|>`) is plain text in a prompt, not a control token.
        return encode(text, { disallowedSpecial: new Set() }).length;
      } catch {
        return Math.ceil(text.length / CHARS_PER_TOKEN);
      }
    });
    encoders.set(encoding, loading);
  }
  return loading;
}

/**
 * Upper bound of one call's output tokens: the provider's `maxTokens`, else what its adapter sends by default
 * (anthropic), else {@link ASSUMED_OUTPUT_TOKENS}.
 */
export function outputBound(provider: { type: string; config: Record<string, unknown> }): { tokens: number; assumed: boolean } {
  // The spellings adapters accept for the same bound: Bedrock's `max_tokens`, Gemini's `maxOutputTokens`.
  const max = provider.config['maxTokens'] ?? provider.config['max_tokens'] ?? provider.config['maxOutputTokens'];
  if (typeof max === 'number' && max > 0) return { tokens: max, assumed: false };
  if (provider.type === 'anthropic') return { tokens: ANTHROPIC_DEFAULT_MAX_TOKENS, assumed: false };
  return { tokens: ASSUMED_OUTPUT_TOKENS, assumed: true };
}

/** USD of a call at its worst: every input token at the full input price, and `outputTokens` of output. */
export function worstCaseCost(price: ModelPrice | undefined, inputTokens: number, outputTokens: number): number {
  return costOf(price, { input: inputTokens, output: outputTokens, total: inputTokens + outputTokens });
}
