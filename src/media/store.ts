/**
 * The content-addressed media store (DESIGN.md §12): every image or audio file a suite uses, stored once under
 * `<dir>/<hash[0..2]>/<hash>` by the sha256 of its bytes. Files are streamed through the hash while they are
 * copied in, so a run never holds more than a chunk of a file in memory; results, cache keys and requests carry
 * only the {@link MediaRef}, and a provider reads the stored bytes while it builds one request.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { LlmlabError } from '../errors.js';
import type { MediaKind, MediaRef, MediaSink } from '../types.js';
import { parseDataUri, tooLarge } from './data-uri.js';
import { describeBytes, kindOf, MEDIA_EXTENSIONS, SNIFF_BYTES, sniffMime, SUPPORTED_LIST } from './sniff.js';

/** The hard cap on one media file: far above any provider's limit, low enough that a mistake fails fast. */
export const MEDIA_MAX_BYTES = 100 * 1024 * 1024;

export interface MediaStoreOptions {
  /** Largest file accepted, in bytes; default {@link MEDIA_MAX_BYTES} (tests lower it). */
  maxBytes?: number;
}

/** A media store opened on a folder. It is also the engine's {@link MediaSink} for generated media (`put`). */
export interface MediaStore extends MediaSink {
  /** The store's folder (absolute). */
  readonly dir: string;
  /** Streams a file into the store (read once per path, size and mtime; see {@link openMediaStore}); `name` is how reports show it. */
  addFile(absPath: string, name: string): Promise<MediaRef>;
  /** Stores bytes held in memory (a decoded data: URI, a generated image). */
  addBytes(bytes: Uint8Array, options: { mimeType?: string; name: string }): MediaRef;
  /** Decodes and stores a `data:` URI (base64 or percent-encoded). */
  addDataUri(uri: string, name: string): MediaRef;
  /** A ref to media at an `http(s):` URL, not downloaded: sent as a URL to providers that take one. */
  urlRef(url: string, kind: MediaKind): MediaRef;
  /** The stored bytes of a ref, read by its hash (never by a path a ref claims). */
  read(ref: MediaRef): Promise<Buffer>;
  /** Where the bytes of `hash` are (or would be) stored. */
  pathOf(hash: string): string;
}

/** What the store remembers of a file it read (`<dir>/.seen/<sha256 of its path>`), for the next process. */
interface Seen {
  size: number;
  mtimeMs: number;
  hash: string;
  mimeType: string;
}

/**
 * Opens the store at `dir`. Nothing is created until the first media is added: a text-only suite leaves no folder.
 *
 * A file is read once per (path, size, mtime): the same image in 500 rows is one read in this store, and the
 * store remembers what it read on disk, so the next run (or a suite reloaded in watch mode) of 500 × 8 MB images
 * starts without reading 4 GB again. A changed file has a new size or mtime, so it is read again.
 */
