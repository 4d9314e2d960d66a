/**
 * A piece of media's bytes, read from the media store while ONE request is built and dropped with it: nothing is
 * cached, so a run over hundreds of large images holds only the requests in flight (DESIGN.md §12). Providers read
 * the file at `ref.path` themselves because plugins never import src/media.
 */
import { existsSync, readFileSync } from 'node:fs';
import { ProviderError } from '../errors.js';
import type { MediaRef } from '../types.js';
import { mediaToken } from './media-body.js';

/** The bytes of `ref`. `api` names the provider's API in the error when there are none to read. */
export function mediaBytes(ref: MediaRef, api: string): Buffer {
  if (ref.path === undefined) {
    // The engine's pre-run check stores URL media for providers that need bytes; reaching here means it did not.
    throw new ProviderError(`${api} needs the bytes of ${ref.$media} ${ref.name}, and it was not downloaded into the media store`, {
      hint: `${api} does not take ${ref.$media} URLs: give the ${ref.$media} as a file or data: URI`,
    });
  }
  try {
    return readFileSync(ref.path);
  } catch (error) {
    throw new ProviderError(`cannot read ${ref.$media} ${ref.name} from the media store (${ref.path})`, {
      hint: 'the media store (.llmlab/media) lost the file: run again so the media is stored anew',
      cause: error,
    });
  }
}

/** The bytes of `ref` as base64, the form every JSON API takes them in. */
export function mediaBase64(ref: MediaRef, api: string): string {
  return mediaBytes(ref, api).toString('base64');
}

/** `data:<mime>;base64,<bytes>`: how APIs that take a URL take bytes. */
export function mediaDataUri(ref: MediaRef, api: string): string {
  return `data:${ref.mimeType};base64,${mediaBase64(ref, api)}`;
}

/**
 * For an API that takes URLs: the ref's URL when it has one (even when the bytes were also stored for another
 * provider, the URL is the smaller request), else its bytes as a data: URI.
 */
export function mediaUrlOrDataUri(ref: MediaRef, api: string): string {
  return ref.url ?? mediaDataUri(ref, api);
}

/**
 * For providers whose SDK sends through nodeFetch (openai and its vendors, anthropic, ollama): a token that the
 * transport replaces with the bytes' base64 while it writes the body (media-body.ts), so no request holds the image
 * as a string. `dataUri` writes `data:<mime>;base64,` before it.
 */
export function streamedBase64(ref: MediaRef, api: string, options: { dataUri?: boolean } = {}): string {
  if (ref.path === undefined) mediaBytes(ref, api); // throws the "not downloaded" error
  if (!existsSync(ref.path!)) mediaBytes(ref, api); // throws the "lost from the store" error
  return mediaToken(ref.path!, options.dataUri ? `data:${ref.mimeType};base64,` : '');
}

/** As {@link mediaUrlOrDataUri}, with the bytes streamed by the transport ({@link streamedBase64}). */
export function streamedUrlOrDataUri(ref: MediaRef, api: string): string {
  return ref.url ?? streamedBase64(ref, api, { dataUri: true });
}

/** A piece of media the API cannot take at all (a kind or type its limits leave out): a clear error, not a 400. */
export function unsupportedMedia(ref: MediaRef, api: string, accepted: string): ProviderError {
  return new ProviderError(`${api} does not accept ${ref.$media} ${ref.name} (${ref.mimeType})`, {
    hint: `${api} accepts ${accepted}`,
  });
}
