import { describe, expect, it } from 'vitest';
import { LlmlabError, ProviderError } from '../../src/errors.js';
import echo from '../../src/providers/echo.js';
import mock from '../../src/providers/mock.js';
import { mediaPlaceholder } from '../../src/types.js';
import type { ContentPart, GenerateRequest, MediaRef, Provider } from '../../src/types.js';
import { makeProviderSpec } from '../fixtures/providers/test-provider.js';

const signal = new AbortController().signal;

function ask(provider: Provider, prompt: string, vars: Record<string, unknown> = {}) {
  const request: GenerateRequest = { prompt, messages: [{ role: 'user', content: prompt }], vars, repeatIndex: 0 };
  return provider.generate(request, { signal });
}

async function mockWith(config: Record<string, unknown>, id = 'mock'): Promise<Provider> {
  return mock.create(makeProviderSpec(id, config));
}

describe('mock provider', () => {
  it("answers 'mock answer' when it has no script", async () => {
    const provider = await mockWith({});
    expect(await ask(provider, 'anything')).toEqual({
      output: 'mock answer',
      usage: { input: 2, output: 3, total: 5 },
      finishReason: 'stop',
    });
  });

  it('uses the configured default when nothing matches', async () => {
    const provider = await mockWith({ answers: [{ match: 'weather', output: 'sunny' }], default: 'no idea' });
    expect((await ask(provider, 'How tall is Everest?')).output).toBe('no idea');
  });

  it('matches a case-insensitive substring, and the first matching answer wins', async () => {
    const provider = await mockWith({
      answers: [
        { match: 'PASSWORD', output: 'Use the reset link.' },
        { match: 'password reset', output: 'never reached' },
      ],
    });
    expect((await ask(provider, 'How do I do a password reset?')).output).toBe('Use the reset link.');
  });

  it('matches a regex with the i flag', async () => {
    const provider = await mockWith({ answers: [{ regex: '^translate\\b.*french$', output: 'bonjour' }] });
    expect((await ask(provider, 'TRANSLATE hello to French')).output).toBe('bonjour');
    expect((await ask(provider, 'please translate hello to French')).output).toBe('mock answer');
  });

  it('reports an invalid regex as CONFIG_INVALID naming the answer', async () => {
    const error = await mockWith({ answers: [{ match: 'ok' }, { regex: '(unclosed' }] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LlmlabError);
    expect(error).toMatchObject({ code: 'CONFIG_INVALID' });
    expect((error as Error).message).toMatch(/answers\[1\]\.regex/);
  });

  it('matches vars only when every listed var equals, deeply', async () => {
    const provider = await mockWith({
      answers: [
        { vars: { lang: 'fr', user: { tier: 'pro' } }, output: 'pro french' },
        { vars: { lang: 'fr' }, output: 'french' },
      ],
    });
    expect((await ask(provider, 'hi', { lang: 'fr', user: { tier: 'pro' } })).output).toBe('pro french');
    expect((await ask(provider, 'hi', { lang: 'fr', user: { tier: 'free' } })).output).toBe('french');
    expect((await ask(provider, 'hi', { lang: 'de' })).output).toBe('mock answer');
    expect((await ask(provider, 'hi')).output).toBe('mock answer');
  });

  it('requires every condition of an answer to hold', async () => {
    const provider = await mockWith({ answers: [{ match: 'refund', vars: { vip: true }, output: 'refunded' }] });
    expect((await ask(provider, 'refund please', { vip: true })).output).toBe('refunded');
    expect((await ask(provider, 'refund please', { vip: false })).output).toBe('mock answer');
    expect((await ask(provider, 'hello', { vip: true })).output).toBe('mock answer');
  });

  it('replaces {{prompt}} literally, without interpreting the prompt', async () => {
    const provider = await mockWith({ answers: [{ output: 'You said: {{prompt}} / {{ prompt }}' }] });
    const prompt = 'cost is $& {{ not.a.var }} $1';
    expect((await ask(provider, prompt)).output).toBe(`You said: ${prompt} / ${prompt}`);
  });

  it('fails with a non-retryable ProviderError for an error answer', async () => {
    const provider = await mockWith({ answers: [{ match: 'boom', error: 'content policy violation' }] });
    const error = await ask(provider, 'boom').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ message: 'content policy violation', retryable: false });
  });

  it('reports a scripted finish reason', async () => {
    const provider = await mockWith({ answers: [{ match: 'long', output: 'trunc', finishReason: 'length' }] });
    expect((await ask(provider, 'a long essay')).finishReason).toBe('length');
  });

  it('fails the first failFirst calls of each prompt with a retryable 503, per instance', async () => {
    const provider = await mockWith({ failFirst: 2, answers: [{ output: 'ok' }] });
    for (let attempt = 1; attempt <= 2; attempt++) {
      const error = await ask(provider, 'A').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ProviderError);
      expect(error).toMatchObject({ status: 503, retryable: true });
    }
    expect((await ask(provider, 'A')).output).toBe('ok');
    expect((await ask(provider, 'A')).output).toBe('ok');
    // Another prompt has its own count.
    await expect(ask(provider, 'B')).rejects.toMatchObject({ status: 503 });
    // A new instance starts over.
    const fresh = await mockWith({ failFirst: 2, answers: [{ output: 'ok' }] });
    await expect(ask(fresh, 'A')).rejects.toMatchObject({ status: 503 });
  });

  it('puts the script in its identity, but not latency or failFirst', async () => {
    const base = { answers: [{ match: 'x', output: 'y' }], default: 'd' };
    const a = await mockWith(base);
    const b = await mockWith({ ...base, latencyMs: 10, failFirst: 1 });
    const c = await mockWith({ ...base, answers: [{ match: 'x', output: 'z' }] });
    expect(a.identity).toEqual(b.identity);
    expect(a.identity).not.toEqual(c.identity);
  });

  it('keeps the name of mock:<name> as its model', async () => {
    const provider = await mockWith({}, 'mock:support-bot');
    expect(provider).toMatchObject({ id: 'mock:support-bot', type: 'mock', model: 'support-bot' });
  });
});

