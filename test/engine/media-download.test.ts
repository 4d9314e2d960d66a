/**
 * URL media and providers that take only bytes: the URL is downloaded once into the media store before any call; a
 * provider that takes URLs still gets the URL; a failed download stops the run before any call.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ResolvedPrompt } from '../../src/config/types.js';
import { prepareMediaFor, preparePromptMedia } from '../../src/engine/media-check.js';
import { createPlan } from '../../src/engine/plan.js';
import { createPromptMedia } from '../../src/engine/render-media.js';
import { openMediaStore } from '../../src/media/store.js';
import type { MediaLimits, Provider } from '../../src/types.js';
import { onePixelPng } from '../fixtures/providers/media.js';
import { makeSuite, provider } from './make-suite.js';

const URL_IMAGE = 'https://images.example/cat.png';
const BYTES_ONLY: MediaLimits = { image: { mimeTypes: ['image/png'], maxBytes: 1024 * 1024, urls: false } };
const TAKES_URLS: MediaLimits = { image: { mimeTypes: ['image/png'], maxBytes: 1024 * 1024, urls: true } };

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'llmlab-media-download-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function live(label: string, media: MediaLimits): [string, Provider] {
  return [label, { id: label, type: label, model: '', identity: {}, media, generate: () => Promise.reject(new Error('no calls here')) }];
}

async function prepared(labels: Array<[string, Provider]>, fetchBytes: (url: string) => Promise<Uint8Array>) {
  const prompt: ResolvedPrompt = { id: 'look', messages: [{ role: 'user', content: [{ type: 'text', text: 'What is it?' }, { type: 'image', image: URL_IMAGE }] }], source: { file: join(dir, 'suite.yaml') } };
  const suite = makeSuite({ providers: labels.map(([label]) => provider(label)), tests: [{ id: 't', index: 0, vars: {}, assert: [] }], prompts: [prompt], path: join(dir, 'suite.yaml') });
  const media = createPromptMedia(() => openMediaStore(join(dir, 'media')));
  const plan = createPlan(suite, { media });
  await preparePromptMedia(plan);
  await prepareMediaFor(plan, new Map(labels), media, fetchBytes);
  const parts = plan.prompts[0]!.render(suite.tests[0]!).messages[0]!.parts!;
  return parts[1]!.type === 'image' ? parts[1]!.media : undefined;
}

describe('URL media for providers that take only bytes', () => {
  it('downloads the URL once into the store, keeping the URL and its identity', async () => {
    const fetched: string[] = [];
    const ref = await prepared([live('ollama', BYTES_ONLY), live('anthropic', TAKES_URLS)], async (url) => (fetched.push(url), onePixelPng()));
    expect(fetched).toEqual([URL_IMAGE]);
    expect(ref).toMatchObject({ $media: 'image', url: URL_IMAGE, mimeType: 'image/png', bytes: onePixelPng().length, name: URL_IMAGE });
    expect(ref!.hash.startsWith('url:')).toBe(true);
    expect(ref!.path).toContain(join(dir, 'media'));
  });

  it('downloads nothing when every provider takes URLs', async () => {
    const fetched: string[] = [];
    const ref = await prepared([live('anthropic', TAKES_URLS)], async (url) => (fetched.push(url), onePixelPng()));
    expect(fetched).toEqual([]);
    expect(ref!.path).toBeUndefined();
  });

  it('stops before any call when the download fails or is not media', async () => {
    await expect(prepared([live('ollama', BYTES_ONLY)], () => Promise.reject(new Error('HTTP 404')))).rejects.toThrow('HTTP 404');
    await expect(prepared([live('ollama', BYTES_ONLY)], async () => new TextEncoder().encode('<html>not an image</html>'))).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
  });
});
