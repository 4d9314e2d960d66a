/**
 * `echo`: answers with the prompt it was sent. Free, offline and deterministic, so it shows what a suite
 * renders (`llmlab eval` with `echo` is a prompt preview) and exercises the engine without a model.
 */
import { LlmlabError, ProviderError } from '../errors.js';
import { defineProvider } from '../types.js';
import type { GenerateResult, JsonSchema, TokenUsage } from '../types.js';

const optionsSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    latencyMs: { type: 'integer', minimum: 0, description: 'artificial delay before answering, in milliseconds' },
    concurrency: { type: 'integer', minimum: 1, description: 'max calls in flight to this provider' },
    rpm: { type: 'number', exclusiveMinimum: 0, description: 'max requests per minute to this provider' },
    timeoutMs: { type: 'integer', minimum: 1, description: 'per-call timeout in milliseconds' },
    maxRetries: { type: 'integer', minimum: 0, description: 'retries after the first attempt for retryable failures' },
  },
};

export default defineProvider({
  id: 'echo',
  optionsSchema,
  create(spec) {
    const latencyMs = typeof spec.config['latencyMs'] === 'number' ? spec.config['latencyMs'] : 0;
    return {
      id: spec.id,
      type: spec.type,
      model: spec.model,
      // The answer depends on the request alone; latency does not change it.
      identity: {},
      async generate(request, { signal }): Promise<GenerateResult> {
        await delay(latencyMs, signal);
        const usage = approximateUsage(request.prompt, request.prompt);
        return { output: request.prompt, usage, finishReason: 'stop' };
      },
    };
  },
});

/** Roughly four characters per token: close enough for offline cost and budget estimates. */
function approximateUsage(input: string, output: string): TokenUsage {
  const inputTokens = Math.ceil(input.length / 4);
  const outputTokens = Math.ceil(output.length / 4);
  return { input: inputTokens, output: outputTokens, total: inputTokens + outputTokens };
}

/** Resolves after `ms`, or rejects as soon as `signal` aborts (at once when it already has). */
function delay(ms: number, signal: AbortSignal): Promise<void> {
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

/** The executor may abort with its own LlmlabError (a timeout it wants to retry); keep it. */
function abortError(signal: AbortSignal): LlmlabError {
  const reason: unknown = signal.reason;
  return reason instanceof LlmlabError ? reason : new ProviderError('aborted', { retryable: false, cause: reason });
}
