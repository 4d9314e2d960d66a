/**
 * Media in rendered prompts. A var holding a MediaRef prints, inside any template, as a private marker that
 * rendering maps back to a media part at that position (the template helper: `Describe {{ image }}`); a content
 * part's value (`{type: image, image: "{{ image }}"}`) is the same marker, or a string `file:`, `https://` or
 * `data:` resolved through the run's media store. Bytes are never read here: a part carries the ref only.
 */
import { dirname, isAbsolute, resolve } from 'node:path';
import { isMediaRef, mediaPlaceholder, type ContentPart, type MediaKind, type MediaRef } from '../types.js';

/** What rendering needs of the media store (src/media): each call may hash and store a file, so it may be async. */
export interface PromptMediaSource {
  addFile(absPath: string, name: string): MediaRef | Promise<MediaRef>;
  addDataUri(uri: string, name: string): MediaRef | Promise<MediaRef>;
  urlRef(url: string, kind: MediaKind): MediaRef;
  addBytes(bytes: Uint8Array, options: { mimeType?: string; name: string }): MediaRef;
}

/**
 * Thrown by {@link PromptMedia.resolve} when a value's store call is still running; {@link preparePromptMedia}
 * awaits it and renders again. Never escapes a prepared plan.
 */
export class MediaPending extends Error {
  constructor(readonly pending: Promise<unknown>) {
    super('media not prepared: await preparePromptMedia(plan) before rendering');
  }
}

/**
 * Part values resolved to refs, memoized per run: rendering stays synchronous (a cell renders its request while
 * it is dispatched) while the store may hash asynchronously once, before the first call.
 */
export interface PromptMedia {
  /** The ref of a part value written as `file:` (relative to `sourceFile`'s folder), `https://` or `data:`. */
  resolve(value: string, kind: MediaKind, sourceFile: string): MediaRef;
  /**
   * Downloads the URL media resolved so far that `needs` says some provider must have as bytes, into the store: the
   * ref keeps its URL (sent as such where a provider takes URLs) and its `url:` identity, and gains the stored path.
   */
  download(needs: (ref: MediaRef) => boolean, fetchBytes: (url: string) => Promise<Uint8Array>): Promise<void>;
}

/** A resolver over a store opened on first need, so runs without media parts create no media folder. */
export function createPromptMedia(open: () => PromptMediaSource): PromptMedia {
  let source: PromptMediaSource | undefined;
  const done = new Map<string, MediaRef>();
  const running = new Map<string, Promise<unknown>>();
  return {
    resolve(value, kind, sourceFile) {
      const key = value.startsWith('file:') ? `file:${absolute(value.slice(5), sourceFile)}` : value;
      const known = done.get(key);
      if (known) return known;
      const wait = running.get(key);
      if (wait) throw new MediaPending(wait);
      source ??= open();
      const answer = value.startsWith('file:')
        ? source.addFile(absolute(value.slice(5), sourceFile), value.slice(5))
        : value.startsWith('data:')
          ? source.addDataUri(value, `data:${/^data:([^;,]*)/.exec(value)?.[1] ?? ''}`)
          : source.urlRef(value, kind);
      if (!(answer instanceof Promise)) {
        done.set(key, answer);
        return answer;
      }
      const settled = answer.then((ref) => done.set(key, ref)).finally(() => running.delete(key));
      // Whoever prepares awaits it and sees a failure; a render that only asked must not leave it unhandled.
      settled.catch(() => undefined);
      running.set(key, settled);
      throw new MediaPending(settled);
    },
    async download(needs, fetchBytes) {
      for (const [key, ref] of done) {
        if (ref.url === undefined || ref.path !== undefined || !needs(ref)) continue;
        source ??= open();
        const stored = source.addBytes(await fetchBytes(ref.url), { name: ref.name });
        done.set(key, { ...ref, mimeType: stored.mimeType, bytes: stored.bytes, path: stored.path! });
      }
    },
  };
}

function absolute(path: string, sourceFile: string): string {
  return isAbsolute(path) ? path : resolve(dirname(sourceFile), path);
}

/** True for a part value the media store resolves (anything else must be a media var). */
export function isMediaLocator(value: string): boolean {
  return value.startsWith('file:') || value.startsWith('https://') || value.startsWith('data:');
}

// Private-use characters: a marker cannot be typed into a suite by accident, and a var's text is printed as is.
const OPEN = '\uE000';
const CLOSE = '\uE001';
const MARKER = /\uE000(\d+)\uE001/g;

/**
 * The vars to render with: every MediaRef (at any depth in arrays and plain objects) becomes a copy whose
 * `toString` is its marker, so `{{ image }}` prints the marker and `{{ image.name }}` still reads the field.
 * `refs[i]` is the media of marker i. Vars without media are returned as they are.
 */
export function markMediaVars(vars: Record<string, unknown>): { vars: Record<string, unknown>; refs: MediaRef[] } {
  const refs: MediaRef[] = [];
  return { vars: mark(vars, refs) as Record<string, unknown>, refs };
}

function mark(value: unknown, refs: MediaRef[]): unknown {
  if (isMediaRef(value)) {
    const index = refs.push(value) - 1;
    const copy = { ...value };
    Object.defineProperty(copy, 'toString', { value: () => `${OPEN}${index}${CLOSE}`, enumerable: false });
    return copy;
  }
  // Containers are copied only when they hold media: every cell renders, and most vars hold none.
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    value.forEach((item, i) => {
      const marked = mark(item, refs);
      if (marked !== item) (copy ??= [...value])[i] = marked;
    });
    return copy ?? value;
  }
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    let copy: Record<string, unknown> | undefined;
    for (const [key, item] of Object.entries(value)) {
      const marked = mark(item, refs);
      if (marked !== item) (copy ??= { ...value })[key] = marked;
    }
    return copy ?? value;
  }
  return value;
}

/** The media of a rendered value that is exactly one marker (surrounding whitespace aside), else undefined. */
export function markedRef(text: string, refs: readonly MediaRef[]): MediaRef | undefined {
  const match = /^\s*\uE000(\d+)\uE001\s*$/.exec(text);
  return match ? refs[Number(match[1])] : undefined;
}

/** Rendered text split at its markers: text and media parts in order; empty text between them is left out. */
export function splitMarked(text: string, refs: readonly MediaRef[]): ContentPart[] {
  const parts: ContentPart[] = [];
  let at = 0;
  for (const match of text.matchAll(MARKER)) {
    if (match.index > at) parts.push({ type: 'text', text: text.slice(at, match.index) });
    const media = refs[Number(match[1])]!;
    parts.push(media.$media === 'image' ? { type: 'image', media } : { type: 'audio', media });
    at = match.index + match[0].length;
  }
  if (at < text.length) parts.push({ type: 'text', text: text.slice(at) });
  return parts;
}

/** What text-only readers see of parts: text as is, media as its placeholder. */
export function partsText(parts: readonly ContentPart[]): string {
  return parts.map((part) => (part.type === 'text' ? part.text : mediaPlaceholder(part.media))).join('');
}

/** True when a rendered text holds a media marker. */
export function hasMarker(text: string): boolean {
  return text.includes(OPEN);
}
