/**
 * `POST /v1/images/generations` of the fake OpenAI server (./openai.ts), shaped as the real Images API answers:
 * `data[0].b64_json`, and for the gpt-image models `output_format`, `size`, `quality` and token `usage`. The image
 * is a real 1×1 PNG whose tEXt chunk holds the behaviour's answer to the prompt (`echo: <prompt>` by default), so
 * distinct prompts give distinct bytes and a test can read back what was drawn with {@link fakeImageText}. As the
 * real API does, dall-e models answer with a URL unless asked for `b64_json`, and gpt-image models refuse
 * `response_format`.
 */
import { countTokens, sendJson } from './harness.js';
import type { FakeContext } from './harness.js';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** IHDR of a 1×1 8-bit RGBA image, and IDAT of its one transparent pixel (zlib of a filter byte and four zeros). */
const IHDR = Buffer.from([0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0]);
const IDAT = Buffer.from([0x78, 0x9c, 0x63, 0x60, 0x00, 0x02, 0x00, 0x00, 0x05, 0x00, 0x01]);
const TEXT_KEY = 'llmlab-fake';

export function imageGenerations({ res, body, behaviour }: FakeContext, sendError: (res: FakeContext['res'], status: number, message: string) => void): void {
  if (!body || typeof body.model !== 'string' || typeof body.prompt !== 'string') {
    sendError(res, 400, 'model and prompt are required');
    return;
  }
  const gptImage = !body.model.startsWith('dall-e');
  if (gptImage && body.response_format !== undefined) {
    sendError(res, 400, "Unknown parameter: 'response_format'.");
    return;
  }
  const text = behaviour.answer({ ...body, messages: [{ role: 'user', content: body.prompt }] });
  const image = fakePng(text);
  const created = Math.floor(Date.now() / 1000);
  if (!gptImage) {
    const item = body.response_format === 'b64_json' ? { b64_json: image.toString('base64') } : { url: 'https://images.example/fake.png' };
    sendJson(res, 200, { created, data: [{ ...item, revised_prompt: `revised: ${body.prompt}` }] });
    return;
  }
  const input = countTokens(body.prompt);
  sendJson(res, 200, {
    created,
    background: 'opaque',
    data: [{ b64_json: image.toString('base64') }],
    output_format: body.output_format ?? 'png',
    quality: body.quality ?? 'medium',
    size: body.size ?? '1024x1024',
    usage: { input_tokens: input, input_tokens_details: { image_tokens: 0, text_tokens: input }, output_tokens: 272, total_tokens: input + 272 },
  });
}

/** A valid 1×1 PNG carrying `text` in a tEXt chunk. */
export function fakePng(text: string): Buffer {
  const chunks = [chunk('IHDR', IHDR), chunk('tEXt', Buffer.concat([Buffer.from(`${TEXT_KEY}\0`, 'latin1'), Buffer.from(text, 'utf8')])), chunk('IDAT', IDAT), chunk('IEND', Buffer.alloc(0))];
  return Buffer.concat([PNG_SIGNATURE, ...chunks]);
}

/** The text a {@link fakePng} carries, or undefined for other bytes. */
export function fakeImageText(png: Uint8Array): string | undefined {
  const bytes = Buffer.from(png);
  const marker = bytes.indexOf(Buffer.from(`tEXt${TEXT_KEY}\0`, 'latin1'));
  if (marker === -1) return undefined;
  const length = bytes.readUInt32BE(marker - 4);
  return bytes.subarray(marker + 4 + TEXT_KEY.length + 1, marker + 4 + length).toString('utf8');
}

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(4);
  head.writeUInt32BE(data.length);
  const typed = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typed));
  return Buffer.concat([head, typed, crc]);
}

/** CRC-32 (IEEE), as PNG chunks need; node:zlib has no crc32 before Node 20.15. */
function crc32(bytes: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}
