import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ResolvedPrompt } from '../../src/config/types.js';
import { createPlan } from '../../src/engine/plan.js';
import { compilePrompt } from '../../src/engine/render.js';
import { createPromptMedia, MediaPending } from '../../src/engine/render-media.js';
import { preparePromptMedia } from '../../src/engine/media-check.js';
import { openMediaStore } from '../../src/media/store.js';
import type { MediaRef, PromptContentPart, TestCase } from '../../src/types.js';
import { makeSuite, provider } from './make-suite.js';

// A 1×1 PNG and a minimal WAV header: the store sniffs the bytes, so they must look real.
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a5f1d6350000000049454e44ae426082', 'hex');
const WAV = Buffer.concat([Buffer.from('RIFF'), Buffer.alloc(4), Buffer.from('WAVEfmt '), Buffer.alloc(32)]);

const cat: MediaRef = { $media: 'image', hash: 'a'.repeat(64), mimeType: 'image/png', bytes: 68, name: 'img/cat.png', path: '/m/aa/aaa' };
const song: MediaRef = { $media: 'audio', hash: 'b'.repeat(64), mimeType: 'audio/wav', bytes: 44, name: 'song.wav', path: '/m/bb/bbb' };
const test = (vars: Record<string, unknown>): TestCase => ({ id: 't', index: 0, vars, assert: [] });

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'llmlab-render-media-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function promptOf(content: PromptContentPart[] | string, role: 'user' | 'system' | 'assistant' = 'user'): ResolvedPrompt {
  return { id: 'vision', messages: [{ role, content }], source: { file: join(dir, 'suite.yaml'), line: 4 } };
}

/** The store over `dir/media`, and a prepared render (as a run does before its first call). */
async function renderPrepared(prompt: ResolvedPrompt, vars: Record<string, unknown> = {}) {
  const media = createPromptMedia(() => openMediaStore(join(dir, 'media')));
  const suite = makeSuite({ providers: [provider('echo')], tests: [test(vars)], prompts: [prompt], path: join(dir, 'suite.yaml') });
  const plan = createPlan(suite, { media });
  await preparePromptMedia(plan);
  return plan.prompts[0]!.render(suite.tests[0]!);
}

