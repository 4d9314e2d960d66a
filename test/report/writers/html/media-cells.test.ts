/**
 * Media in the HTML report's cells: vars name media by placeholder, a small image is inlined as its own thumbnail,
 * a large one or a URL is named only, and the view's source replaces the inlined one.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createCellEncoder, formatVars, INLINE_IMAGE_BYTES } from '../../../../src/report/writers/html/cells.js';
import type { CellResult, MediaRef } from '../../../../src/types.js';

const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
let dir: string | undefined;
afterEach(() => dir && rmSync(dir, { recursive: true, force: true }));

function ref(path: string, bytes: number, extra: Partial<MediaRef> = {}): MediaRef {
  return { $media: 'image', hash: 'a'.repeat(64), mimeType: 'image/png', bytes, name: 'img/cat.png', path, ...extra };
}

function cell(vars: Record<string, unknown>): CellResult {
  return {
    cellId: 'c', providerId: 'p', providerLabel: 'p', promptId: 'q', testId: 't', testIndex: 0, repeatIndex: 0, vars, prompt: 'q [image: img/cat.png]',
    output: 'a cat', status: 'pass', score: 1, assertions: [], latencyMs: 1, cost: 0, cached: false,
  };
}

describe('media in the HTML report cells', () => {
  it('names media by placeholder in vars and inlines a small image as its thumbnail', () => {
    dir = mkdtempSync(join(tmpdir(), 'llmlab-media-cells-'));
    const small = join(dir, 'small');
    writeFileSync(small, PNG);
    const image = ref(small, PNG.length);
    const vars = { image, question: 'what is it?', album: [image] };
    expect(formatVars(vars)).toBe('image: [image: img/cat.png]\nquestion: what is it?\nalbum: ["[image: img/cat.png]"]');
    const encoded = createCellEncoder([{ promptId: 'q', providerLabel: 'p' }]).encode(cell(vars));
    expect(encoded.m).toEqual([
      { n: 'img/cat.png', k: 'image', s: `data:image/png;base64,${PNG.toString('base64')}` },
      { n: 'img/cat.png', k: 'image', s: `data:image/png;base64,${PNG.toString('base64')}` },
    ]);
    expect(JSON.stringify(encoded)).not.toContain(small);
  });

  it('names a large image, a URL and audio without a source; the view gives its own', () => {
    const large = ref('/nowhere', INLINE_IMAGE_BYTES + 1);
    const url = ref('', 0, { path: undefined, url: 'https://example.com/cat.png', name: 'https://example.com/cat.png' });
    const clip: MediaRef = { $media: 'audio', hash: 'b'.repeat(64), mimeType: 'audio/wav', bytes: 10, name: 'a.wav', path: '/x' };
    const encoded = createCellEncoder([{ promptId: 'q', providerLabel: 'p' }]).encode(cell({ large, url, clip }));
    expect(encoded.m).toEqual([
      { n: 'img/cat.png', k: 'image' },
      { n: 'https://example.com/cat.png', k: 'image' },
      { n: 'a.wav', k: 'audio' },
    ]);
    const viewed = createCellEncoder([{ promptId: 'q', providerLabel: 'p' }], undefined, { mediaSrc: (r) => `/media/${r.hash}` }).encode(cell({ large }));
    expect(viewed.m).toEqual([{ n: 'img/cat.png', k: 'image', s: `/media/${'a'.repeat(64)}` }]);
  });

  it('shows media the model produced on its cell', () => {
    const produced = ref('/nowhere', INLINE_IMAGE_BYTES + 1, { name: 'gpt-image-1-abcd1234.png' });
    const encoded = createCellEncoder([{ promptId: 'q', providerLabel: 'p' }]).encode({ ...cell({}), media: [produced] });
    expect(encoded.g).toEqual([{ n: 'gpt-image-1-abcd1234.png', k: 'image' }]);
    expect(encoded.m).toBeUndefined();
  });
});
