/**
 * `media.maxEdge`: images over the edge are stored downscaled in their own format (sharp), named as written, and a
 * record spares the next run the resizing; smaller images and other media pass unchanged; a suite's vars get the
 * downscaled copy.
 */
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { loadSuite } from '../../src/config/load-suite.js';
import { withMaxEdge } from '../../src/media/downscale.js';
import { openMediaStore } from '../../src/media/store.js';
import type { MediaRef } from '../../src/types.js';
import { project, tempDir } from '../config/helpers.js';

const png = (width: number, height: number) => sharp({ create: { width, height, channels: 3, background: '#c00' } }).png().toBuffer();

describe('media.maxEdge', () => {
  it('stores an image over the edge downscaled to fit, in its own format, and remembers it', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'wide.png'), await png(64, 32));
    await writeFile(join(dir, 'small.png'), await png(10, 10));
    const plain = openMediaStore(join(dir, 'media'));
    const store = withMaxEdge(plain, 16);
    const wide = await store.addFile(join(dir, 'wide.png'), 'img/wide.png');
    const original = await plain.addFile(join(dir, 'wide.png'), 'img/wide.png');
    expect(wide.hash).not.toBe(original.hash);
    expect(wide).toMatchObject({ $media: 'image', mimeType: 'image/png', name: 'img/wide.png' });
    expect(await sharp(await store.read(wide)).metadata()).toMatchObject({ width: 16, height: 8, format: 'png' });
    expect(readdirSync(join(dir, 'media', '.resized'))).toEqual([`${original.hash}-16`]);
    // Another process (a new store) takes the recorded copy without resizing again.
    expect(await withMaxEdge(openMediaStore(join(dir, 'media')), 16).addFile(join(dir, 'wide.png'), 'other.png')).toEqual({ ...wide, name: 'other.png' });
    const small = await store.addFile(join(dir, 'small.png'), 'img/small.png');
    expect(small.hash).toBe((await plain.addFile(join(dir, 'small.png'), 'x')).hash);
  });

  it('gives a suite\'s image vars the downscaled copy', async () => {
    const dir = await tempDir();
    await mkdir(join(dir, 'img'));
    await writeFile(join(dir, 'img', 'big.png'), await png(40, 20));
    await writeFile(
      join(dir, 'suite.yaml'),
      'media: { maxEdge: 20 }\nproviders: [echo]\nprompts: ["{{ image }} what is it?"]\ntests:\n  - vars: { image: file:img/big.png }\n',
    );
    const suite = await loadSuite(join(dir, 'suite.yaml'), { ...project, db: join(dir, '.llmlab', 'llmlab.db') });
    const image = suite.tests[0]!.vars.image as MediaRef;
    expect(image.name).toBe('img/big.png');
    expect(existsSync(image.path!)).toBe(true);
    expect(await sharp(image.path!).metadata()).toMatchObject({ width: 20, height: 10 });
    expect(suite.mediaMaxEdge).toBe(20);
  });
});
