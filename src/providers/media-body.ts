/**
 * Media streamed into a request body. A JSON API takes an image as base64 inside the body, and building that
 * string costs about six copies of the image per request (bytes, base64, data URI, JSON body, socket buffer) —
 * 50 MB of short-lived garbage for an 8 MB image, which V8 collects late enough that 16 requests in flight passed a
 * gigabyte. So a provider that sends through {@link nodeFetch} puts a short token where the base64 goes; the SDK
 * serializes the JSON around it, and nodeFetch writes the body with each token replaced by the file's base64, read
 * from the media store a chunk at a time. Only the transport knows the bytes; the SDK and the JSON never hold them.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import type { ClientRequest } from 'node:http';

/** Per process, so no text a model or a user wrote can name a token. */
const NONCE = randomBytes(8).toString('hex');
const TOKEN = new RegExp(`@@llmlab-media-${NONCE}-(\\d+)@@`, 'g');
/** A multiple of 3, so each chunk's base64 joins the next without padding. */
const CHUNK = 3 * 256 * 1024;

interface Streamed {
  path: string;
  /** Written before the base64 (`data:image/png;base64,` for a data URI; empty for bare base64). */
  prefix: string;
}

const registered = new Map<number, Streamed>();
let next = 0;

/**
 * A token standing for `prefix` + the base64 of the file at `path`, for a body nodeFetch sends. The entry is
 * dropped once a body carrying it was written; one never sent is dropped by {@link releaseMediaTokens}.
 */
export function mediaToken(path: string, prefix = ''): string {
  const id = next++;
  registered.set(id, { path, prefix });
  return `@@llmlab-media-${NONCE}-${id}@@`;
}

/** Drops the entries of tokens in `text` (a request that failed before it was sent). */
export function releaseMediaTokens(text: string): void {
  for (const match of text.matchAll(TOKEN)) registered.delete(Number(match[1]));
}

/** A body split into text and media, with its exact length on the wire; undefined when it carries no token. */
export interface ExpandedBody {
  parts: Array<{ text: Buffer } | { media: Streamed; size: number }>;
  length: number;
}

export function expandBody(body: string): ExpandedBody | undefined {
  if (!body.includes(`@@llmlab-media-${NONCE}-`)) return undefined;
  const parts: ExpandedBody['parts'] = [];
  let length = 0;
  let from = 0;
  let found = false;
  for (const match of body.matchAll(TOKEN)) {
    const media = registered.get(Number(match[1]));
    if (!media) continue; // not ours any more: left as written (a second send of the same body fails visibly)
    const text = Buffer.from(body.slice(from, match.index) + media.prefix);
    const size = statSync(media.path).size;
    parts.push({ text }, { media, size });
    length += text.length + 4 * Math.ceil(size / 3);
    from = match.index + match[0].length;
    registered.delete(Number(match[1]));
    found = true;
  }
  if (!found) return undefined;
  const tail = Buffer.from(body.slice(from));
  parts.push({ text: tail });
  return { parts, length: length + tail.length };
}

/** Writes an expanded body to `req`, waiting for the socket to drain, and ends it. */
export async function writeExpanded(req: ClientRequest, body: ExpandedBody): Promise<void> {
  const write = (chunk: Buffer | string) => (req.write(chunk) ? Promise.resolve() : new Promise<void>((drained) => req.once('drain', drained)));
  for (const part of body.parts) {
    if ('text' in part) {
      if (part.text.length > 0) await write(part.text);
      continue;
    }
    // base64 of the whole file = base64 of its 3-byte groups in order: carry a chunk's last 1–2 bytes over.
    let carry: Buffer = Buffer.alloc(0);
    for await (const chunk of createReadStream(part.media.path, { highWaterMark: CHUNK })) {
      const joined: Buffer = carry.length > 0 ? Buffer.concat([carry, chunk as Buffer]) : (chunk as Buffer);
      const whole = joined.length - (joined.length % 3);
      carry = joined.subarray(whole);
      if (whole > 0) await write(joined.subarray(0, whole).toString('base64'));
    }
    if (carry.length > 0) await write(carry.toString('base64'));
  }
  req.end();
}
