/**
 * Media in model calls (images, audio): what a test's var, a prompt's content part and a provider's request hold.
 * Part of src/types.ts, which re-exports every part. Bytes never travel in these values: they live once in the
 * content-addressed media store (src/media/, `.llmlab/media/`), and a provider reads them while it builds one
 * request. DESIGN.md §12.
 */

/** What a media value is. */
export type MediaKind = 'image' | 'audio';

/**
 * A piece of media, as a var holds it (`image: file:img/cat.png` resolves to one) and as a request carries it. It
 * is plain JSON, so results, reports and the cache keep it as they keep any var.
 */
export interface MediaRef {
  /** The marker that tells media from an ordinary object var, and its kind. */
  $media: MediaKind;
  /**
   * sha256 (hex) of the bytes: with `mimeType`, the media's whole identity in cache keys, so renaming or moving a
   * file changes nothing. For a URL that is not downloaded, `url:` + the sha256 of the URL.
   */
  hash: string;
  /** `image/png`, `image/jpeg`, `image/gif`, `image/webp`, `audio/wav`, `audio/mpeg`: sniffed from the bytes. */
  mimeType: string;
  /** Size in bytes; 0 for a URL not downloaded. */
  bytes: number;
  /** Where it came from, for reports and errors: the path as written, the URL, or `data:`. Never in cache keys. */
  name: string;
  /** Absolute path of the stored bytes in the media store; absent for a URL not downloaded. Never in cache keys. */
  path?: string;
  /** An `https:` URL, sent as a URL to providers that take one (read and stored only for those that need bytes). */
  url?: string;
}

/** One part of a user message with media: text, or a piece of media, in the order the prompt places them. */
export type ContentPart = { type: 'text'; text: string } | { type: 'image'; media: MediaRef } | { type: 'audio'; media: MediaRef };

/** Per kind, what a provider accepts: the types and the largest size, so a suite fails before any call. */
export interface MediaLimits {
  image?: { mimeTypes: readonly string[]; maxBytes: number; urls: boolean };
  audio?: { mimeTypes: readonly string[]; maxBytes: number; urls: boolean };
}

/** True for a value that is a {@link MediaRef} (a var, a content part's value). */
export function isMediaRef(value: unknown): value is MediaRef {
  return typeof value === 'object' && value !== null && ((value as MediaRef).$media === 'image' || (value as MediaRef).$media === 'audio') && typeof (value as MediaRef).hash === 'string';
}

/** How text-only readers (logs, reports, text providers, judges without vision) see a piece of media. */
export function mediaPlaceholder(media: MediaRef): string {
  return `[${media.$media}: ${media.name}]`;
}

/** A part of a prompt's message as the suite writes it: each value a template (restates the suite schema). */
export type PromptContentPart = { type: 'text'; text: string } | { type: 'image'; image: string } | { type: 'audio'; audio: string };

/** A prompt's chat message as the suite writes it, before rendering: text, or parts in order (restates the suite schema). */
export interface PromptMessage {
  role: 'system' | 'user' | 'assistant';
  content: string | PromptContentPart[];
}

/**
 * Where a provider puts media it produced (image generation): the engine's media store. `put` hashes the bytes,
 * stores them once and returns their ref. Providers never import the store (plugins import only types).
 */
export interface MediaSink {
  put(bytes: Uint8Array, options: { mimeType?: string; name: string }): MediaRef;
}

/**
 * A `JSON.stringify` replacer that shows media as its placeholder (`[image: cat.png]`) instead of its ref: how
 * reports, the PR comment and the terminal print vars, so they name media without hashes and paths.
 */
export function mediaAsPlaceholder(_key: string, value: unknown): unknown {
  return isMediaRef(value) ? mediaPlaceholder(value) : value;
}
