/**
 * What a file is, read from its first bytes: the extension says what the user meant, the bytes say what a model
 * would receive, and a provider refuses a PNG that is really a JPEG (or a text file renamed `.png`).
 */
import type { MediaKind } from '../types.js';

/** Bytes {@link sniffMime} needs at most: a RIFF/WebP header is 12, an MP3 ID3 tag starts in 3. */
export const SNIFF_BYTES = 16;

/** The media types llmlab accepts, by kind, in the order errors list them. */
export const SUPPORTED_MIME_TYPES: Readonly<Record<MediaKind, readonly string[]>> = {
  image: ['image/png', 'image/jpeg', 'image/gif', 'image/webp'],
  audio: ['audio/wav', 'audio/mpeg'],
};

/** How errors name what is supported. */
export const SUPPORTED_LIST = 'PNG, JPEG, GIF and WebP images; WAV and MP3 audio';

/** File extensions (lower case, with the dot) that name media, and the type each stands for. */
export const MEDIA_EXTENSIONS: Readonly<Record<string, string>> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.wav': 'audio/wav',
  '.mp3': 'audio/mpeg',
};

/** The supported type of `head` (a file's first bytes, at least {@link SNIFF_BYTES} when the file is that long), else undefined. */
export function sniffMime(head: Uint8Array): string | undefined {
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (startsWith(head, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (ascii(head, 0, 6) === 'GIF87a' || ascii(head, 0, 6) === 'GIF89a') return 'image/gif';
  if (ascii(head, 0, 4) === 'RIFF' && ascii(head, 8, 12) === 'WEBP') return 'image/webp';
  if (ascii(head, 0, 4) === 'RIFF' && ascii(head, 8, 12) === 'WAVE') return 'audio/wav';
  if (ascii(head, 0, 3) === 'ID3') return 'audio/mpeg';
  // An MPEG audio frame header without a tag: 11 sync bits, then a version and layer that are not "reserved".
  const [b0 = 0, b1 = 0] = head;
  if (head.length >= 2 && b0 === 0xff && (b1 & 0xe0) === 0xe0 && (b1 & 0x18) !== 0x08 && (b1 & 0x06) !== 0) return 'audio/mpeg';
  return undefined;
}

/** The kind of a supported type. */
export function kindOf(mimeType: string): MediaKind {
  return mimeType.startsWith('audio/') ? 'audio' : 'image';
}

/**
 * What bytes that are not supported look like, for the error ("it looks like a PDF document"), so a user sees at
 * once whether they pointed at the wrong file or at a format to convert.
 */
export function describeBytes(head: Uint8Array): string {
  if (head.length === 0) return 'an empty file';
  const known: Array<[string, number, string]> = [
    ['%PDF', 0, 'a PDF document'],
    ['PK', 0, 'a ZIP archive (or an Office document)'],
    ['BM', 0, 'a BMP image'],
    ['II*', 0, 'a TIFF image'],
    ['MM', 0, 'a TIFF image'],
    ['OggS', 0, 'an Ogg file'],
    ['fLaC', 0, 'a FLAC file'],
    ['ftypheic', 4, 'a HEIC image'],
    ['ftypavif', 4, 'an AVIF image'],
    ['ftyp', 4, 'an MP4/MOV video or M4A audio file'],
    ['RIFF', 0, 'a RIFF file that is neither WAV nor WebP'],
  ];
  for (const [magic, at, what] of known) if (ascii(head, at, at + magic.length) === magic) return what;
  const text = new TextDecoder('utf-8', { fatal: false }).decode(head).trimStart();
  if (text.startsWith('<svg') || text.startsWith('<?xml')) return 'an SVG or XML file';
  if (isText(head)) return 'text';
  return 'unknown';
}

function startsWith(head: Uint8Array, bytes: readonly number[]): boolean {
  return head.length >= bytes.length && bytes.every((b, i) => head[i] === b);
}

function ascii(head: Uint8Array, from: number, to: number): string {
  if (head.length < to) return '';
  return String.fromCharCode(...head.subarray(from, to));
}

/** Printable ASCII, whitespace, or UTF-8 continuation bytes only: what a text file renamed `.png` starts with. */
function isText(head: Uint8Array): boolean {
  return head.every((b) => b === 0x09 || b === 0x0a || b === 0x0d || (b >= 0x20 && b !== 0x7f));
}
