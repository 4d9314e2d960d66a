/**
 * `openai-image:<model>`, also written `openai:image:<model>` (the and promptfoo's spelling, mapped to
 * this type by ./index.ts): image generation through OpenAI's Images API (`client.images.generate`, POST
 * /v1/images/generations) with the official SDK, connected as `openai:` is (./openai-connect.ts: key, baseUrl,
 * the node fetch transport, no SDK retries). The rendered prompt, as one string, describes the image; one image
 * per call (`n: 1`, the only count dall-e-3 takes), so repeats are distinct images. The bytes go straight into the
 * run's media store (`context.media`) and the answer carries only their ref (`media`) and placeholder (`output`,
 * `[image: gpt-image-1-1a2b3c4d.png]`): nothing base64 stays in results or the cache.
 *
 * Cost: `pricePerImage` when set (dall-e models are billed per image, by size and quality); otherwise the token
 * usage gpt-image models report, which the engine prices from `prices:` under `openai-image:<model>`.
 */
import type OpenAI from 'openai';
import { ProviderError } from '../errors.js';
import { defineProvider, mediaPlaceholder } from '../types.js';
import type { GenerateResult, JsonSchema, MediaSink, Provider, ProviderSpec } from '../types.js';
import { MAX_RESPONSE_BYTES_OPTION } from './capped-fetch.js';
import { LIMIT_KEY_SCHEMAS } from './limit-keys.js';
import { connectOpenAI } from './openai-connect.js';
import { optionsSchema as chatOptions } from './openai.js';
import { asRecord, malformedError, toProviderError } from './sdk-errors.js';
import { compact, numberOr } from './wire-values.js';

const API = 'OpenAI Images';

export interface OpenAIImageConfig {
  baseUrl?: string;
  apiKeyEnv?: string;
  organization?: string;
  headers?: Record<string, string>;
  size?: string;
  quality?: string;
  style?: 'vivid' | 'natural';
  background?: 'transparent' | 'opaque' | 'auto';
  outputFormat?: 'png' | 'jpeg' | 'webp';
  pricePerImage?: number;
}

const { baseUrl, apiKeyEnv, organization, headers } = chatOptions.properties as Record<string, JsonSchema>;
const connectionOptions = { baseUrl, apiKeyEnv, organization, headers };

const optionsSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    // Connected as openai: is (openai-connect.ts), so the connection options are openai's own.
    ...connectionOptions,
    size: { type: 'string', description: 'image size, e.g. 1024x1024 (the model\'s default when unset)' },
    quality: { type: 'string', description: 'quality: low, medium, high or auto (gpt-image models), standard or hd (dall-e-3)' },
    style: { enum: ['vivid', 'natural'], description: 'dall-e-3 only: vivid or natural' },
    background: { enum: ['transparent', 'opaque', 'auto'], description: 'gpt-image models only: background transparency' },
    outputFormat: { enum: ['png', 'jpeg', 'webp'], description: 'gpt-image models only: the image format (default png)' },
    pricePerImage: {
      type: 'number',
      minimum: 0,
      description: 'USD per generated image (dall-e pricing); unset: the reported token usage priced by `prices:` (gpt-image models)',
    },
    ...LIMIT_KEY_SCHEMAS,
    maxResponseBytes: MAX_RESPONSE_BYTES_OPTION,
  },
};

type ImageParams = OpenAI.Images.ImageGenerateParamsNonStreaming;

export default defineProvider({
  id: 'openai-image',
  optionsSchema,
  parseModel: (model) =>
    model === '' || model.includes(':')
      ? { error: `\`${model}\` is not an OpenAI image model name`, hint: 'write `openai-image:<model>` (or `openai:image:<model>`), e.g. `openai:image:gpt-image-1`' }
      : { model },
  async create(spec: ProviderSpec) {
    const config = spec.config as OpenAIImageConfig;
    const { client, api, baseUrl, secrets } = await connectOpenAI(spec);
    const params = imageParams(spec.model, config);
    const provider: Provider = {
      id: spec.id,
      type: spec.type,
      model: spec.model,
      // The price is not in the identity: it changes what an image costs, never the image.
      identity: compact({ baseUrl, ...params }),
      async generate(request, { signal, media }) {
        if (!media) {
          // Not retryable: a call without a store stays without one. The message is what an error cell shows.
          throw new ProviderError(`${spec.id} generates images, and this call has no media store to keep them in: image providers run in evals, not as graders or behind the gateway`, {
            hint: 'run it through `llmlab eval`, which keeps images under .llmlab/media/',
          });
        }
        try {
          const answer: unknown = await client.images.generate({ ...params, prompt: request.prompt }, { signal });
          return imageResult(answer, media, spec.model, config);
        } catch (error) {
          throw toProviderError(error, { api: api === 'OpenAI' ? API : api, secrets, signal });
        }
      },
    };
    return provider;
  },
});

/**
 * The request fields besides the prompt, in API spelling. dall-e models answer with a URL unless asked for
 * base64; the gpt-image models always answer base64 and refuse `response_format`, so only dall-e gets it.
 */
function imageParams(model: string, config: OpenAIImageConfig): Omit<ImageParams, 'prompt'> {
  return compact({
    model,
    n: 1,
    size: config.size as ImageParams['size'],
    quality: config.quality as ImageParams['quality'],
    style: config.style,
    background: config.background,
    output_format: config.outputFormat,
    response_format: model.startsWith('dall-e') ? ('b64_json' as const) : undefined,
  });
}

/** The image of an Images API answer, stored; its placeholder as the output. */
function imageResult(answer: unknown, media: MediaSink, model: string, config: OpenAIImageConfig): GenerateResult {
  const record = asRecord(answer);
  const image = asRecord(Array.isArray(record?.['data']) ? record['data'][0] : undefined);
  const b64 = image?.['b64_json'];
  if (typeof b64 !== 'string' || b64 === '') {
    const detail = typeof image?.['url'] === 'string' ? 'an image URL instead of base64 (b64_json)' : 'no data[0].b64_json';
    throw malformedError(API, `expected one base64 image, got ${detail}`);
  }
  const format = typeof record?.['output_format'] === 'string' ? record['output_format'] : config.outputFormat ?? 'png';
  const stored = media.put(Buffer.from(b64, 'base64'), { name: `${model}.${format}` });
  // Named by model and hash, so reports tell a run's images apart; the name is never part of a key.
  const ref = { ...stored, name: `${model}-${stored.hash.slice(0, 8)}.${extensionOf(stored.mimeType, format)}` };
  const usage = asRecord(record?.['usage']);
  const revised = image?.['revised_prompt'];
  return {
    output: mediaPlaceholder(ref),
    media: [ref],
    ...(usage ? { usage: { input: numberOr(usage['input_tokens']), output: numberOr(usage['output_tokens']), total: numberOr(usage['total_tokens']) } } : {}),
    ...(config.pricePerImage === undefined ? {} : { cost: config.pricePerImage }),
    finishReason: 'stop',
    model,
    // Kept small: everything but the image itself (dall-e-3 reports the prompt it actually drew).
    raw: compact({ created: record?.['created'], output_format: record?.['output_format'], size: record?.['size'], quality: record?.['quality'], revised_prompt: revised, usage: record?.['usage'] }),
  };
}

/** The file extension of a stored image: from the sniffed type, else the format the API said. */
function extensionOf(mimeType: string, format: string): string {
  const sub = /^image\/([a-z]+)$/.exec(mimeType)?.[1];
  return sub === 'jpeg' ? 'jpg' : (sub ?? format);
}