describe('rendering media', () => {
  it('renders text and media parts in order, with placeholders in content and prompt', () => {
    const p = compilePrompt(promptOf([
      { type: 'text', text: 'Look at {{ who }}:' },
      { type: 'image', image: '{{ image }}' },
      { type: 'text', text: 'and listen:' },
      { type: 'audio', audio: '{{ clip }}' },
    ]));
    const { messages, prompt } = p.render(test({ who: 'this', image: cat, clip: song }));
    expect(messages).toEqual([
      {
        role: 'user',
        content: 'Look at this:\n[image: img/cat.png]\nand listen:\n[audio: song.wav]',
        parts: [
          { type: 'text', text: 'Look at this:' },
          { type: 'image', media: cat },
          { type: 'text', text: 'and listen:' },
          { type: 'audio', media: song },
        ],
      },
    ]);
    expect(prompt).toBe(messages[0]!.content);
  });

  it('makes a media var inside a text template a media part at its position (the template helper)', () => {
    const p = compilePrompt({ id: 'p', template: 'Describe {{ image }} in {{ n }} words. Name: {{ image.name }}', source: { file: '/s/suite.yaml' } });
    const { messages, prompt } = p.render(test({ image: cat, n: 5 }));
    expect(messages[0]!.parts).toEqual([
      { type: 'text', text: 'Describe ' },
      { type: 'image', media: cat },
      { type: 'text', text: ' in 5 words. Name: img/cat.png' },
    ]);
    expect(prompt).toBe('Describe [image: img/cat.png] in 5 words. Name: img/cat.png');
  });

  it('finds media in lists of vars, and leaves a message without media as plain text', () => {
    const p = compilePrompt({ id: 'p', template: '{% for i in images %}{{ i }}{% endfor %}', source: { file: '/s/suite.yaml' } });
    expect(p.render(test({ images: [cat, cat] })).messages[0]!.parts).toEqual([{ type: 'image', media: cat }, { type: 'image', media: cat }]);
    const plain = compilePrompt(promptOf([{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }]));
    expect(plain.render(test({})).messages).toEqual([{ role: 'user', content: 'a\nb' }]);
  });

  it('resolves file: relative to the prompt file, data: and https:// values through the media store', async () => {
    mkdirSync(join(dir, 'img'));
    writeFileSync(join(dir, 'img', 'dog.png'), PNG);
    const dataUri = `data:audio/wav;base64,${WAV.toString('base64')}`;
    const { messages } = await renderPrepared(promptOf([
      { type: 'image', image: 'file:img/{{ animal }}.png' },
      { type: 'audio', audio: dataUri },
      { type: 'image', image: 'https://example.com/a.jpg' },
    ]), { animal: 'dog' });
    const [file, data, url] = messages[0]!.parts!.map((part) => (part.type === 'text' ? undefined : part.media));
    expect(file).toMatchObject({ $media: 'image', mimeType: 'image/png', bytes: PNG.length, name: 'img/dog.png' });
    expect(file!.path!.startsWith(join(dir, 'media'))).toBe(true);
    expect(data).toMatchObject({ $media: 'audio', mimeType: 'audio/wav', bytes: WAV.length });
    expect(url).toMatchObject({ $media: 'image', url: 'https://example.com/a.jpg', bytes: 0 });
    expect(url!.path).toBeUndefined();
  });

  it('asks for preparation instead of blocking when a file is not hashed yet', async () => {
    writeFileSync(join(dir, 'x.png'), PNG);
    const media = createPromptMedia(() => openMediaStore(join(dir, 'media')));
    const p = compilePrompt(promptOf([{ type: 'image', image: 'file:x.png' }]), media);
    expect(p.mediaParts).toBe(true);
    let pending: unknown;
    try {
      p.render(test({}));
    } catch (error) {
      pending = error;
    }
    expect(pending).toBeInstanceOf(MediaPending);
    await (pending as MediaPending).pending;
    expect(p.render(test({})).messages[0]!.parts).toEqual([{ type: 'image', media: expect.objectContaining({ name: 'x.png', bytes: PNG.length }) }]);
  });

  it('refuses a part value that is not media, naming prompt, part and test', () => {
    const p = compilePrompt(promptOf([{ type: 'image', image: '{{ caption }}' }]));
    expect(() => p.render({ ...test({ caption: 'a cat' }), description: 'cats' })).toThrow(
      expect.objectContaining({
        code: 'TEMPLATE_ERROR',
        message: expect.stringMatching(/prompt `vision` \(message 1, user\) part 1 for test 1 \(cats\): an image part must be a media var.*"a cat"/),
      }),
    );
  });

  it('refuses audio in an image part, and media in a system or assistant message', () => {
    expect(() => compilePrompt(promptOf([{ type: 'image', image: '{{ clip }}' }])).render(test({ clip: song }))).toThrow(/an image part holds audio \(song.wav\)/);
    for (const role of ['system', 'assistant'] as const) {
      expect(() => compilePrompt(promptOf('See {{ image }}', role)).render(test({ image: cat }))).toThrow(
        expect.objectContaining({ code: 'TEMPLATE_ERROR', message: expect.stringContaining(`a ${role} message holds media (img/cat.png); only user messages`) }),
      );
    }
  });

  it('says so when a file: part is rendered without a media store', () => {
    expect(() => compilePrompt(promptOf([{ type: 'image', image: 'file:x.png' }])).render(test({}))).toThrow(/needs the media store/);
  });

  it('reports a missing file through the store while preparing', async () => {
    await expect(renderPrepared(promptOf([{ type: 'image', image: 'file:img/missing.png' }]))).rejects.toThrow(/missing\.png/);
  });
});
