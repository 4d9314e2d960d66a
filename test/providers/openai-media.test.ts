/**
 * Media on OpenAI's wire, through the official SDK against the fake server: Chat Completions content parts
 * (image_url by data: URI and URL, input_audio), the same through streaming, Azure and a vendor, the Responses
 * API's input_image, and the limits each declares.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import azure from '../../src/providers/azure.js';
import { loadProviderPlugin } from '../../src/providers/index.js';
import openai from '../../src/providers/openai.js';
import type { MediaRef, Provider } from '../../src/types.js';
import { startFakeAzure } from '../fakes/azure.js';
import type { FakeServer } from '../fakes/openai.js';
import { startFakeOpenAI } from '../fakes/openai.js';
import { liveSignal, makeRequest, makeSpec, rejectionOf } from '../fakes/provider-spec.js';
import { mediaFixture, onePixelPng, silentWav, urlImage, userMessage } from '../fixtures/providers/media.js';
import type { MediaFixture } from '../fixtures/providers/media.js';

const KEY = 'sk-test-SECRET-media-0123456789';
const MB = 1024 * 1024;
let server: FakeServer;
let azureServer: FakeServer;
let store: MediaFixture;
let png: MediaRef;
let wav: MediaRef;
const PNG_URI = `data:image/png;base64,${onePixelPng().toString('base64')}`;
const WAV_BASE64 = silentWav().toString('base64');
const CAT_URL = 'https://example.com/cat.png';

beforeAll(async () => {
  server = await startFakeOpenAI({ apiKey: KEY });
  azureServer = await startFakeAzure({ apiKey: KEY });
  store = mediaFixture();
  png = store.add(onePixelPng(), 'image', 'image/png', 'img/dot.png');
  wav = store.add(silentWav(), 'audio', 'audio/wav', 'audio/hush.wav');
});
afterAll(async () => {
  store.close();
  await Promise.all([server.close(), azureServer.close()]);
});
beforeEach(() => {
  server.requests.length = 0;
  azureServer.requests.length = 0;
});

async function provider(config: Record<string, unknown> = {}): Promise<Provider> {
  return openai.create(makeSpec('openai', 'gpt-4o-mini', { baseUrl: `${server.url}/v1`, ...config }, { OPENAI_API_KEY: KEY }));
}

/** System text, then a user message of text, image (bytes), text, image (URL), audio, text. */
function mixedRequest() {
  return makeRequest([
    { role: 'system', content: 'Be brief.' },
    userMessage([
      { type: 'text', text: 'What is in ' },
      { type: 'image', media: png },
      { type: 'text', text: ' and in ' },
      { type: 'image', media: urlImage(CAT_URL) },
      { type: 'audio', media: wav },
      { type: 'text', text: '?' },
    ]),
  ]);
}

const CHAT_MESSAGES = [
  { role: 'system', content: 'Be brief.' },
  {
    role: 'user',
    content: [
      { type: 'text', text: 'What is in ' },
      { type: 'image_url', image_url: { url: PNG_URI } },
      { type: 'text', text: ' and in ' },
      { type: 'image_url', image_url: { url: CAT_URL } },
      { type: 'input_audio', input_audio: { data: WAV_BASE64, format: 'wav' } },
      { type: 'text', text: '?' },
    ],
  },
];

