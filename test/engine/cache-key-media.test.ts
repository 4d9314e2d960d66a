import { describe, expect, it } from 'vitest';
import { judgeKey, responseKey } from '../../src/engine/cache-key.js';
import { compilePrompt } from '../../src/engine/render.js';
import type { ChatMessage, MediaRef, TestCase } from '../../src/types.js';

const cat: MediaRef = { $media: 'image', hash: 'c'.repeat(64), mimeType: 'image/png', bytes: 68, name: 'img/cat.png', path: '/a/media/cc/ccc' };
const prompt = compilePrompt({ id: 'p', template: 'What is in {{ image }}?', source: { file: '/s/suite.yaml' } });
const test = (image: MediaRef): TestCase => ({ id: 't', index: 0, vars: { image }, assert: [] });

/** The key of the cell of `image`, as the executor computes it (`varsMatter` as for http/exec providers). */
function keyOf(image: MediaRef, varsMatter = false): string {
  const { messages, prompt: text } = prompt.render(test(image));
  return responseKey({ providerType: 'mock', identity: {}, messages, prompt: text, vars: { image }, repeatIndex: 0, varsMatter });
}

describe('cache keys of requests with media', () => {
  it('do not change when the file is renamed or the media folder moves', () => {
    const renamed = { ...cat, name: 'photos/kitty.png', path: '/elsewhere/media/cc/ccc' };
    expect(keyOf(renamed)).toBe(keyOf(cat));
    expect(keyOf(renamed, true)).toBe(keyOf(cat, true));
  });

  it('change with the bytes (the hash) and with the type', () => {
    expect(keyOf({ ...cat, hash: 'd'.repeat(64) })).not.toBe(keyOf(cat));
    expect(keyOf({ ...cat, mimeType: 'image/jpeg' })).not.toBe(keyOf(cat));
    expect(keyOf({ ...cat, hash: 'd'.repeat(64) }, true)).not.toBe(keyOf(cat, true));
  });

  it('key a URL ref by its hash, not by the URL text in its name', () => {
    const url: MediaRef = { $media: 'image', hash: `url:${'e'.repeat(64)}`, mimeType: 'image/jpeg', bytes: 0, name: 'https://x/a.jpg', url: 'https://x/a.jpg' };
    expect(keyOf({ ...url, name: 'renamed' })).toBe(keyOf(url));
    expect(keyOf({ ...url, hash: `url:${'f'.repeat(64)}` })).not.toBe(keyOf(url));
  });

  it('keep the key of a request without media exactly as before', () => {
    const messages: ChatMessage[] = [{ role: 'user', content: 'hi' }];
    const key = responseKey({ providerType: 'echo', identity: {}, messages, prompt: 'hi', vars: { q: 'hi' }, repeatIndex: 0, varsMatter: true });
    // Computed by cache-key.ts before media existed: media support must not invalidate anyone's cache.
    expect(key).toBe('7c4bbe654447777430bf0ae5e74061c2c6345764aaeb62adb008fa980af5adc7');
  });

  it('apply to judge keys too', () => {
    const judge = (image: MediaRef) => {
      const { messages, prompt: text } = prompt.render(test(image));
      return judgeKey({ providerType: 'mock', identity: {}, messages, prompt: text, vars: {}, repeatIndex: 0, varsMatter: false, structured: { name: 'v' } });
    };
    expect(judge({ ...cat, name: 'other.png' })).toBe(judge(cat));
    expect(judge({ ...cat, hash: '0'.repeat(64) })).not.toBe(judge(cat));
  });
});
