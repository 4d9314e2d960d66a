/** Media through the real runSuite: offline on `mock`, cached by the bytes' hash, refused before any call. */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ResolvedSuite } from '../../src/config/types.js';
import { openMediaStore } from '../../src/media/store.js';
import { openStore, type Store } from '../../src/store/index.js';
import type { MediaRef } from '../../src/types.js';
import { assertion, makeSuite, provider } from './make-suite.js';
import { runInStore } from './run-in-store.js';

// Two distinct 1×1 PNGs (the second differs in its pixel data, so in its hash).
const CAT = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a5f1d6350000000049454e44ae426082', 'hex');
const DOG = Buffer.concat([CAT.subarray(0, 40), Buffer.from([0x01]), CAT.subarray(41)]);

let dir: string;
let store: Store;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'llmlab-media-run-'));
  mkdirSync(join(dir, 'img'));
  writeFileSync(join(dir, 'img', 'cat.png'), CAT);
  writeFileSync(join(dir, 'img', 'dog.png'), DOG);
  store = openStore(join(dir, 'llmlab.db'));
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Refs as the suite loader makes them from `image: file:img/…` vars: in the media store beside the database. */
async function refOf(file: string): Promise<MediaRef> {
  return openMediaStore(join(dir, 'media')).addFile(join(dir, file), file);
}

function visionSuite(images: MediaRef[], providers = [provider('mock', { answers: [{ image: 'dog.png', output: 'a dog' }, { image: 'cat.png', output: 'a cat' }] })]): ResolvedSuite {
  return makeSuite({
    path: join(dir, 'suite.yaml'),
    baseDir: dir,
    providers,
    prompts: [{
      id: 'vqa',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Same as the legend?' }, { type: 'image', image: 'file:img/cat.png' }, { type: 'image', image: '{{ image }}' }] }],
      source: { file: join(dir, 'suite.yaml'), line: 2 },
    }],
    tests: images.map((image, index) => ({ id: `t${index}`, index, vars: { image }, assert: [assertion('contains', index === 0 ? 'cat' : 'dog')] })),
  });
}

describe('a suite with images', () => {
  it('runs offline on mock, and its re-run answers every cell from the cache, renamed files included', async () => {
    const images = [await refOf('img/cat.png'), await refOf('img/dog.png')];
    const first = await runInStore(store, dir, visionSuite(images));
    expect(first.outcome.status).toBe('completed');
    // Every request carries the legend (file:img/cat.png in the prompt) and the test's image: the first answer
    // whose image the request holds wins.
    expect(first.cells.map((c) => [c.status, c.output])).toEqual([['pass', 'a cat'], ['pass', 'a dog']]);
    expect(first.outcome.stats.calls).toBe(2);

    const second = await runInStore(store, dir, visionSuite(images));
    expect(second.outcome.stats).toMatchObject({ calls: 0, cacheHits: 2 });
    expect(second.cells.every((c) => c.cached)).toBe(true);

    copyFileSync(join(dir, 'img', 'dog.png'), join(dir, 'img', 'puppy.png'));
    const renamed = [images[0]!, await refOf('img/puppy.png')];
    const third = await runInStore(store, dir, visionSuite(renamed));
    expect(third.outcome.stats).toMatchObject({ calls: 0, cacheHits: 2 });
  });

  it('matches mock answers by the image a test holds', async () => {
    const suite = visionSuite([await refOf('img/dog.png')], [provider('mock', { answers: [{ image: 'dog.png', output: 'a dog' }] })]);
    const { cells } = await runInStore(store, dir, suite);
    expect(cells.map((c) => c.output)).toEqual(['a dog']);
  });

  it('refuses media to a text-only provider before anything runs', async () => {
    const suite = visionSuite([await refOf('img/cat.png')], [provider('exec:node never-started.js')]);
    await expect(runInStore(store, dir, suite)).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: expect.stringMatching(/^exec:node never-started\.js does not accept images \(img\/cat\.png\) — provider exec:node never-started\.js, test 1/),
    });
    expect(store.runs.list()).toEqual([]);
  });
});
