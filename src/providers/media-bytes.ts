/**
 * A piece of media's bytes, read from the media store while ONE request is built and dropped with it: nothing is
 * cached, so a run over hundreds of large images holds only the requests in flight (DESIGN.md §12). Providers read
 * the file at `ref.path` themselves because plugins never import src/media.
 */
import { readFileSync } from 'node:fs';
import { ProviderError } from '../errors.js';
import type { MediaRef } from '../types.js';

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

/** A piece of media the API cannot take at all (a kind or type its limits leave out): a clear error, not a 400. */
export function unsupportedMedia(ref: MediaRef, api: string, accepted: string): ProviderError {
  return new ProviderError(`${api} does not accept ${ref.$media} ${ref.name} (${ref.mimeType})`, {
    hint: `${api} accepts ${accepted}`,
  });
}
