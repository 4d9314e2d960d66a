/**
 * The engine's limit keys: settings a provider entry's `config:` may carry that the executor reads and the
 * provider never sees (the resolver moves them into `limits`). Declared once here — TS type, JSON Schema and
 * docs — and merged from here into every built-in provider's optionsSchema and, by `npm run generate`, into the
 * provider `config` of schemas/suite.schema.json and schemas/config.schema.json. Adding a key is an edit here
 * (the `satisfies` below makes the type and the schema agree) plus the engine code that honours it.
 *
 * It lives with the providers, not the engine, because provider modules may import only their own folder and
 * the base files, and config may not import the engine.
 */
import type { JsonSchema } from '../types.js';

/** Execution settings of one provider, from its `config:` (the keys below) or llmlab.config.yaml defaults. */
export interface ProviderLimits {
  /** Max calls in flight to this provider; default: no limit besides the global one. */
  concurrency?: number;
  /** Max requests per minute to this provider; calls are spaced evenly. */
  rpm?: number;
  /**
   * Max tokens (input + output) per minute to this provider, over a sliding 60 s window: each call reserves its
   * estimate first and is then charged the usage its answer reports (src/engine/limits-tokens.ts).
   */
  tpm?: number;
  /** Per-call timeout, ms. */
  timeoutMs: number;
  /** Retries after the first attempt for retryable failures. */
  maxRetries: number;
}

/** A key of {@link ProviderLimits}. */
export type LimitKey = keyof ProviderLimits;

/**
 * The JSON Schema of each limit key, in the order users see them listed. Their descriptions are the hints of
 * config errors, so they are written for users. Built-in providers spread this into their optionsSchema's
 * `properties` (the limit keys are stripped before the provider's own schema checks a config, but a provider's
 * schema still lists every key its `config:` accepts).
 */
export const LIMIT_KEY_SCHEMAS = {
  concurrency: {
    type: 'integer',
    minimum: 1,
    maximum: 1024,
    description: 'Most calls in flight to this provider at once (the global `-j` limit applies too).',
  },
  rpm: {
    type: 'number',
    exclusiveMinimum: 0,
    description: 'Most requests per minute sent to this provider.',
  },
  tpm: {
    type: 'integer',
    minimum: 1,
    description:
      'Most tokens (input + output) sent to this provider in any minute. Each call first reserves its estimate — input tokens plus `maxTokens` (unset: 256, anthropic 1024) — and is then charged the usage its answer reports. A call estimated above `tpm` waits until nothing was sent for a minute, then goes alone.',
  },
  timeoutMs: {
    type: 'integer',
    minimum: 1,
    maximum: 86_400_000,
    description: 'Timeout of one call in milliseconds; default from llmlab.config.yaml (60000).',
  },
  maxRetries: {
    type: 'integer',
    minimum: 0,
    maximum: 100,
    description: 'Retries of a call after a 429, 5xx, timeout or reset; default from llmlab.config.yaml (4).',
  },
} as const satisfies Record<LimitKey, JsonSchema>;

/** Every limit key, in {@link LIMIT_KEY_SCHEMAS} order. */
export const LIMIT_KEYS = Object.keys(LIMIT_KEY_SCHEMAS) as LimitKey[];
