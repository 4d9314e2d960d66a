/** Media in test vars: `file:` images and audio, data: URIs, relative to the file holding the row; errors; the suite hash. */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSuite } from '../../src/config/load-suite.js';
import type { ResolvedSuite } from '../../src/config/types.js';
import type { MediaRef } from '../../src/types.js';
import { flatten, project, tempDir } from './helpers.js';
import type { Seen } from './helpers.js';

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 1, 2, 3]);
const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 9, 9]);
const GIF = Buffer.from('GIF89a\x01\x00\x01\x00', 'latin1');
const WAV = Buffer.concat([Buffer.from('RIFF\x24\0\0\0WAVEfmt ', 'latin1'), Buffer.from([1, 2])]);

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** Writes text and binary files into a fresh folder; the database (so the media store) lives inside it. */
async function setUp(files: Record<string, string | Buffer>): Promise<string> {
  const dir = await tempDir();
  for (const [name, content] of Object.entries(files)) {
    await mkdir(dirname(join(dir, name)), { recursive: true });
    await writeFile(join(dir, name), content);
  }
  return dir;
}

const load = (dir: string, suite = 'suite.yaml'): Promise<ResolvedSuite> =>
  loadSuite(join(dir, suite), { ...project, db: join(dir, '.llmlab', 'llmlab.db') });

async function errors(files: Record<string, string | Buffer>): Promise<Seen[]> {
  const dir = await setUp(files);
  try {
    await load(dir);
  } catch (error) {
    return flatten(error, dir);
  }
  throw new Error('expected the suite to be rejected');
}

function ref(bytes: Buffer, mimeType: string, name: string, dir: string): MediaRef {
  const hash = sha256(bytes);
  return { $media: mimeType.startsWith('audio/') ? 'audio' : 'image', hash, mimeType, bytes: bytes.length, name, path: join(dir, '.llmlab', 'media', hash.slice(0, 2), hash) };
}

const HEAD = 'providers: [echo]\nprompts: ["Q: {{ q }}"]\n';