describe('mock provider with media', () => {
  const cat: MediaRef = { $media: 'image', hash: 'e3b0c44298fc1c149afbf4c8996fb924', mimeType: 'image/png', bytes: 68, name: 'img/cat.png', path: '/m/e3/e3b0' };
  const clip: MediaRef = { $media: 'audio', hash: '0123456789abcdef', mimeType: 'audio/wav', bytes: 44, name: 'clip.wav', path: '/m/01/0123' };

  /** A request as rendering makes it: the text with placeholders, and the parts. */
  function askWith(provider: Provider, parts: ContentPart[]) {
    const content = parts.map((p) => (p.type === 'text' ? p.text : mediaPlaceholder(p.media))).join('');
    const request: GenerateRequest = { prompt: content, messages: [{ role: 'user', content, parts }], vars: {}, repeatIndex: 0 };
    return provider.generate(request, { signal });
  }

  it('picks an answer by the image: its name as written, its file name, or a sha256 prefix', async () => {
    for (const image of ['img/cat.png', 'cat.png', 'e3b0c44', 'E3B0C44298']) {
      const provider = await mockWith({ answers: [{ image, output: 'a cat' }], default: 'no image' });
      expect((await askWith(provider, [{ type: 'text', text: 'What is this? ' }, { type: 'image', media: cat }])).output).toBe('a cat');
    }
    const other = await mockWith({ answers: [{ image: 'dog.png', output: 'a dog' }, { image: 'e3b0', output: 'too short a prefix' }], default: 'no match' });
    expect((await askWith(other, [{ type: 'image', media: cat }])).output).toBe('no match');
    // Text-only requests carry no image.
    expect((await ask(await mockWith({ answers: [{ image: 'cat.png', output: 'x' }] }), 'cat.png')).output).toBe('mock answer');
  });

  it('picks an answer by audio, and an image condition does not match audio', async () => {
    const provider = await mockWith({ answers: [{ image: 'clip.wav', output: 'wrong kind' }, { audio: 'clip.wav', output: 'a song' }] });
    expect((await askWith(provider, [{ type: 'audio', media: clip }])).output).toBe('a song');
  });

  it('tries match strings against the placeholders, and combines conditions', async () => {
    const provider = await mockWith({ answers: [{ match: '[image: img/cat.png]', regex: 'count', output: 'one cat' }, { match: '[image:', output: 'some image' }] });
    expect((await askWith(provider, [{ type: 'text', text: 'count: ' }, { type: 'image', media: cat }])).output).toBe('one cat');
    expect((await askWith(provider, [{ type: 'image', media: cat }])).output).toBe('some image');
  });

  it('accepts images and audio of any size, by URL too, so offline vision suites run', async () => {
    const provider = await mockWith({});
    expect(provider.media?.image).toMatchObject({ maxBytes: Number.POSITIVE_INFINITY, urls: true, mimeTypes: expect.arrayContaining(['image/png', 'image/jpeg']) });
    expect(provider.media?.audio?.mimeTypes).toEqual(['audio/wav', 'audio/mpeg']);
    expect(mock.optionsSchema).toMatchObject({ properties: { answers: { items: { properties: { image: { type: 'string' }, audio: { type: 'string' } } } } } });
  });

  it('echo accepts media too, and echoes the placeholders', async () => {
    const provider = await echo.create(makeProviderSpec('echo', {}));
    expect(provider.media).toEqual((await mockWith({})).media);
    expect((await askWith(provider, [{ type: 'text', text: 'See ' }, { type: 'image', media: cat }])).output).toBe('See [image: img/cat.png]');
  });
});