export function openMediaStore(dir: string, options: MediaStoreOptions = {}): MediaStore {
  const maxBytes = options.maxBytes ?? MEDIA_MAX_BYTES;
  const hashed = new Map<string, Promise<MediaRef>>();
  const seenPath = (absPath: string): string => join(dir, '.seen', createHash('sha256').update(absPath).digest('hex'));
  const pathOf = (hash: string): string => join(dir, hash.slice(0, 2), hash);
  const tempPath = (): string => join(dir, `.tmp-${process.pid}-${randomBytes(6).toString('hex')}`);

  async function addFile(absPath: string, name: string): Promise<MediaRef> {
    const info = await stat(absPath).catch((error: unknown) => {
      throw readError(error, absPath, name);
    });
    if (info.isDirectory()) throw new LlmlabError('CONFIG_INVALID', `${name} is a folder, not a media file`, { where: { file: absPath } });
    if (info.size > maxBytes) throw withWhere(tooLarge(name, info.size, maxBytes), absPath);
    const key = `${absPath}\0${info.size}\0${info.mtimeMs}`;
    const memo = hashed.get(key);
    // No await when there is none, so two rows naming one file at once share one copy.
    const earlier = memo === undefined ? undefined : await memo.catch(() => undefined);
    // Kept only while its stored copy is: someone may have cleaned the store since.
    if (earlier?.path !== undefined && existsSync(earlier.path)) return { ...earlier, name };
    const recalled = recall(absPath, info.size, info.mtimeMs);
    if (recalled !== undefined) {
      const ref: MediaRef = { $media: kindOf(recalled.mimeType), hash: recalled.hash, mimeType: recalled.mimeType, bytes: recalled.size, name, path: pathOf(recalled.hash) };
      hashed.set(key, Promise.resolve(ref));
      return ref;
    }
    const pending = copyIn(absPath, name).then((ref) => {
      remember(absPath, { size: info.size, mtimeMs: info.mtimeMs, hash: ref.hash, mimeType: ref.mimeType });
      return ref;
    });
    hashed.set(key, pending);
    pending.catch(() => {
      if (hashed.get(key) === pending) hashed.delete(key);
    });
    return { ...(await pending), name };
  }

  /** The remembered hash of a file unchanged since it was read, when its stored copy is still there. */
  function recall(absPath: string, size: number, mtimeMs: number): Seen | undefined {
    let seen: Partial<Seen>;
    try {
      seen = JSON.parse(readFileSync(seenPath(absPath), 'utf8')) as Partial<Seen>;
    } catch {
      return undefined; // never read, or a record cut short by a crash: read the file
    }
    const valid = seen.size === size && seen.mtimeMs === mtimeMs && typeof seen.hash === 'string' && /^[0-9a-f]{64}$/.test(seen.hash);
    if (!valid || typeof seen.mimeType !== 'string' || !existsSync(pathOf(seen.hash as string))) return undefined;
    return seen as Seen;
  }

  /** Best effort: a store that cannot remember still works, it only reads the file again next time. */
  function remember(absPath: string, seen: Seen): void {
    try {
      mkdirSync(join(dir, '.seen'), { recursive: true });
      writeFileSync(seenPath(absPath), JSON.stringify(seen));
    } catch {
      // ignored on purpose: see above
    }
  }

  /** Sniffs the head, then streams the file through sha256 into a temp file renamed to its hash. */
  async function copyIn(absPath: string, name: string): Promise<MediaRef> {
    let handle: FileHandle;
    try {
      handle = await open(absPath, 'r');
    } catch (error) {
      throw readError(error, absPath, name);
    }
    const temp = tempPath();
    try {
      const head = new Uint8Array(SNIFF_BYTES);
      const { bytesRead } = await handle.read(head, 0, SNIFF_BYTES, 0);
      const mimeType = supported(head.subarray(0, bytesRead), name, absPath);
      await mkdir(dir, { recursive: true }).catch((error: unknown) => {
        throw storageError(error, dir);
      });
      const hash = createHash('sha256');
      let size = 0;
      await pipeline(
        handle.createReadStream({ start: 0, autoClose: false }),
        async function* (chunks: AsyncIterable<Buffer>) {
          for await (const chunk of chunks) {
            size += chunk.length;
            // The file may have grown since it was stat'ed.
            if (size > maxBytes) throw withWhere(tooLarge(name, size, maxBytes), absPath);
            hash.update(chunk);
            yield chunk;
          }
        },
        createWriteStream(temp, { flags: 'wx' }),
      ).catch((error: unknown) => {
        throw error instanceof LlmlabError ? error : storageError(error, dir);
      });
      const digest = hash.digest('hex');
      const path = pathOf(digest);
      await settle(temp, path);
      return { $media: kindOf(mimeType), hash: digest, mimeType, bytes: size, name, path };
    } finally {
      await handle.close();
      await rm(temp, { force: true });
    }
  }

  /** Keeps the stored copy when there is one (content-addressed: same hash, same bytes), else moves `temp` there. */
  async function settle(temp: string, path: string): Promise<void> {
    if (existsSync(path)) return;
    try {
      await mkdir(join(path, '..'), { recursive: true });
      await rename(temp, path);
    } catch (error) {
      throw storageError(error, dir);
    }
  }

  function addBytes(bytes: Uint8Array, options: { mimeType?: string; name: string }): MediaRef {
    const { name } = options;
    if (bytes.length > maxBytes) throw tooLarge(name, bytes.length, maxBytes);
    const mimeType = supported(bytes.subarray(0, SNIFF_BYTES), name, undefined, options.mimeType);
    const digest = createHash('sha256').update(bytes).digest('hex');
    const path = pathOf(digest);
    if (!existsSync(path)) {
      const temp = tempPath();
      try {
        mkdirSync(join(path, '..'), { recursive: true });
        writeFileSync(temp, bytes, { flag: 'wx' });
        renameSync(temp, path);
      } catch (error) {
        throw storageError(error, dir);
      } finally {
        rmSync(temp, { force: true });
      }
    }
    return { $media: kindOf(mimeType), hash: digest, mimeType, bytes: bytes.length, name, path };
  }

  function addDataUri(uri: string, name: string): MediaRef {
    const { declared, bytes } = parseDataUri(uri, name, maxBytes);
    return addBytes(bytes, { mimeType: declared, name });
  }

  function urlRef(url: string, kind: MediaKind): MediaRef {
    let parsed: URL | undefined;
    try {
      parsed = new URL(url);
    } catch {
      parsed = undefined;
    }
    if (parsed === undefined || (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')) {
      throw new LlmlabError('CONFIG_INVALID', `${url} is not an http(s) URL`, { hint: 'media by URL is sent as a URL: write `https://…`' });
    }
    const guessed = MEDIA_EXTENSIONS[extname(parsed.pathname).toLowerCase()];
    // Not downloaded, so not sniffed: an extension of the other kind, or none, leaves the exact type unknown.
    const mimeType = guessed !== undefined && kindOf(guessed) === kind ? guessed : `${kind}/*`;
    const hash = `url:${createHash('sha256').update(url).digest('hex')}`;
    return { $media: kind, hash, mimeType, bytes: 0, name: url, url };
  }

  async function read(ref: MediaRef): Promise<Buffer> {
    if (!/^[0-9a-f]{64}$/.test(ref.hash)) {
      throw new LlmlabError('CONFIG_INVALID', `${ref.name} has no stored bytes${ref.url ? ': it is a URL llmlab does not download' : ''}`);
    }
    try {
      return await readFile(pathOf(ref.hash));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw storageError(error, dir);
      throw new LlmlabError('FILE_NOT_FOUND', `${ref.name} (${ref.hash.slice(0, 12)}…) is not in the media store ${dir}`, {
        hint: 'the store was cleaned, or the run was made on another machine: run the suite again to store its media',
      });
    }
  }

  return { dir, addFile, addBytes, put: addBytes, addDataUri, urlRef, read, pathOf };
}

/** The sniffed type of `head`, or the error that names the file, what it looks like and what is supported. */
function supported(head: Uint8Array, name: string, file?: string, declared?: string): string {
  const mimeType = sniffMime(head);
  if (mimeType !== undefined) return mimeType;
  const claimed = declared === undefined ? '' : ` (declared ${declared})`;
  throw new LlmlabError('CONFIG_INVALID', `${name}${claimed} is not a supported media file: it looks like ${describeBytes(head)}`, {
    ...(file === undefined ? {} : { where: { file } }),
    hint: `supported: ${SUPPORTED_LIST}; the type is read from the bytes, not from the extension`,
  });
}

function withWhere(error: LlmlabError, file: string): LlmlabError {
  return new LlmlabError(error.code, error.message, { where: { file }, ...(error.hint ? { hint: error.hint } : {}) });
}

function readError(error: unknown, absPath: string, name: string): LlmlabError {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR') {
    return new LlmlabError('FILE_NOT_FOUND', `media file ${name} not found (looked for ${absPath})`, { where: { file: absPath } });
  }
  return new LlmlabError('CONFIG_INVALID', `cannot read media file ${name}: ${(error as Error).message}`, { where: { file: absPath } });
}

function storageError(error: unknown, dir: string): LlmlabError {
  return new LlmlabError('STORAGE_FAULT', `cannot write to the media store ${dir}: ${(error as Error).message}`, {
    hint: 'check that the folder beside the database is writable and the disk has room',
    cause: error,
  });
}
