import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ProviderError } from '../../src/errors.js';
import { loadProviderPlugin, parseProviderId } from '../../src/providers/index.js';
import openaiImage from '../../src/providers/openai-image.js';
import type { MediaRef, MediaSink, Provider } from '../../src/types.js';
import { failureModeTests } from '../fakes/failure-modes.js';
import { startFakeOpenAI } from '../fakes/openai.js';
import type { FakeServer } from '../fakes/openai.js';
import { fakeImageText } from '../fakes/openai-images.js';
import { liveSignal, makeRequest, makeSpec, rejectionOf, serialise } from '../fakes/provider-spec.js';

const KEY = 'sk-test-SECRET-0123456789abcdef';
let server: FakeServer;
let dir: string;

beforeAll(async () => {
  server = await startFakeOpenAI({ apiKey: KEY });
  dir = mkdtempSync(join(tmpdir(), 'llmlab-openai-image-'));
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  server.setBehaviour({ failures: [], latencyMs: 0, apiKey: KEY, answer: undefined });
  server.requests.length = 0;
});

/** A media store's contract in a temp folder: bytes written once under their sha256, a ref back. */
function fileSink(): MediaSink & { puts: Array<{ name: string; mimeType?: string }> } {
  const puts: Array<{ name: string; mimeType?: string }> = [];
  return {
    puts,
    put(bytes, options) {
      puts.push(options);
      const hash = createHash('sha256').update(bytes).digest('hex');
      const path = join(dir, hash);
      writeFileSync(path, bytes);
      const png = bytes[0] === 0x89 && bytes[1] === 0x50;
      return { $media: 'image', hash, mimeType: options.mimeType ?? (png ? 'image/png' : 'application/octet-stream'), bytes: bytes.length, name: options.name, path };
    },
  };
}

async function provider(model = 'gpt-image-1', config: Record<string, unknown> = {}): Promise<Provider> {
  return openaiImage.create(makeSpec('openai-image', model, { baseUrl: `${server.url}/v1`, ...config }, { OPENAI_API_KEY: KEY }));
}

/** The provider with a media store in every call's context, as the engine runs it. */
function withSink(p: Provider, sink: MediaSink = fileSink()): Provider {
  return { ...p, generate: (request, context) => p.generate(request, { ...context, media: sink }) };
}

describe('openai-image provider', () => {
  failureModeTests({ api: 'OpenAI Images', server: () => server, provider: async (config) => withSink(await provider('gpt-image-1', config)), key: KEY, streams: false });

  it('is registered as openai-image, and `openai:image:<model>` names it', async () => {
    expect((await loadProviderPlugin('openai-image')).id).toBe('openai-image');
    expect(parseProviderId('openai:image:gpt-image-1')).toEqual({ type: 'openai-image', model: 'gpt-image-1' });
    expect(parseProviderId('openai-image:dall-e-3')).toEqual({ type: 'openai-image', model: 'dall-e-3' });
    // Every other openai id stays openai's.
    expect(parseProviderId('openai:gpt-4o')).toEqual({ type: 'openai', model: 'gpt-4o' });
    expect(parseProviderId('openai:images:x')).toEqual({ type: 'openai', model: 'images:x' });
    expect(openaiImage.parseModel!('gpt-image-1', {})).toEqual({ model: 'gpt-image-1' });
    expect(openaiImage.parseModel!('', {})).toMatchObject({ hint: expect.stringContaining('openai:image:gpt-image-1') });
  });

  it('sends one images.generate call and stores the image: placeholder output, ref in media, usage', async () => {
    const sink = fileSink();
    const p = withSink(await provider('gpt-image-1', { size: '1024x1536', quality: 'low' }), sink);
    const result = await p.generate(makeRequest('a red cube left of a blue sphere'), { signal: liveSignal() });
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]).toMatchObject({ method: 'POST', path: '/v1/images/generations' });
    // The exact body: gpt-image models always answer base64 and refuse response_format, so none is sent.
    expect(server.requests[0]!.body).toEqual({ model: 'gpt-image-1', n: 1, size: '1024x1536', quality: 'low', prompt: 'a red cube left of a blue sphere' });
    const [ref] = result.media as MediaRef[];
    expect(ref).toMatchObject({ $media: 'image', mimeType: 'image/png', name: `gpt-image-1-${ref!.hash.slice(0, 8)}.png` });
    expect(result.output).toBe(`[image: ${ref!.name}]`);
    expect(fakeImageText(readFileSync(ref!.path!))).toBe('echo: a red cube left of a blue sphere');
    expect(sink.puts).toEqual([{ name: 'gpt-image-1.png' }]);
    expect(result.usage).toEqual({ input: 8, output: 272, total: 280 });
    expect(result.cost).toBeUndefined();
    expect(result.raw).toMatchObject({ output_format: 'png', size: '1024x1536', quality: 'low' });
    // Nothing base64 stays in the answer, which results and the cache keep.
    expect(serialise(result)).not.toContain(readFileSync(ref!.path!).toString('base64').slice(0, 24));
  });

  it('asks dall-e models for b64_json, and prices an image at pricePerImage', async () => {
    const p = withSink(await provider('dall-e-3', { pricePerImage: 0.04, style: 'natural' }));
    const result = await p.generate(makeRequest('a lighthouse'), { signal: liveSignal() });
    expect(server.requests[0]!.body).toEqual({ model: 'dall-e-3', n: 1, style: 'natural', response_format: 'b64_json', prompt: 'a lighthouse' });
    expect(result.cost).toBe(0.04);
    expect(result.raw).toMatchObject({ revised_prompt: 'revised: a lighthouse' });
    expect(result.media).toHaveLength(1);
  });

  it('keeps the price out of the identity, and the image settings in it', async () => {
    const cheap = await provider('dall-e-3', { pricePerImage: 0.04, size: '1024x1024' });
    const dear = await provider('dall-e-3', { pricePerImage: 0.08, size: '1024x1024' });
    expect(cheap.identity).toEqual(dear.identity);
    expect(cheap.identity).toMatchObject({ model: 'dall-e-3', size: '1024x1024', n: 1 });
    expect(serialise(cheap.identity)).not.toContain(KEY);
    expect((await provider('dall-e-3', { size: '1792x1024' })).identity).not.toEqual(cheap.identity);
  });

  it('refuses a call without a media store, before any request, with a clear error', async () => {
    const error = await rejectionOf((await provider()).generate(makeRequest('a cat'), { signal: liveSignal() }));
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ retryable: false, message: expect.stringMatching(/no media store to keep them in/) });
    expect(server.requests).toHaveLength(0);
  });

  it('has a strict options schema with a description for every option', () => {
    const schema = openaiImage.optionsSchema as { additionalProperties: boolean; properties: Record<string, { description?: string }> };
    expect(schema.additionalProperties).toBe(false);
    for (const [key, property] of Object.entries(schema.properties)) expect(property.description, key).toEqual(expect.any(String));
  });
});
