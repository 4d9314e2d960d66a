/**
 * `/media/<sha256>`: the bytes of a piece of media from the project's media store, for the run page's thumbnails
 * (`llmlab view` only; the file report inlines small images instead). Only a 64-hex name is looked up, and only a
 * type sniffed from the bytes as an image or audio is served, with its own content type: a stored file can never be
 * served as a page or a script.
 */
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { join } from 'node:path';
import type { Hono } from 'hono';
import { mediaDirFor } from '../media/media-dir.js';
import { SNIFF_BYTES, sniffMime } from '../media/sniff.js';
import type { MediaRef } from '../types.js';
import type { ViewContext } from './context.js';
import { apiError } from './errors.js';

/** The run page's thumbnail source for a piece of media: stored images only (a URL is named, not loaded). */
export function viewMediaSrc(ref: MediaRef): string | undefined {
  return ref.$media === 'image' && ref.path !== undefined && /^[0-9a-f]{64}$/.test(ref.hash) ? `/media/${ref.hash}` : undefined;
}

export function mountMedia(app: Hono, view: ViewContext): void {
  const dir = mediaDirFor(view.store.path);
  app.get('/media/:hash', (c) => {
    const hash = c.req.param('hash');
    if (!/^[0-9a-f]{64}$/.test(hash)) return apiError(c, 404, 'no such media', 'media is named by its sha256');
    const path = join(dir, hash.slice(0, 2), hash);
    let head: Uint8Array;
    try {
      head = readHead(path);
    } catch {
      return apiError(c, 404, `no media ${hash.slice(0, 12)}… in ${dir}`, 'the media store may have been cleaned; run the suite again to store it');
    }
    const type = sniffMime(head);
    if (type === undefined) return apiError(c, 404, 'not a servable media file');
    return c.body(new Uint8Array(readFileSync(path)), 200, {
      'content-type': type,
      'cache-control': 'private, max-age=31536000, immutable',
      'x-content-type-options': 'nosniff',
      'content-security-policy': "default-src 'none'",
    });
  });
}

function readHead(path: string): Uint8Array {
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(SNIFF_BYTES);
    const n = readSync(fd, head, 0, SNIFF_BYTES, 0);
    return head.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}
