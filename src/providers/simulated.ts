/** What the offline providers (echo, mock) share: a token estimate, an abortable artificial delay, their media. */
import type { MediaLimits, TokenUsage } from '../types.js';
import { abortError } from './sdk-errors.js';

/**
 * Every type the media store takes, of any size, by URL too: an offline provider reads no bytes (it sees the
 * placeholders), so vision and audio suites run without a model.
 */
export const OFFLINE_MEDIA: MediaLimits = {
  image: { mimeTypes: ['image/png', 'image/jpeg', 'image/gif', 'image/webp'], maxBytes: Number.POSITIVE_INFINITY, urls: true },
  audio: { mimeTypes: ['audio/wav', 'audio/mpeg'], maxBytes: Number.POSITIVE_INFINITY, urls: true },
};

/** Roughly four characters per token: close enough for offline cost and budget estimates. */
export function approximateUsage(input: string, output: string): TokenUsage {
  const inputTokens = Math.ceil(input.length / 4);
  const outputTokens = Math.ceil(output.length / 4);
  return { input: inputTokens, output: outputTokens, total: inputTokens + outputTokens };
}

/**
 * Resolves after `ms`, or rejects as soon as `signal` aborts (at once when it already has). On the global
 * setTimeout rather than `node:timers/promises`, on purpose: vitest's fake timers replace the former only, and
 * tests read the latency off a fake clock.
 */
export function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(abortError(signal));
    if (ms <= 0) return resolve();
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(abortError(signal));
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
