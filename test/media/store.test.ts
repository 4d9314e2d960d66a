/** The media store: content addressing, streamed hashing, sniffing, data: URIs, URL refs and the size cap. */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, open, readFile, realpath, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LlmlabError } from '../../src/errors.js';
import { mediaDirFor } from '../../src/media/media-dir.js';
import { sniffMime } from '../../src/media/sniff.js';
import { MEDIA_MAX_BYTES, openMediaStore } from '../../src/media/store.js';
import { isMediaRef } from '../../src/types.js';
import { thrownAsyncLlmlabError } from '../thrown.js';

const thrown = (promise: Promise<unknown>) => thrownAsyncLlmlabError(() => promise);

const made: string[] = [];
afterAll(async () => {
  await Promise.all(made.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function temp(): Promise<string> {
  const dir = await realpath(await mkdtemp(join(tmpdir(), 'llmlab-media-')));
  made.push(dir);
  return dir;
}

/** The first bytes of each supported type, padded with a body so files differ by content. */
export const HEADS: Record<string, number[]> = {
  'image/png': [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13],
  'image/jpeg': [0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46],
  'image/gif': [...Buffer.from('GIF89a'), 1, 0, 1, 0],
  'image/webp': [...Buffer.from('RIFF'), 0x24, 0, 0, 0, ...Buffer.from('WEBPVP8 ')],
  'audio/wav': [...Buffer.from('RIFF'), 0x24, 0, 0, 0, ...Buffer.from('WAVEfmt ')],
  'audio/mpeg': [...Buffer.from('ID3'), 4, 0, 0, 0, 0, 0, 0],
};

function media(mime: string, body = 'body'): Buffer {
  return Buffer.concat([Buffer.from(HEADS[mime] ?? []), Buffer.from(body)]);
}

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

describe('sniffMime', () => {
  it.each(Object.keys(HEADS))('knows %s from its first bytes', (mime) => {
    expect(sniffMime(media(mime))).toBe(mime);
  });

  it('knows an MP3 without an ID3 tag by its frame sync, and nothing else', () => {
    expect(sniffMime(Uint8Array.from([0xff, 0xfb, 0x90, 0x64]))).toBe('audio/mpeg');
    expect(sniffMime(Uint8Array.from([0xff, 0xe9, 0x90, 0x64]))).toBeUndefined(); // reserved layer
    expect(sniffMime(Buffer.from('%PDF-1.7'))).toBeUndefined();
    expect(sniffMime(Buffer.from('RIFF\x24\0\0\0AVI LIST'))).toBeUndefined();
    expect(sniffMime(new Uint8Array())).toBeUndefined();
  });
});

describe('openMediaStore', () => {
  it('streams a file in under its sha256, once, and keeps one copy of equal bytes', async () => {
    const dir = await temp();
    const bytes = Buffer.concat([media('image/png'), Buffer.alloc(300_000, 7)]); // several stream chunks
    await writeFile(join(dir, 'cat.png'), bytes);
    await writeFile(join(dir, 'copy.png'), bytes);
    const store = openMediaStore(join(dir, 'media'));
    const ref = await store.addFile(join(dir, 'cat.png'), 'cat.png');
    const hash = sha256(bytes);
    expect(ref).toEqual({ $media: 'image', hash, mimeType: 'image/png', bytes: bytes.length, name: 'cat.png', path: join(dir, 'media', hash.slice(0, 2), hash) });
    expect(isMediaRef(ref)).toBe(true);
    expect(sha256(await readFile(ref.path ?? ''))).toBe(hash);
    const copy = await store.addFile(join(dir, 'copy.png'), 'img/copy.png');
    expect(copy).toEqual({ ...ref, name: 'img/copy.png' });
    expect(readdirSync(join(dir, 'media')).sort()).toEqual(['.seen', hash.slice(0, 2)]); // no temp files left behind
    expect(readdirSync(join(dir, 'media', hash.slice(0, 2)))).toEqual([hash]);
    expect((await store.read(copy)).equals(bytes)).toBe(true); // not toEqual: it compares 300,000 items one by one
  });

  it('hashes a file once per path, size and mtime, a changed file again, and stores it again when the store was cleaned', async () => {
    const dir = await temp();
    const file = join(dir, 'a.wav');
    await writeFile(file, media('audio/wav', 'one'));
    const mtime = new Date(1_700_000_000_000); // whole seconds: utimes keeps them exactly
    await utimes(file, mtime, mtime);
    const store = openMediaStore(join(dir, 'media'));
    const first = await store.addFile(file, 'a.wav');
    expect(first.$media).toBe('audio');
    // Same path, size and mtime: taken as the same file, not read again, by this store and by the next process's.
    await writeFile(file, media('audio/wav', 'two'));
    await utimes(file, mtime, mtime);
    expect((await store.addFile(file, 'a.wav')).hash).toBe(first.hash);
    const next = openMediaStore(join(dir, 'media'));
    expect(await next.addFile(file, 'b.wav')).toEqual({ ...first, name: 'b.wav' });
    await writeFile(file, media('audio/wav', 'second'));
    await utimes(file, new Date(2_000_000_000_000), new Date(2_000_000_000_000));
    const second = await store.addFile(file, 'a.wav');
    expect(second.hash).toBe(sha256(media('audio/wav', 'second')));
    await rm(join(dir, 'media'), { recursive: true });
    const again = await store.addFile(file, 'a.wav');
    expect(again).toEqual(second);
    expect(existsSync(again.path ?? '')).toBe(true);
  });

  it('creates nothing until media is added', async () => {
    const dir = await temp();
    openMediaStore(join(dir, 'media'));
    expect(existsSync(join(dir, 'media'))).toBe(false);
  });

  it('refuses a text file named .png, naming the file, what it looks like and what is supported', async () => {
    const dir = await temp();
    await writeFile(join(dir, 'notes.png'), 'just some notes\n');
    await writeFile(join(dir, 'doc.jpg'), '%PDF-1.7 binary');
    await writeFile(join(dir, 'blob.gif'), Buffer.from([0, 1, 2, 3, 0xfe]));
    const store = openMediaStore(join(dir, 'media'));
    const error = await thrown(store.addFile(join(dir, 'notes.png'), 'img/notes.png'));
    expect(error).toBeInstanceOf(LlmlabError);
    expect([error.code, error.message, error.where]).toEqual([
      'CONFIG_INVALID',
      'img/notes.png is not a supported media file: it looks like text',
      { file: join(dir, 'notes.png') },
    ]);
    expect(error.hint).toBe('supported: PNG, JPEG, GIF and WebP images; WAV and MP3 audio; the type is read from the bytes, not from the extension');
    expect((await thrown(store.addFile(join(dir, 'doc.jpg'), 'doc.jpg'))).message).toMatch(/looks like a PDF document$/);
    expect((await thrown(store.addFile(join(dir, 'blob.gif'), 'blob.gif'))).message).toMatch(/looks like unknown$/);
    expect(existsSync(join(dir, 'media'))).toBe(false);
  });

  it('says a missing file is not found, and a folder is not a media file', async () => {
    const dir = await temp();
    const store = openMediaStore(join(dir, 'media'));
    const missing = await thrown(store.addFile(join(dir, 'nope.png'), 'nope.png'));
    expect([missing.code, missing.message]).toEqual(['FILE_NOT_FOUND', `media file nope.png not found (looked for ${dir}/nope.png)`]);
    expect((await thrown(store.addFile(dir, 'dir.png'))).message).toBe('dir.png is a folder, not a media file');
  });

  it('refuses a file over the cap from its size, without reading it (a sparse 100 MB file)', async () => {
    const dir = await temp();
    const file = join(dir, 'huge.png');
    const handle = await open(file, 'w');
    await handle.truncate(MEDIA_MAX_BYTES + 1); // sparse: no 100 MB written
    await handle.close();
    const error = await thrown(openMediaStore(join(dir, 'media')).addFile(file, 'huge.png'));
    expect([error.code, error.message, error.where]).toEqual(['CONFIG_INVALID', 'huge.png is 100.1 MB, over the 100 MB limit of one media file', { file }]);
  });

  it('applies a lower cap to files, bytes and data: URIs', async () => {
    const dir = await temp();
    const bytes = media('image/gif', 'x'.repeat(100));
    await writeFile(join(dir, 'a.gif'), bytes);
    const store = openMediaStore(join(dir, 'media'), { maxBytes: 50 });
    expect((await thrown(store.addFile(join(dir, 'a.gif'), 'a.gif'))).message).toBe('a.gif is 110 bytes, over the 50 bytes limit of one media file');
    expect(() => store.addBytes(bytes, { name: 'gen' })).toThrow(/^gen is .* over the .* limit/);
    expect(() => store.addDataUri(`data:image/gif;base64,${bytes.toString('base64')}`, 'data:')).toThrow(/limit of one media file/);
  });

  it('stores bytes (the sink of generated media) by what the bytes are', () => {
    return temp().then((dir) => {
      const store = openMediaStore(join(dir, 'media'));
      const bytes = media('image/webp');
      const ref = store.put(bytes, { mimeType: 'image/png', name: 'generated' });
      expect(ref).toMatchObject({ $media: 'image', mimeType: 'image/webp', bytes: bytes.length, hash: sha256(bytes), name: 'generated' });
      expect(() => store.addBytes(Buffer.from('<svg/>'), { mimeType: 'image/svg+xml', name: 'logo' })).toThrow(
        'logo (declared image/svg+xml) is not a supported media file: it looks like an SVG or XML file',
      );
    });
  });

  it('decodes base64 and percent-encoded data: URIs', async () => {
    const dir = await temp();
    const store = openMediaStore(join(dir, 'media'));
    const bytes = media('audio/mpeg', 'tune');
    const b64 = store.addDataUri(`data:audio/mpeg;base64,${bytes.toString('base64')}`, 'data:');
    expect(b64).toMatchObject({ $media: 'audio', mimeType: 'audio/mpeg', hash: sha256(bytes), bytes: bytes.length, name: 'data:' });
    const percent = [...bytes].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');
    expect(store.addDataUri(`data:audio/mpeg,${percent}`, 'data:')).toEqual(b64);
    const mixed = `data:image/gif;name=x,${encodeURIComponent('GIF89a')}%01%00%01%00`;
    expect(store.addDataUri(mixed, 'data:').mimeType).toBe('image/gif');
    expect(() => store.addDataUri('data:image/png;base64,@@@', 'row 3')).toThrow('row 3: the base64 data of the data: URI is malformed');
    expect(() => store.addDataUri('data:image/png;base64', 'row 4')).toThrow('row 4 is not a data: URI');
  });

  it('refers to a URL without downloading it: hash of the URL, type from the extension', async () => {
    const dir = await temp();
    const store = openMediaStore(join(dir, 'media'));
    const url = 'https://example.com/img/cat.JPG?size=large';
    expect(store.urlRef(url, 'image')).toEqual({
      $media: 'image',
      hash: `url:${sha256(Buffer.from(url))}`,
      mimeType: 'image/jpeg',
      bytes: 0,
      name: url,
      url,
    });
    expect(store.urlRef('https://example.com/picture', 'image').mimeType).toBe('image/*');
    expect(store.urlRef('https://example.com/a.mp3', 'audio').mimeType).toBe('audio/mpeg');
    expect(() => store.urlRef('ftp://example.com/a.png', 'image')).toThrow('ftp://example.com/a.png is not an http(s) URL');
    expect(existsSync(join(dir, 'media'))).toBe(false);
    const error = await thrown(store.read(store.urlRef(url, 'image')));
    expect(error.message).toBe(`${url} has no stored bytes: it is a URL llmlab does not download`);
  });

  it('reads by hash, and says when the bytes are gone', async () => {
    const dir = await temp();
    const store = openMediaStore(join(dir, 'media'));
    const ref = store.addBytes(media('image/png'), { name: 'p' });
    await rm(join(dir, 'media'), { recursive: true });
    const error = await thrown(store.read({ ...ref, path: '/etc/passwd' }));
    expect([error.code, error.message]).toEqual(['FILE_NOT_FOUND', `p (${ref.hash.slice(0, 12)}…) is not in the media store ${dir}/media`]);
  });
});

describe('mediaDirFor', () => {
  it('is the media folder beside the database', () => {
    expect(mediaDirFor('/project/.llmlab/llmlab.db')).toBe('/project/.llmlab/media');
  });
});
