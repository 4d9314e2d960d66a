/**
 * Memory with large media (issue 21): 500 distinct images of 8 MB each (4 GB in all) sent to the 0 ms fake OpenAI
 * server at -j 16, peak RSS measured by bench/rss-probe.mjs. The bar is < 1 GB: the media store keeps bytes on
 * disk and a provider reads one image while it builds one request, so memory grows with the concurrency, not
 * with the number or the size of the images (promptfoo's users report running out of memory at this size).
 *
 * The images are random bytes behind a valid PNG signature and IHDR chunk, so the store's sniffing takes them for
 * PNGs (nothing decodes them); a per-image counter makes every hash distinct, so nothing is deduplicated. A second
 * run on the same database measures the re-run: every call from the cache (the key holds the hash), no call made.
 */
import { randomFillSync } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

type Measure = (args: string[]) => { wallMs: number; rssBytes: number };
type Row = [string, string, string];

const IMAGES = 500;
const IMAGE_BYTES = 8 * 1024 * 1024;

/** CRC-32 of a PNG chunk's type and data. */
function crc32(bytes: Uint8Array): number {
  let c = ~0;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

/** The fixed head of every image: PNG signature, a valid IHDR (2048 × 1024 RGBA), then an IDAT chunk's header. */
function pngHead(idatLength: number): Buffer {
  const ihdrBody = Buffer.alloc(17);
  ihdrBody.write('IHDR', 0, 'latin1');
  ihdrBody.writeUInt32BE(2048, 4);
  ihdrBody.writeUInt32BE(1024, 8);
  ihdrBody.set([8, 6, 0, 0, 0], 12);
  const ihdr = Buffer.alloc(25);
  ihdr.writeUInt32BE(13, 0);
  ihdrBody.copy(ihdr, 4);
  ihdr.writeUInt32BE(crc32(ihdrBody), 21);
  const idat = Buffer.alloc(8);
  idat.writeUInt32BE(idatLength, 0);
  idat.write('IDAT', 4, 'latin1');
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), ihdr, idat]);
}

/** Writes the images and a JSON Lines dataset naming them; one 8 MB buffer reused, so writing costs no memory. */
function writeImages(work: string, images: number): string {
  const dir = join(work, 'mm-img');
  mkdirSync(dir, { recursive: true });
  const bytes = Buffer.alloc(IMAGE_BYTES);
  randomFillSync(bytes);
  // Signature and IHDR (33 bytes), IDAT's length and type (8), its data, its CRC (4, not checked), IEND (12).
  const head = pngHead(IMAGE_BYTES - 41 - 4 - 12);
  head.copy(bytes, 0);
  Buffer.from([0, 0, 0, 0, 73, 69, 78, 68, 0xae, 0x42, 0x60, 0x82]).copy(bytes, IMAGE_BYTES - 12);
  const rows: string[] = [];
  for (let i = 0; i < images; i++) {
    bytes.writeUInt32BE(i, head.length); // the first bytes of the "pixel data": a distinct hash per image
    const name = `img-${String(i).padStart(3, '0')}.png`;
    writeFileSync(join(dir, name), bytes);
    rows.push(JSON.stringify({ vars: { image: `file:mm-img/${name}`, n: i } }));
  }
  writeFileSync(join(work, 'mm-tests.jsonl'), `${rows.join('\n')}\n`);
  return 'mm-tests.jsonl';
}

function suiteYaml(url: string, tests: string, images: number): string {
  return (
    `description: bench multimodal, ${images} images of 8 MB\n` +
    `providers:\n  - id: openai:bench-vision\n    config: { baseUrl: "${url}/v1", maxRetries: 2 }\n` +
    `prompts:\n  - id: describe\n    messages:\n      - role: user\n        content:\n` +
    `          - { type: image, image: "{{ image }}" }\n          - { type: text, text: "Describe image {{ n }} in one sentence." }\n` +
    // The fake echoes the text parts of the last user message, so a cell passes only when its request arrived whole.
    `defaultTest:\n  assert:\n    - { type: contains, value: "Describe image" }\n` +
    `tests: file:${tests}\n`
  );
}

/** Totals of a run from its JSON report: a bench that measured failing cells would measure nothing. */
function totals(report: string): { cells: number; passed: number; cachedCells: number } {
  const { summary } = JSON.parse(readFileSync(report, 'utf8')) as { summary: { cells: number; passed: number; cachedCells: number } };
  return summary;
}

/**
 * Peak RSS of the 500 × 8 MB run at -j 16, and the wall time of a re-run answered from the cache. `images` and
 * `concurrency` are there to see what the peak follows (it should follow -j, not the count).
 */
export async function benchMultimodal(work: string, url: string, bin: string, measure: Measure, { images = IMAGES, concurrency = 16 } = {}): Promise<Row[]> {
  const rows: Row[] = [];
  try {
    const tests = writeImages(work, images);
    writeFileSync(join(work, 'mm.yaml'), suiteYaml(url, tests, images));
    const args = (out: string) => [bin, 'eval', join(work, 'mm.yaml'), '-j', String(concurrency), '--db', join(work, 'mm', 'llmlab.db'), '--no-tui', '-o', join(work, out)];
    const first = measure(args('mm-1.json'));
    const t1 = totals(join(work, 'mm-1.json'));
    if (t1.passed !== images) throw new Error(`multimodal bench: ${t1.passed} of ${t1.cells} cells passed; expected ${images}`);
    rows.push([
      `${images} images × 8 MB (${((images * IMAGE_BYTES) / 2 ** 30).toFixed(1)} GB), 0 ms fake OpenAI, -j ${concurrency}: peak RSS`,
      `${(first.rssBytes / 1048576).toFixed(0)} MB (wall ${(first.wallMs / 1000).toFixed(1)} s)`,
      'bar < 1 GB (1024 MB)',
    ]);
    const again = measure(args('mm-2.json'));
    const t2 = totals(join(work, 'mm-2.json'));
    rows.push([
      `the same ${images} images re-run on the same database`,
      `${(again.wallMs / 1000).toFixed(1)} s, ${t2.cachedCells} of ${t2.cells} cells cached, peak RSS ${(again.rssBytes / 1048576).toFixed(0)} MB`,
      'every cell from the cache: 0 calls',
    ]);
  } finally {
    // 4 GB of images and 4 GB in the media store: gone before the next bench starts.
    rmSync(join(work, 'mm-img'), { recursive: true, force: true });
    rmSync(join(work, 'mm'), { recursive: true, force: true });
  }
  return rows;
}
