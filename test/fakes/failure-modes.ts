/**
 * The failure behaviour every SDK-backed provider shares, as one vitest block run against each fake server:
 * what is retryable, Retry-After, resets, malformed bodies, aborts, and that the key never leaks.
 */
import { expect, it } from 'vitest';
import { ProviderError } from '../../src/errors.js';
import type { Provider } from '../../src/types.js';
import type { FakeServer } from './harness.js';
import { liveSignal, makeRequest, rejectionOf, serialise } from './provider-spec.js';

export interface FailureModeOptions {
  /** Display name used in messages, e.g. `Anthropic`. */
  api: string;
  server: () => FakeServer;
  provider: (config?: Record<string, unknown>) => Promise<Provider>;
  /** The key the provider was given, when it takes one. */
  key?: string;
  /** False for a provider without a `stream` option: the streaming variants are skipped. Default true. */
  streams?: boolean;
}

/** Registers the shared failure-mode tests; call inside a `describe`. */
export function failureModeTests({ api, server, provider, key, streams = true }: FailureModeOptions): void {
  /**
   * Aborts once the server has taken the call (and with it the queued `hang`). Aborting on a timer instead raced
   * with a slow client: a request still in the socket when its call was aborted reached the server during the next
   * test and took that test's failure.
   */
  function abortOnArrival(controller: AbortController, reason?: unknown): () => void {
    const seen = server().requests.length;
    let timer: ReturnType<typeof setTimeout>;
    const check = (): void => {
      if (server().requests.length > seen) controller.abort(reason);
      else timer = setTimeout(check, 5);
    };
    timer = setTimeout(check, 5);
    // A call that fails before it reaches the server must not leave the check running.
    return () => clearTimeout(timer);
  }

  async function failure(config: Record<string, unknown> = {}): Promise<ProviderError> {
    const error = await rejectionOf((await provider(config)).generate(makeRequest('hello'), { signal: liveSignal() }));
    expect(error).toBeInstanceOf(ProviderError);
    return error as ProviderError;
  }

  for (const stream of streams ? [false, true] : [false]) {
    const mode = stream ? ' (streaming)' : '';
    // A provider without streaming has no `stream` option to pass.
    const config = streams ? { stream } : {};

    it(`turns 429 with Retry-After into a retryable error with the delay${mode}`, async () => {
      server().setBehaviour({ failures: [{ status: 429, retryAfter: '1' }] });
      const error = await failure(config);
      expect(error).toMatchObject({ code: 'PROVIDER_ERROR', status: 429, retryable: true, retryAfterMs: 1000 });
      expect(error.message).toBe(`${api} API error (HTTP 429): rate limit exceeded, slow down`);
    });

    it(`treats 500 as retryable${mode}`, async () => {
      server().setBehaviour({ failures: [{ status: 500 }] });
      expect(await failure(config)).toMatchObject({ status: 500, retryable: true, retryAfterMs: undefined });
    });

    it(`treats a reset connection as retryable${mode}`, async () => {
      server().setBehaviour({ failures: [{ reset: true }] });
      const error = await failure(config);
      expect(error.retryable).toBe(true);
      expect(error.message).toMatch(new RegExp(`^${api} connection failed`));
    });

    it(`reports a malformed body as final, saying so${mode}`, async () => {
      server().setBehaviour({ failures: [{ malformed: true }] });
      const error = await failure(config);
      expect(error.retryable).toBe(false);
      expect(error.message).toMatch(new RegExp(`^${api} returned a malformed response`));
    });

    // Promptness by outcome: the call never answers, so a provider deaf to the abort fails by the test's time limit.
    it(`rejects promptly when the signal aborts a hanging call${mode}`, async () => {
      server().setBehaviour({ failures: [{ hang: true }] });
      const p = await provider(config);
      const controller = new AbortController();
      const stop = abortOnArrival(controller);
      const error = await rejectionOf(p.generate(makeRequest('hi'), { signal: controller.signal }));
      stop();
      expect(error).toBeInstanceOf(ProviderError);
      expect(error).toMatchObject({ message: 'aborted', retryable: false });
    });
  }

  // Promptness by outcome: a frame every 10 s makes the whole answer take over a minute, past the test's time
  // limit, so a provider that read the stream to its end before rejecting fails.
  it.runIf(streams)('rejects promptly, never with a partial answer, when aborted mid-stream', async () => {
    server().setBehaviour({ answer: () => 'one two three four five six', chunkDelayMs: 10_000 });
    const p = await provider({ stream: true });
    const error = await rejectionOf(p.generate(makeRequest('hi'), { signal: AbortSignal.timeout(150) }));
    expect(error).toMatchObject({ message: 'aborted', retryable: false });
  });

  it('passes an LlmlabError abort reason through (the executor timeout stays retryable)', async () => {
    server().setBehaviour({ failures: [{ hang: true }] });
    const timeout = new ProviderError('timed out after 50 ms', { retryable: true });
    const controller = new AbortController();
    const p = await provider();
    const stop = abortOnArrival(controller, timeout);
    const error = await rejectionOf(p.generate(makeRequest('hi'), { signal: controller.signal }));
    stop();
    expect(error).toBe(timeout);
  });

  it('treats other 4xx as final, with the server message', async () => {
    server().setBehaviour({ failures: [{ status: 400, message: 'messages: must not be empty' }] });
    const error = await failure();
    expect(error).toMatchObject({ status: 400, retryable: false });
    expect(error.message).toBe(`${api} API error (HTTP 400): messages: must not be empty`);
  });

  if (key === undefined) return;

  it('never lets the API key into an error or a result', async () => {
    const p = await provider();
    const result = await p.generate(makeRequest('hello'), { signal: liveSignal() });
    expect(serialise(result)).not.toContain(key);
    expect(serialise(p)).not.toContain(key);
    // The fake echoes a wrong key in its 401 message, as some real APIs do.
    server().setBehaviour({ apiKey: 'another-key-entirely' });
    const denied = await rejectionOf(p.generate(makeRequest('hello'), { signal: liveSignal() }));
    expect(denied).toMatchObject({ status: 401, retryable: false });
    expect((denied as Error).message).toContain('Incorrect API key provided: ***');
    server().setBehaviour({
      apiKey: key,
      failures: [{ status: 429, retryAfter: '1' }, { status: 500 }, { reset: true }, { malformed: true }],
    });
    const errors: unknown[] = [denied];
    for (let i = 0; i < 4; i++) errors.push(await rejectionOf(p.generate(makeRequest('hello'), { signal: liveSignal() })));
    for (const error of errors) expect(serialise(error)).not.toContain(key);
  });
}