describe('openai media on the wire', () => {
  it('sends a user message with media as Chat Completions content parts, in order', async () => {
    const result = await (await provider()).generate(mixedRequest(), { signal: liveSignal() });
    expect(result.output).toContain('What is in');
    expect(server.requests[0]?.body).toEqual({ model: 'gpt-4o-mini', messages: CHAT_MESSAGES });
  });

  it('sends the same parts when streaming', async () => {
    const p = await provider({ stream: true });
    await p.generate(mixedRequest(), { signal: liveSignal() });
    expect(server.requests[0]?.body).toMatchObject({ stream: true, messages: CHAT_MESSAGES });
  });

  it('sends a text-only message as it did before media existed', async () => {
    await (await provider()).generate(makeRequest('hello'), { signal: liveSignal() });
    expect(server.requests[0]?.body).toEqual({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hello' }] });
  });

  it('declares its limits: images by URL or bytes up to 20 MB, wav/mp3 audio as bytes', async () => {
    expect((await provider()).media).toEqual({
      image: { mimeTypes: ['image/png', 'image/jpeg', 'image/gif', 'image/webp'], maxBytes: 20 * MB, urls: true },
      audio: { mimeTypes: ['audio/wav', 'audio/mpeg'], maxBytes: 25 * MB, urls: false },
    });
    expect((await provider({ api: 'completions' })).media).toBeUndefined();
  });

  it('refuses audio it has no bytes for, before any call', async () => {
    const noBytes: MediaRef = { $media: 'audio', hash: 'url:x', mimeType: 'audio/wav', bytes: 0, name: 'https://example.com/a.wav', url: 'https://example.com/a.wav' };
    const error = await rejectionOf((await provider()).generate(makeRequest([userMessage([{ type: 'audio', media: noBytes }])]), { signal: liveSignal() }));
    expect(error).toMatchObject({ code: 'PROVIDER_ERROR', message: expect.stringMatching(/OpenAI needs the bytes of audio https:\/\/example.com\/a.wav/), hint: expect.stringMatching(/does not take audio URLs/) });
    expect(server.requests).toHaveLength(0);
  });

  it('sends the Responses API input_text and input_image parts, and declares images only', async () => {
    const p = await provider({ api: 'responses' });
    const request = makeRequest([
      userMessage([
        { type: 'text', text: 'Describe ' },
        { type: 'image', media: png },
        { type: 'image', media: urlImage(CAT_URL) },
        { type: 'text', text: ' briefly' },
      ]),
    ]);
    await p.generate(request, { signal: liveSignal() });
    expect(server.requests[0]?.body).toEqual({
      model: 'gpt-4o-mini',
      input: [
        {
          role: 'user',
          content: [
            { type: 'input_text', text: 'Describe ' },
            { type: 'input_image', image_url: PNG_URI, detail: 'auto' },
            { type: 'input_image', image_url: CAT_URL, detail: 'auto' },
            { type: 'input_text', text: ' briefly' },
          ],
        },
      ],
    });
    expect(p.media).toEqual({ image: { mimeTypes: ['image/png', 'image/jpeg', 'image/gif', 'image/webp'], maxBytes: 20 * MB, urls: true } });
    const audio = await rejectionOf(p.generate(makeRequest([userMessage([{ type: 'audio', media: wav }])]), { signal: liveSignal() }));
    expect(audio).toMatchObject({ code: 'PROVIDER_ERROR', message: expect.stringMatching(/Responses API does not accept audio audio\/hush.wav/) });
  });

  it('sends the same content parts to Azure OpenAI', async () => {
    const p = await azure.create(makeSpec('azure', 'prod-vision', { endpoint: azureServer.url }, { AZURE_OPENAI_API_KEY: KEY }));
    await p.generate(mixedRequest(), { signal: liveSignal() });
    expect(azureServer.requests[0]?.body).toMatchObject({ messages: CHAT_MESSAGES });
    expect(p.media?.image?.maxBytes).toBe(20 * MB);
  });

  it('sends the same content parts to an OpenAI-compatible vendor, with the vendor\'s limits', async () => {
    const groq = await loadProviderPlugin('groq');
    const p = await groq.create(makeSpec('groq', 'llama-4-scout', { baseUrl: `${server.url}/v1` }, { GROQ_API_KEY: KEY }));
    await p.generate(mixedRequest(), { signal: liveSignal() });
    expect(server.requests[0]?.body).toEqual({ model: 'llama-4-scout', messages: CHAT_MESSAGES });
    expect(p.media).toEqual({ image: { mimeTypes: ['image/png', 'image/jpeg', 'image/gif', 'image/webp'], maxBytes: 3 * MB, urls: true } });
    const deepseek = await (await loadProviderPlugin('deepseek')).create(makeSpec('deepseek', 'deepseek-chat', {}, { DEEPSEEK_API_KEY: 'k' }));
    expect(deepseek.media).toBeUndefined();
  });
});
