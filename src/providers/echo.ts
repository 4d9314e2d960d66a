/**
 * `echo`: answers with the prompt it was sent. Free, offline and deterministic, so it shows what a suite
 * renders (`llmlab eval` with `echo` is a prompt preview) and exercises the engine without a model. `stream`
 * yields the prompt word by word. It accepts any media and echoes its placeholders (`[image: cat.png]`).
 */
import { defineProvider } from '../types.js';
import type { GenerateResult, JsonSchema, Provider } from '../types.js';
import { LIMIT_KEY_SCHEMAS } from './limit-keys.js';
import { approximateUsage, delay, OFFLINE_MEDIA } from './simulated.js';
import { wholeAnswer } from './stream-parts.js';

const optionsSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    latencyMs: { type: 'integer', minimum: 0, description: 'artificial delay before answering, in milliseconds' },
    ...LIMIT_KEY_SCHEMAS,
  },
};

export default defineProvider({
  id: 'echo',
  optionsSchema,
  create(spec) {
    const latencyMs = typeof spec.config['latencyMs'] === 'number' ? spec.config['latencyMs'] : 0;
    const provider: Provider = {
      id: spec.id,
      type: spec.type,
      model: spec.model,
      // The answer depends on the request alone; latency does not change it.
      identity: {},
      media: OFFLINE_MEDIA,
      async generate(request, { signal }): Promise<GenerateResult> {
        await delay(latencyMs, signal);
        const usage = approximateUsage(request.prompt, request.prompt);
        return { output: request.prompt, usage, finishReason: 'stop' };
      },
      async *stream(request, context) {
        yield* wholeAnswer(await provider.generate(request, context));
      },
    };
    return provider;
  },
});
