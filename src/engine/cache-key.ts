/**
 * Content-derived keys. A response key hashes everything that can change a model's answer, so the same key
 * means the same cached answer on any machine; a cell id hashes the cell's coordinates in the suite, so shards
 * and resumed runs agree on identity without counters.
 */
import { createHash } from 'node:crypto';
import { isMediaRef, mediaPlaceholder } from '../types.js';
import type { ChatMessage, MediaRef, ToolChoice, ToolDefinition } from '../types.js';

const KEY_VERSION = 1;

/** Key of one model call in the response cache. */
export function responseKey(input: {
  providerType: string;
  identity: Record<string, unknown>;
  messages: ChatMessage[];
  prompt: string;
  vars: Record<string, unknown>;
  repeatIndex: number;
  /** Providers that read vars themselves (http, exec, file) make vars part of the request. */
  varsMatter: boolean;
  /** Loglikelihood requests score these instead of generating: a different answer for the same prompt. */
  continuations?: string[];
  /** The functions the model may call, and whether it must: they change the answer. */
  tools?: ToolDefinition[];
  toolChoice?: ToolChoice;
  /** Token log-probabilities asked for: the cached answer must carry them. */
  logprobs?: boolean;
}): string {
  const hash = createHash('sha256');
  hash.update(`${KEY_VERSION}\u0000${input.providerType}\u0000${identityJson(input.identity)}\u0000`);
  const media = input.messages.some((m) => m.parts !== undefined);
  // Without media the messages hash as they always did, so every earlier key stays valid.
  hash.update(media ? JSON.stringify(input.messages.map(keyedMessage)) : JSON.stringify(input.messages));
  hash.update(`\u0000${media ? keyedPrompt(input.prompt, input.messages) : input.prompt}\u0000${input.repeatIndex}\u0000`);
  if (input.varsMatter) hash.update(stableStringify(keyedVars(input.vars)));
  if (input.continuations) hash.update(`\u0000continuations\u0000${JSON.stringify(input.continuations)}`);
  // Left out entirely when unset, so a request without tools keeps the key it always had.
  if (input.tools) hash.update(`\u0000tools\u0000${identityJson(input.tools)}`);
  if (input.toolChoice !== undefined) hash.update(`\u0000toolChoice\u0000${stableStringify(input.toolChoice)}`);
  if (input.logprobs) hash.update('\u0000logprobs');
  return hash.digest('hex');
}

/**
 * Key of one judge call: like a generation call's, plus the structured-answer schema and the judge round, so
 * each round of graderRepeat is its own cached answer and a changed rubric (it is in the messages) a new one.
 */
export function judgeKey(input: Parameters<typeof responseKey>[0] & { structured?: unknown }): string {
  const hash = createHash('sha256');
  hash.update(`${KEY_VERSION}\u0000judge\u0000${responseKey(input)}\u0000`);
  hash.update(input.structured === undefined ? '' : stableStringify(input.structured));
  return hash.digest('hex');
}

/**
 * A piece of media as keys see it: its bytes' identity, never its name or where the store keeps it, so renaming
 * a file or moving the media folder keeps every key, and different bytes under the same name change it.
 */
function keyedMedia(ref: MediaRef): { kind: string; hash: string; mimeType: string } {
  return { kind: ref.$media, hash: ref.hash, mimeType: ref.mimeType };
}

/** A message with parts is keyed by its parts alone: its `content` repeats them with the media's names. */
function keyedMessage(message: ChatMessage): unknown {
  if (!message.parts) return message;
  return {
    role: message.role,
    parts: message.parts.map((part) => (part.type === 'text' ? part : { type: part.type, media: keyedMedia(part.media) })),
  };
}

/** The one-string prompt with each media placeholder (which holds the name) replaced by the media's hash. */
function keyedPrompt(prompt: string, messages: ChatMessage[]): string {
  let keyed = prompt;
  for (const message of messages) {
    for (const part of message.parts ?? []) {
      if (part.type !== 'text') keyed = keyed.split(mediaPlaceholder(part.media)).join(`[${part.media.$media}: ${part.media.hash}]`);
    }
  }
  return keyed;
}

/** Vars with every MediaRef reduced to its identity; the same object when none holds media (keys unchanged). */
function keyedVars(value: Record<string, unknown>): Record<string, unknown> {
  return holdsMedia(value) ? (reduce(value) as Record<string, unknown>) : value;
}

function holdsMedia(value: unknown): boolean {
  if (isMediaRef(value)) return true;
  if (Array.isArray(value)) return value.some(holdsMedia);
  return value !== null && typeof value === 'object' && Object.values(value).some(holdsMedia);
}

function reduce(value: unknown): unknown {
  if (isMediaRef(value)) return { $media: keyedMedia(value) };
  if (Array.isArray(value)) return value.map(reduce);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, reduce(v)]));
  return value;
}

/** Key of one embeddings call: the embedder and the texts, in order. */
export function embedKey(input: { providerType: string; identity: Record<string, unknown>; texts: string[] }): string {
  const hash = createHash('sha256');
  hash.update(`${KEY_VERSION}\u0000embed\u0000${input.providerType}\u0000${identityJson(input.identity)}\u0000`);
  hash.update(JSON.stringify(input.texts));
  return hash.digest('hex');
}

/** A provider's identity (and a prompt's tools) is the same object for every cell: serialise it once. */
const identityCache = new WeakMap<object, string>();
function identityJson(identity: object): string {
  let json = identityCache.get(identity);
  if (json === undefined) {
    json = stableStringify(identity);
    identityCache.set(identity, json);
  }
  return json;
}

/** Id of one cell: (provider label, prompt id, test id, repeat index). */
export function cellId(providerLabel: string, promptId: string, testId: string, repeatIndex: number): string {
  return sha256(JSON.stringify([providerLabel, promptId, testId, repeatIndex])).slice(0, 24);
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** JSON with object keys sorted, so `{a, b}` and `{b, a}` hash alike. */
export function stableStringify(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const sorted: Record<string, unknown> = {};
      for (const k of Object.keys(v).sort()) sorted[k] = (v as Record<string, unknown>)[k];
      return sorted;
    }
    return v;
  });
}
