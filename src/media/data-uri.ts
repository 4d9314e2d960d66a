/**
 * `data:` URIs (RFC 2397) → bytes: base64 (`data:image/png;base64,iVBOR…`) and percent-encoded
 * (`data:image/svg+xml,%3Csvg…`). The declared type is kept only to name what was expected in an error: the bytes
 * decide what the media is.
 */
import { LlmlabError } from '../errors.js';

/** A decoded `data:` URI. */
export interface DataUri {
  /** The type the URI declares (`text/plain` when it declares none, as RFC 2397 says). */
  declared: string;
  bytes: Buffer;
}

const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

/** True for a string that is a `data:` URI of an image or audio type (what a var holding media looks like). */
export function isMediaDataUri(value: string): boolean {
  return /^data:(image|audio)\/[^,]*,/i.test(value);
}

/**
 * Decodes `uri`, refusing one whose decoded size would pass `maxBytes` before decoding it (a 500 MB string in a
 * JSONL row is not copied into a buffer only to be refused).
 */
export function parseDataUri(uri: string, name: string, maxBytes: number): DataUri {
  const comma = uri.indexOf(',');
  if (!uri.toLowerCase().startsWith('data:') || comma < 0) {
    throw new LlmlabError('CONFIG_INVALID', `${name} is not a data: URI`, {
      hint: 'write it as `data:<type>;base64,<data>` or `data:<type>,<percent-encoded data>`',
    });
  }
  const params = uri.slice('data:'.length, comma).split(';');
  const declared = params[0]?.trim().toLowerCase() || 'text/plain';
  const base64 = params.slice(1).some((p) => p.trim().toLowerCase() === 'base64');
  const data = uri.slice(comma + 1);
  const estimate = base64 ? Math.floor((data.length * 3) / 4) : data.length;
  if (estimate > maxBytes) throw tooLarge(name, estimate, maxBytes);
  if (!base64) return { declared, bytes: percentDecode(data) };
  const text = (data.includes('%') ? percentDecode(data).toString('latin1') : data).replace(/\s+/g, '');
  if (!BASE64.test(text)) {
    throw new LlmlabError('CONFIG_INVALID', `${name}: the base64 data of the data: URI is malformed`, {
      hint: 'base64 holds only A–Z, a–z, 0–9, `+` and `/` (or `-` and `_`), with at most two `=` at the end',
    });
  }
  return { declared, bytes: Buffer.from(text, 'base64') };
}

/** The size error of a media value, shared by files, bytes and data: URIs. */
export function tooLarge(name: string, bytes: number, maxBytes: number): LlmlabError {
  return new LlmlabError('CONFIG_INVALID', `${name} is ${megabytes(bytes)}, over the ${megabytes(maxBytes)} limit of one media file`, {
    hint: 'shrink or re-encode it: providers take far less than this per image or audio clip',
  });
}

/** Rounded up, so a file one byte over a 100 MB limit reads "100.1 MB", never "100 MB". */
function megabytes(bytes: number): string {
  if (bytes < 1024 * 1024) return `${bytes} bytes`;
  return `${Math.ceil((bytes / (1024 * 1024)) * 10) / 10} MB`;
}

/** `%XX` → that byte; every other character → its UTF-8 bytes (a malformed `%` is kept as written). */
function percentDecode(data: string): Buffer {
  const raw = Buffer.from(data, 'utf8');
  const out = Buffer.allocUnsafe(raw.length);
  let n = 0;
  for (let i = 0; i < raw.length; i++) {
    const byte = raw[i] ?? 0;
    const hex = byte === 0x25 ? raw.toString('latin1', i + 1, i + 3) : '';
    if (/^[0-9a-fA-F]{2}$/.test(hex)) {
      out[n++] = Number.parseInt(hex, 16);
      i += 2;
    } else {
      out[n++] = byte;
    }
  }
  return out.subarray(0, n);
}
