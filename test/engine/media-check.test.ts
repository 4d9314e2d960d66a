import { describe, expect, it } from 'vitest';
import { checkMedia } from '../../src/engine/media-check.js';
import { createPlan } from '../../src/engine/plan.js';
import type { MediaLimits, MediaRef, Provider, TestCase } from '../../src/types.js';
import { makeSuite, provider } from './make-suite.js';

const MB = 1024 * 1024;
const big: MediaRef = { $media: 'image', hash: 'a'.repeat(64), mimeType: 'image/png', bytes: 8.2 * MB, name: 'img/big.png', path: '/m/aa/a' };
const small: MediaRef = { ...big, hash: 'b'.repeat(64), bytes: 1000, name: 'img/small.png' };
const bmp: MediaRef = { ...small, mimeType: 'image/gif', name: 'img/anim.gif' };
const clip: MediaRef = { $media: 'audio', hash: 'c'.repeat(64), mimeType: 'audio/wav', bytes: 500, name: 'clip.wav', path: '/m/cc/c' };
const link: MediaRef = { $media: 'image', hash: `url:${'d'.repeat(64)}`, mimeType: 'image/png', bytes: 0, name: 'https://x.test/a.png', url: 'https://x.test/a.png' };

const ANTHROPIC: MediaLimits = { image: { mimeTypes: ['image/png', 'image/jpeg', 'image/gif', 'image/webp'], maxBytes: 5 * MB, urls: true } };
const OLLAMA: MediaLimits = { image: { mimeTypes: ['image/png', 'image/jpeg'], maxBytes: 100 * MB, urls: false } };

function live(label: string, media?: MediaLimits): [string, Provider] {
  return [label, { id: label, type: label, model: '', identity: {}, ...(media ? { media } : {}), generate: () => Promise.reject(new Error('no calls in a check')) }];
}

/** A suite whose one prompt shows `{{ image }}`, one test per ref, run by `labels`. */
function check(refs: MediaRef[], providers: Array<[string, Provider]>): void {
  const tests: TestCase[] = refs.map((image, index) => ({ id: `t${index}`, index, description: `case ${index + 1}`, vars: { image }, assert: [] }));
  const suite = makeSuite({
    providers: providers.map(([label]) => provider(label)),
    tests,
    prompts: [{ id: 'look', template: 'What is this? {{ image }}', source: { file: '/virtual/suite.yaml' } }],
  });
  checkMedia(createPlan(suite), new Map(providers));
}

describe('the pre-run media check', () => {
  it('passes media every provider accepts, and text-only suites on text-only providers', () => {
    expect(() => check([small], [live('anthropic', ANTHROPIC), live('ollama', OLLAMA)])).not.toThrow();
    const suite = makeSuite({ providers: [provider('exec')], tests: [{ id: 't', index: 0, vars: { question: 'q' }, assert: [] }] });
    expect(() => checkMedia(createPlan(suite), new Map([live('exec')]))).not.toThrow();
  });

  it('refuses an image over the limit, naming provider, test, file and limit', () => {
    expect(() => check([small, big], [live('anthropic', ANTHROPIC)])).toThrow(
      expect.objectContaining({
        code: 'CONFIG_INVALID',
        message: 'anthropic accepts images up to 5 MB; img/big.png is 8.2 MB — provider anthropic, test 2 (case 2), prompt `look`',
        where: { file: '/virtual/suite.yaml' },
      }),
    );
  });

  it('refuses a kind the provider does not take', () => {
    expect(() => check([clip], [live('ollama', OLLAMA)])).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID', message: expect.stringMatching(/^ollama does not accept audio \(clip\.wav\) — provider ollama, test 1/), hint: 'accepted: images' }),
    );
  });

  it('refuses any media to a text-only provider', () => {
    expect(() => check([small], [live('anthropic', ANTHROPIC), live('exec')])).toThrow(
      expect.objectContaining({ message: expect.stringMatching(/^exec does not accept images \(img\/small\.png\)/), hint: expect.stringContaining('text only') }),
    );
  });

  it('refuses a type outside the provider list', () => {
    expect(() => check([bmp], [live('ollama', OLLAMA)])).toThrow(/ollama accepts images as image\/png, image\/jpeg; img\/anim\.gif is image\/gif/);
  });

  it('refuses a URL to a provider that needs bytes, and accepts it where URLs are sent', () => {
    expect(() => check([link], [live('anthropic', ANTHROPIC)])).not.toThrow();
    expect(() => check([link], [live('ollama', OLLAMA)])).toThrow(/ollama does not accept image URLs, and https:\/\/x\.test\/a\.png is not downloaded/);
  });

  it('checks only the providers that run the tests (a security target-only provider sends no test prompts)', () => {
    const tests: TestCase[] = [{ id: 't', index: 0, vars: { image: small }, assert: [] }];
    const suite = makeSuite({
      providers: [provider('anthropic'), provider('exec')],
      tests,
      prompts: [{ id: 'look', template: '{{ image }}', source: { file: '/virtual/suite.yaml' } }],
      security: { target: 'exec', targetOnly: true, tests: [] } as never,
    });
    expect(() => checkMedia(createPlan(suite), new Map([live('anthropic', ANTHROPIC), live('exec')]))).not.toThrow();
  });
});
