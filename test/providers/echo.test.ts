import { afterEach, describe, expect, it, vi } from 'vitest';
import { ProviderError } from '../../src/errors.js';
import echo from '../../src/providers/echo.js';
import { makeProviderSpec } from '../fixtures/providers/test-provider.js';

const request = { prompt: 'Hello, world!', messages: [], vars: {}, repeatIndex: 0 };
const signal = new AbortController().signal;

describe('echo provider', () => {
  afterEach(() => vi.useRealTimers());

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

  // Fake timers: the delay is observed exactly, by what has happened at each instant, not by a clock.
  it('waits latencyMs before answering', async () => {
    vi.useFakeTimers();
    const provider = await echo.create(makeProviderSpec('echo', { latencyMs: 80 }));
    let answered = false;
    const call = provider.generate(request, { signal }).then(() => (answered = true));
    await vi.advanceTimersByTimeAsync(79);
    expect(answered).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(answered).toBe(true);
    await call;
  });

  it('stops waiting when aborted during the delay', async () => {
    vi.useFakeTimers();
    const provider = await echo.create(makeProviderSpec('echo', { latencyMs: 5000 }));
    const controller = new AbortController();
    const call = provider.generate(request, { signal: controller.signal });
    await vi.advanceTimersByTimeAsync(30);
    controller.abort();
    // Settles with the fake clock at 30 ms: a delay that ignored the abort would never settle here.
    await expect(call).rejects.toThrow(ProviderError);
  });
});
