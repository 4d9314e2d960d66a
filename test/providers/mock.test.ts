import { describe, expect, it } from 'vitest';
import { LlmlabError, ProviderError } from '../../src/errors.js';
import mock from '../../src/providers/mock.js';
import type { GenerateRequest, Provider } from '../../src/types.js';
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