describe('media vars', () => {
  it('turns file: images and audio and data: URIs in tests and defaultTest into refs; other file: vars stay text', async () => {
    const dir = await setUp({
      'suite.yaml': `${HEAD}defaultTest:
  vars: { logo: file:img/logo.gif }
tests:
  - vars:
      q: a
      image: file:img/cat.png
      pair: [file:img/cat.png, file:img/dog.JPG, plain]
      notes: file:notes.txt
      clip: "data:audio/wav;base64,${WAV.toString('base64')}"
  - vars: { q: b, logo: file:img/cat.png }
`,
      'img/cat.png': PNG,
      'img/dog.JPG': JPEG,
      'img/logo.gif': GIF,
      'notes.txt': 'hello',
    });
    const suite = await load(dir);
    const cat = ref(PNG, 'image/png', 'img/cat.png', dir);
    expect(suite.tests.map((t) => t.vars)).toEqual([
      {
        logo: ref(GIF, 'image/gif', 'img/logo.gif', dir),
        q: 'a',
        image: cat,
        pair: [cat, ref(JPEG, 'image/jpeg', 'img/dog.JPG', dir), 'plain'],
        notes: 'file:notes.txt',
        clip: ref(WAV, 'audio/wav', 'data:', dir),
      },
      { logo: cat, q: 'b' },
    ]);
    expect(existsSync(cat.path ?? '')).toBe(true);
    // Watch mode follows the media files too.
    expect(suite.sources).toEqual(expect.arrayContaining([join(dir, 'img/logo.gif'), join(dir, 'img/cat.png'), join(dir, 'img/dog.JPG')]));
    expect(suite.sources).not.toContain(join(dir, 'notes.txt'));
  });

  it('reads a dataset row’s file: paths relative to the dataset file (JSONL, CSV, YAML)', async () => {
    const dir = await setUp({
      'suite.yaml': `${HEAD}tests: file:data/*\n`,
      'data/a.jsonl': '{"q": "a", "image": "file:img/cat.png"}\n{"vars": {"q": "b", "image": "file:../top.png"}}\n',
      'data/b.csv': 'q,image\nc,file:img/cat.png\n',
      'data/c.yaml': '- vars: { q: d, image: file:../top.png }\n',
      'data/img/cat.png': PNG,
      'top.png': JPEG,
    });
    const suite = await load(dir);
    const cat = ref(PNG, 'image/png', 'img/cat.png', dir);
    const top = ref(JPEG, 'image/jpeg', '../top.png', dir);
    expect(suite.tests.map((t) => t.vars.image)).toEqual([cat, top, cat, top]);
  });

  it('reads a glob as the list of the media it matches, in path order', async () => {
    const dir = await setUp({
      'suite.yaml': `${HEAD}tests: file:data/rows.csv\n`,
      'data/rows.csv': 'q,images\na,file:img/*.png\nb,file:none/*.png\n',
      'data/img/b.png': PNG,
      'data/img/a.png': Buffer.concat([PNG, Buffer.from([1])]),
      'data/img/c.jpg': JPEG,
    });
    const seen = await load(dir).catch((error: unknown) => flatten(error, dir));
    expect(seen).toEqual([
      {
        code: 'FILE_NOT_FOUND',
        at: 'data/rows.csv:3:',
        message: 'no files match `none/*.png` (looked in <dir>/data/none)',
        hint: 'the path is relative to the file that holds the test (<dir>/data)',
      },
    ]);
    await writeFile(join(dir, 'data/rows.csv'), 'q,images\na,file:img/*.png\n');
    const suite = await load(dir);
    expect(suite.tests[0]?.vars.images).toEqual([
      ref(Buffer.concat([PNG, Buffer.from([1])]), 'image/png', 'img/a.png', dir),
      ref(PNG, 'image/png', 'img/b.png', dir),
    ]);
  });

  it('leaves no media folder for a suite without media', async () => {
    const dir = await setUp({ 'suite.yaml': `${HEAD}tests: [{ vars: { q: file:notes.md } }]\n` });
    expect((await load(dir)).tests[0]?.vars).toEqual({ q: 'file:notes.md' });
    expect(existsSync(join(dir, '.llmlab'))).toBe(false);
  });

  it('names a missing or unsupported file at the var, in the suite and in a dataset', async () => {
    const seen = await errors({
      'suite.yaml': `${HEAD}defaultTest:
  vars: { logo: file:img/logo.png }
tests:
  - vars: { q: a, image: file:img/cta.png }
  - vars: { q: b, image: file:img/notes.png }
  - vars: { q: c, clip: "data:audio/wav;base64,aGVsbG8=" }
  - vars: { q: d, image: file:nowhere/x.png }
`,
      'img/cat.png': PNG,
      'img/notes.png': 'not an image',
    });
    const supported = 'supported: PNG, JPEG, GIF and WebP images; WAV and MP3 audio; the type is read from the bytes, not from the extension';
    expect(seen).toEqual([
      { code: 'FILE_NOT_FOUND', at: 'suite.yaml:4:17', message: 'media file img/logo.png not found (looked for <dir>/img/logo.png)', hint: 'the path is relative to the file that holds the test (<dir>)' },
      { code: 'FILE_NOT_FOUND', at: 'suite.yaml:6:26', message: 'media file img/cta.png not found (looked for <dir>/img/cta.png)', hint: 'did you mean `file:img/cat.png`?' },
      { code: 'CONFIG_INVALID', at: 'suite.yaml:7:26', message: 'img/notes.png is not a supported media file: it looks like text', hint: supported },
      { code: 'CONFIG_INVALID', at: 'suite.yaml:8:25', message: 'data: (declared audio/wav) is not a supported media file: it looks like text', hint: supported },
      {
        code: 'FILE_NOT_FOUND',
        at: 'suite.yaml:9:26',
        message: 'media file nowhere/x.png not found (looked for <dir>/nowhere/x.png)',
        hint: 'the path is relative to the file that holds the test (<dir>)',
      },
    ]);
  });

  it('names a dataset row’s missing file at the row', async () => {
    const seen = await errors({
      'suite.yaml': `${HEAD}tests: file:data/rows.*\n`,
      'data/rows.jsonl': '{"q": "a"}\n{"q": "b", "image": "file:cat.png"}\n',
      'data/rows.yaml': '- vars: { q: c, image: file:cat.png }\n',
      'cat.png': PNG, // beside the suite, not beside the dataset
    });
    const error = (at: string): Seen => ({
      code: 'FILE_NOT_FOUND',
      at,
      message: 'media file cat.png not found (looked for <dir>/data/cat.png)',
      hint: 'the path is relative to the file that holds the test (<dir>/data)',
    });
    expect(seen).toEqual([error('data/rows.jsonl:2:'), error('data/rows.yaml:1:24')]);
  });
});

describe('the suite hash and test ids with media', () => {
  const suiteFor = (name: string) => `${HEAD}tests:\n  - vars: { q: a, image: file:${name} }\n`;

  it('stay the same when an image is renamed, and change with its bytes', async () => {
    const dir = await setUp({ 'suite.yaml': suiteFor('img/cat.png'), 'img/cat.png': PNG });
    const before = await load(dir);
    await rename(join(dir, 'img/cat.png'), join(dir, 'img/kitten.png'));
    await writeFile(join(dir, 'suite.yaml'), suiteFor('img/kitten.png'));
    const renamed = await load(dir);
    expect(renamed.tests[0]?.vars.image).toMatchObject({ name: 'img/kitten.png', hash: sha256(PNG) });
    expect(renamed.hash).toBe(before.hash);
    expect(renamed.tests[0]?.id).toBe(before.tests[0]?.id);
    await writeFile(join(dir, 'img/kitten.png'), Buffer.concat([PNG, Buffer.from([4])]));
    const changed = await load(dir);
    expect(changed.hash).not.toBe(before.hash);
    expect(changed.tests[0]?.id).not.toBe(before.tests[0]?.id);
  });
});
