import { describe, expect, it } from 'vitest';
import { ProviderError } from '../../src/errors.js';
import echo from '../../src/providers/echo.js';
import { makeProviderSpec } from '../fixtures/providers/test-provider.js';

const request = { prompt: 'Hello, world!', messages: [], vars: {}, repeatIndex: 0 };
const signal = new AbortController().signal;

describe('echo provider', () => {
  it('answers with the prompt, approximate usage and finish reason stop', async () => {
    const provider = await echo.create(makeProviderSpec('echo'));
    const result = await provider.generate(request, { signal });
    // 13 characters → ceil(13 / 4) = 4 tokens each way.
    expect(result).toEqual({ output: 'Hello, world!', usage: { input: 4, output: 4, total: 8 }, finishReason: 'stop' });
  });

  it('has an empty identity: only the request decides the answer', async () => {
    const fast = await echo.create(makeProviderSpec('echo'));
    const slow = await echo.create(makeProviderSpec('echo', { latencyMs: 5 }));
    expect(fast.identity).toEqual({});
    expect(slow.identity).toEqual(fast.identity);
  });

  it('waits latencyMs before answering', async () => {
    const provider = await echo.create(makeProviderSpec('echo', { latencyMs: 80 }));
    const started = performance.now();
    await provider.generate(request, { signal });
    expect(performance.now() - started).toBeGreaterThanOrEqual(75);
  });

  it('stops waiting when aborted during the delay', async () => {
    const provider = await echo.create(makeProviderSpec('echo', { latencyMs: 5000 }));
    const started = Date.now();
    await expect(provider.generate(request, { signal: AbortSignal.timeout(30) })).rejects.toThrow(ProviderError);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
