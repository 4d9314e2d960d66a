/**
 * Media on the Anthropic, Ollama, Gemini (google:, vertex:) and Bedrock wires, through each official SDK against
 * its fake server: a user message of text, image and text parts in order, as the exact request JSON, and the
 * limits each provider declares. OpenAI's formats: ./openai-media.test.ts.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import anthropic from '../../src/providers/anthropic.js';
import bedrock from '../../src/providers/bedrock.js';
import google from '../../src/providers/google.js';
import ollama from '../../src/providers/ollama.js';
import vertex from '../../src/providers/vertex.js';
import type { MediaRef } from '../../src/types.js';
import { startFakeAnthropic } from '../fakes/anthropic.js';
import { startFakeBedrock } from '../fakes/bedrock.js';
import { startFakeGoogle } from '../fakes/google.js';
import type { FakeServer } from '../fakes/harness.js';
import { startFakeOllama } from '../fakes/ollama.js';
import { liveSignal, makeRequest, makeSpec, rejectionOf } from '../fakes/provider-spec.js';
import { mediaFixture, onePixelPng, silentWav, urlImage, userMessage } from '../fixtures/providers/media.js';
import type { MediaFixture } from '../fixtures/providers/media.js';

const KEY = 'test-SECRET-media-0123456789abcdef';
const MB = 1024 * 1024;
const CAT_URL = 'https://example.com/cat.png';
const PNG_BASE64 = onePixelPng().toString('base64');
const WAV_BASE64 = silentWav().toString('base64');
let store: MediaFixture;
let png: MediaRef;
let wav: MediaRef;
const servers: Record<'anthropic' | 'ollama' | 'google' | 'bedrock', FakeServer> = {} as never;

beforeAll(async () => {
  store = mediaFixture();
  png = store.add(onePixelPng(), 'image', 'image/png', 'img/dot.png');
  wav = store.add(silentWav(), 'audio', 'audio/wav', 'audio/hush.wav');
  servers.anthropic = await startFakeAnthropic({ apiKey: KEY });
  servers.ollama = await startFakeOllama();
  servers.google = await startFakeGoogle({ apiKey: KEY });
  servers.bedrock = await startFakeBedrock({ apiKey: 'AKIAMEDIATEST0000000' });
});
afterAll(async () => {
  store.close();
  await Promise.all(Object.values(servers).map((server) => server.close()));
});
beforeEach(() => {
  for (const server of Object.values(servers)) server.requests.length = 0;
});

/** Text, the PNG, text: the request every provider below must send in this order. */
function textImageText(image: MediaRef = png) {
  return makeRequest([
    { role: 'system', content: 'Be brief.' },
    userMessage([
      { type: 'text', text: 'What colour is ' },
      { type: 'image', media: image },
      { type: 'text', text: '?' },
    ]),
  ]);
}

describe('anthropic media on the wire', () => {
  const provider = () => anthropic.create(makeSpec('anthropic', 'claude-3-5-haiku-latest', { baseUrl: servers.anthropic.url }, { ANTHROPIC_API_KEY: KEY }));

  it('sends image blocks with a base64 source between the text blocks', async () => {
    await (await provider()).generate(textImageText(), { signal: liveSignal() });
    expect(servers.anthropic.requests[0]?.body).toEqual({
      model: 'claude-3-5-haiku-latest',
      max_tokens: 1024,
      system: 'Be brief.',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What colour is ' },
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG_BASE64 } },
            { type: 'text', text: '?' },
          ],
        },
      ],
    });
  });

  it('sends a URL image as a url source, declares its limits and refuses audio', async () => {
    const p = await provider();
    await p.generate(textImageText(urlImage(CAT_URL)), { signal: liveSignal() });
    expect(servers.anthropic.requests[0]?.body.messages[0].content[1]).toEqual({ type: 'image', source: { type: 'url', url: CAT_URL } });
    expect(p.media).toEqual({ image: { mimeTypes: ['image/jpeg', 'image/png', 'image/gif', 'image/webp'], maxBytes: 5 * MB, urls: true } });
    const error = await rejectionOf(p.generate(makeRequest([userMessage([{ type: 'audio', media: wav }])]), { signal: liveSignal() }));
    expect(error).toMatchObject({ code: 'PROVIDER_ERROR', message: 'Anthropic does not accept audio audio/hush.wav (audio/wav)' });
    expect(servers.anthropic.requests).toHaveLength(1);
  });
});

describe('ollama media on the wire', () => {
  const provider = (config: Record<string, unknown> = {}) => ollama.create(makeSpec('ollama', 'llava', { host: servers.ollama.url, ...config }));

  it('sends the text parts as content and the images beside them, as base64', async () => {
    const p = await provider();
    await p.generate(textImageText(), { signal: liveSignal() });
    expect(servers.ollama.requests[0]?.body).toEqual({
      model: 'llava',
      stream: false,
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'What colour is \n?', images: [PNG_BASE64] },
      ],
    });
    expect(p.media).toEqual({ image: { mimeTypes: ['image/png', 'image/jpeg', 'image/webp'], maxBytes: 20 * MB, urls: false } });
  });

  it('sends the same when streaming', async () => {
    await (await provider({ stream: true })).generate(textImageText(), { signal: liveSignal() });
    expect(servers.ollama.requests[0]?.body.messages[1]).toEqual({ role: 'user', content: 'What colour is \n?', images: [PNG_BASE64] });
  });

  it('refuses a URL it has no bytes for, and audio, before any call', async () => {
    const p = await provider();
    const url = await rejectionOf(p.generate(textImageText(urlImage(CAT_URL)), { signal: liveSignal() }));
    expect(url).toMatchObject({ code: 'PROVIDER_ERROR', message: `Ollama needs the bytes of image ${CAT_URL}, and it was not downloaded into the media store` });
    const audio = await rejectionOf(p.generate(makeRequest([userMessage([{ type: 'audio', media: wav }])]), { signal: liveSignal() }));
    expect(audio).toMatchObject({ code: 'PROVIDER_ERROR', message: 'Ollama does not accept audio audio/hush.wav (audio/wav)' });
    expect(servers.ollama.requests).toHaveLength(0);
  });
});

