/**
 * `media: { maxEdge: N }` in a suite: images whose longer edge is over N pixels are sent downscaled to fit, in their
 * own format. The downscaled copy is stored like any media (content-addressed), so requests and cache keys name it
 * by its own hash, and a record (`.resized/<hash>-<N>`) keeps the next run from resizing the same image again.
 * sharp (libvips) does the resizing; it is an optional dependency, loaded only when a suite asks for this.
 */
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LlmlabError, messageOf } from '../errors.js';
import type { MediaRef } from '../types.js';
import type { MediaStore } from './store.js';

/** The format a downscaled image keeps (its own), as sharp names it. */
const FORMATS: Readonly<Record<string, 'png' | 'jpeg' | 'gif' | 'webp'>> = {
  'image/png': 'png',
  'image/jpeg': 'jpeg',
  'image/gif': 'gif',
  'image/webp': 'webp',
};

/** `store`, except that files it adds are downscaled to fit `maxEdge` (images only; audio and small images as they are). */
export function withMaxEdge(store: MediaStore, maxEdge: number): MediaStore {
  const record = (hash: string) => join(store.dir, '.resized', `${hash}-${maxEdge}`);
  const done = new Map<string, Promise<MediaRef>>();

  async function downscaled(original: MediaRef): Promise<MediaRef> {
    const format = FORMATS[original.mimeType];
    if (original.$media !== 'image' || original.path === undefined || format === undefined) return original;
    const known = recalled(original);
    if (known) return known;
    const sharp = await loadSharp();
    let bytes: Buffer | undefined;
    try {
      const image = sharp(original.path, { animated: format === 'gif' || format === 'webp' });
      const meta = await image.metadata();
      const height = meta.pageHeight ?? meta.height ?? 0;
      if (Math.max(meta.width ?? 0, height) > maxEdge) {
        bytes = await image.resize({ width: maxEdge, height: maxEdge, fit: 'inside', withoutEnlargement: true }).toFormat(format).toBuffer();
      }
    } catch (error) {
      throw new LlmlabError('CONFIG_INVALID', `cannot downscale ${original.name} to media.maxEdge ${maxEdge}: ${messageOf(error)}`, {
        hint: 'check that the file is a whole image, or remove media.maxEdge to send it as it is',
      });
    }
    const ref = bytes === undefined ? original : { ...store.addBytes(bytes, { mimeType: original.mimeType, name: original.name }), name: original.name };
    try {
      mkdirSync(join(store.dir, '.resized'), { recursive: true });
      writeFileSync(record(original.hash), ref.hash);
    } catch {
      // Best effort: without the record the next run resizes again.
    }
    return ref;
  }

  /** The downscaled copy an earlier run made of `original`, when it is still stored. */
  function recalled(original: MediaRef): MediaRef | undefined {
    try {
      const hash = readFileSync(record(original.hash), 'utf8').trim();
      const path = store.pathOf(hash);
      if (!/^[0-9a-f]{64}$/.test(hash) || !existsSync(path)) return undefined;
      return hash === original.hash ? original : { ...original, hash, bytes: statSync(path).size, path };
    } catch {
      return undefined;
    }
  }

  return {
    ...store,
    async addFile(absPath, name) {
      const original = await store.addFile(absPath, name);
      let pending = done.get(original.hash);
      if (!pending) {
        pending = downscaled(original);
        done.set(original.hash, pending);
        pending.catch(() => done.delete(original.hash));
      }
      return { ...(await pending), name };
    },
  };
}

type Sharp = (typeof import('sharp'))['default'];

async function loadSharp(): Promise<Sharp> {
  try {
    return (await import('sharp')).default;
  } catch (error) {
    throw new LlmlabError('USAGE', `media.maxEdge needs the image library sharp, which is not installed (${messageOf(error)})`, {
      hint: 'install it beside llmlab (`npm install sharp`), or remove media.maxEdge from the suite to send images as they are',
    });
  }
}
