/** `/media/<sha256>` in-process: a stored image served with its sniffed type; anything else is a 404. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { mediaDirFor } from '../../src/media/media-dir.js';
import { openMediaStore } from '../../src/media/store.js';
import { viewMediaSrc } from '../../src/view/media.js';
import { onePixelPng } from '../fixtures/providers/media.js';
import { viewApp, viewHeaders, viewProject, type ViewProject } from './helpers.js';

let project: ViewProject | undefined;
afterEach(() => project?.dispose());

describe('/media/<hash>', () => {
  it('serves a stored image with its own type, and nothing else', async () => {
    project = viewProject();
    const store = openMediaStore(mediaDirFor(project.store.path));
    const ref = store.addBytes(onePixelPng(), { name: 'img/dot.png' });
    const { app, context } = await viewApp(project);
    const res = await app.request(`/media/${ref.hash}`, { headers: viewHeaders(context) });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(Buffer.from(await res.arrayBuffer())).toEqual(onePixelPng());
    expect(viewMediaSrc(ref)).toBe(`/media/${ref.hash}`);

    // A file in the store whose bytes are not media (planted by hand) is never served as anything.
    const fake = 'f'.repeat(64);
    mkdirSync(join(store.dir, 'ff'), { recursive: true });
    writeFileSync(join(store.dir, 'ff', fake), '<script>alert(1)</script>');
    expect((await app.request(`/media/${fake}`, { headers: viewHeaders(context) })).status).toBe(404);
    expect((await app.request('/media/..%2f..%2fllmlab.db', { headers: viewHeaders(context) })).status).toBe(404);
    expect((await app.request(`/media/${'0'.repeat(64)}`, { headers: viewHeaders(context) })).status).toBe(404);
  });

  it('gives no thumbnail source for a URL or audio', () => {
    expect(viewMediaSrc({ $media: 'image', hash: `url:${'a'.repeat(64)}`, mimeType: 'image/png', bytes: 0, name: 'u', url: 'https://x/y.png' })).toBeUndefined();
    expect(viewMediaSrc({ $media: 'audio', hash: 'a'.repeat(64), mimeType: 'audio/wav', bytes: 4, name: 'a.wav', path: '/x' })).toBeUndefined();
  });
});