describe('gemini media on the wire', () => {
  const GEMINI_USER = (image: object) => ({
    role: 'user',
    parts: [{ text: 'What colour is ' }, image, { text: '?' }],
  });

  it('google: sends inlineData parts in order, and audio/mpeg as audio/mp3', async () => {
    const p = await google.create(makeSpec('google', 'gemini-2.5-flash', { baseUrl: servers.google.url }, { GOOGLE_API_KEY: KEY }));
    await p.generate(textImageText(), { signal: liveSignal() });
    expect(servers.google.requests[0]?.body).toEqual({
      contents: [GEMINI_USER({ inlineData: { mimeType: 'image/png', data: PNG_BASE64 } })],
      systemInstruction: { parts: [{ text: 'Be brief.' }], role: 'user' },
      generationConfig: {},
    });
    const mp3 = store.add(Buffer.from([0xff, 0xfb, 0x90, 0x00]), 'audio', 'audio/mpeg', 'audio/beep.mp3');
    await p.generate(makeRequest([userMessage([{ type: 'audio', media: wav }, { type: 'audio', media: mp3 }])]), { signal: liveSignal() });
    expect(servers.google.requests[1]?.body.contents[0].parts).toEqual([
      { inlineData: { mimeType: 'audio/wav', data: WAV_BASE64 } },
      { inlineData: { mimeType: 'audio/mp3', data: '//uQAA==' } },
    ]);
    expect(p.media).toEqual({
      image: { mimeTypes: ['image/png', 'image/jpeg', 'image/webp'], maxBytes: 20 * MB, urls: false },
      audio: { mimeTypes: ['audio/wav', 'audio/mpeg'], maxBytes: 20 * MB, urls: false },
    });
  });

  it('vertex: sends a URL as fileData and bytes as inlineData', async () => {
    const p = await vertex.create(makeSpec('vertex', 'gemini-2.5-flash', { baseUrl: servers.google.url }, { VERTEX_API_KEY: KEY }));
    await p.generate(textImageText(urlImage(CAT_URL)), { signal: liveSignal() });
    expect(servers.google.requests[0]?.body.contents).toEqual([GEMINI_USER({ fileData: { fileUri: CAT_URL, mimeType: 'image/png' } })]);
    await p.generate(textImageText(), { signal: liveSignal() });
    expect(servers.google.requests[1]?.body.contents).toEqual([GEMINI_USER({ inlineData: { mimeType: 'image/png', data: PNG_BASE64 } })]);
    expect(p.media?.image).toEqual({ mimeTypes: ['image/png', 'image/jpeg', 'image/webp'], maxBytes: 7 * MB, urls: true });
  });
});

describe('bedrock media on the wire', () => {
  const ENV = { AWS_ACCESS_KEY_ID: 'AKIAMEDIATEST0000000', AWS_SECRET_ACCESS_KEY: 'media-secret-0123456789', AWS_REGION: 'us-east-1' };
  const MODEL = 'anthropic.claude-3-5-sonnet-20241022-v2:0';
  const provider = () => bedrock.create(makeSpec('bedrock', MODEL, { endpoint: servers.bedrock.url }, ENV));

  it('sends an image block with its bytes between the text blocks', async () => {
    const p = await provider();
    await p.generate(textImageText(), { signal: liveSignal() });
    expect(servers.bedrock.requests[0]?.body).toEqual({
      system: [{ text: 'Be brief.' }],
      messages: [
        {
          role: 'user',
          content: [{ text: 'What colour is ' }, { image: { format: 'png', source: { bytes: PNG_BASE64 } } }, { text: '?' }],
        },
      ],
    });
    expect(p.media).toEqual({ image: { mimeTypes: ['image/png', 'image/jpeg', 'image/gif', 'image/webp'], maxBytes: 3.75 * MB, urls: false } });
  });

  it('refuses audio and an image whose file the store lost', async () => {
    const p = await provider();
    const audio = await rejectionOf(p.generate(makeRequest([userMessage([{ type: 'audio', media: wav }])]), { signal: liveSignal() }));
    expect(audio).toMatchObject({ code: 'PROVIDER_ERROR', message: 'Bedrock does not accept audio audio/hush.wav (audio/wav)' });
    const lost = await rejectionOf(p.generate(textImageText({ ...png, path: `${store.dir}/gone` }), { signal: liveSignal() }));
    expect(lost).toMatchObject({ code: 'PROVIDER_ERROR', message: expect.stringMatching(/^cannot read image img\/dot.png from the media store/) });
    expect(servers.bedrock.requests).toHaveLength(0);
  });
});
