/**
 * What `google:` (Gemini API) and `vertex:` (Vertex AI) share once each has its `@google/genai` client: the
 * provider object (generate, stream, embed), the fetch both clients use, and how model names are read. The two
 * differ only in endpoint and credentials.
 */
import type { GoogleGenAI } from '@google/genai';
import { ProviderError } from '../errors.js';
import type { EmbedResult, GenerateResult, ParsedModel, Provider, ProviderSpec } from '../types.js';
import { cappedFetch } from './capped-fetch.js';
import { geminiMediaLimits } from './gemini-content.js';
import { buildParams, samplingIdentity } from './gemini-request.js';
import { compact } from './wire-values.js';
import type { GeminiConfig } from './gemini-request.js';
import { embeddingsOf, mergeChunks, resultOf } from './gemini-response.js';
import { parseModelPart } from './provider-infixes.js';
import { abortError, httpError, toProviderError } from './sdk-errors.js';
import type { ErrorContext } from './sdk-errors.js';

/** What a provider module hands over to build its Provider. */
export interface GeminiParts {
  spec: ProviderSpec;
  client: GoogleGenAI;
  config: GeminiConfig;
  /** How errors name the API and which values they must never show. */
  errors: ErrorContext;
  /** Where the calls go (base URL, project, location): merged into the identity, so never a credential. */
  endpoint: Record<string, unknown>;
}

/** The provider over a ready client. */
export function geminiProvider({ spec, client, config, errors, endpoint }: GeminiParts): Provider {
  const api = errors.api;
  const vertex = spec.type === 'vertex';
  return {
    id: spec.id,
    type: spec.type,
    model: spec.model,
    identity: compact({ ...endpoint, model: spec.model, ...samplingIdentity(config), extraBody: config.extraBody }),
    media: geminiMediaLimits(vertex),
    async generate(request, { signal }): Promise<GenerateResult> {
      try {
        const params = buildParams(spec.model, request, config, signal, vertex);
        // A verdict is only useful whole: structured requests are never streamed.
        if (!config.stream || request.structured) {
          return resultOf(api, await client.models.generateContent(params), request.structured?.name);
        }
        const chunks: unknown[] = [];
        for await (const chunk of await client.models.generateContentStream(params)) chunks.push(chunk);
        // A stream cut short by an abort must not pass as a whole answer.
        if (signal.aborted) throw abortError(signal);
        return resultOf(api, mergeChunks(api, chunks));
      } catch (error) {
        throw toProviderError(error, { ...errors, signal });
      }
    },
    async embed(texts, { signal }): Promise<EmbedResult> {
      try {
        const embedConfig = compact({ abortSignal: signal, taskType: config.taskType, outputDimensionality: config.outputDimensionality });
        // Vertex's newer Gemini embedding models take one text per request (its :embedContent endpoint).
        if (vertex && oneTextPerCall(spec.model)) {
          const answers = await Promise.all(
            texts.map(async (text) => embeddingsOf(api, await client.models.embedContent({ model: spec.model, contents: text, config: embedConfig }), 1)),
          );
          return { embeddings: answers.flatMap((answer) => answer.embeddings) };
        }
        const response = await client.models.embedContent({ model: spec.model, contents: texts, config: embedConfig });
        return embeddingsOf(api, response, texts.length);
      } catch (error) {
        throw toProviderError(error, { ...errors, signal });
      }
    },
  };
}

/**
 * The fetch both clients use: the response size cap, and HTTP errors mapped here, where the response is still in
 * hand. The SDK's own ApiError keeps neither the headers (Retry-After) nor the server's message apart from its JSON.
 */
export function geminiFetch(maxBytes: number, errors: ErrorContext, authHint: string): typeof fetch {
  const capped = cappedFetch(maxBytes);
  return async (input, init) => {
    const response = await capped(input, init);
    if (response.ok) return response;
    const text = await response.text();
    const error = httpError(errors, response.status, jsonOr(text), response.headers);
    // A refused credential is the user's to fix: say where it comes from.
    if (response.status !== 401 && response.status !== 403) throw error;
    throw new ProviderError(error.message, { status: error.status, retryable: false, hint: authHint });
  };
}

/** The model part of `google:`/`vertex:` ids: promptfoo's `embedding:` infix and unsupported APIs are caught. */
export function parseGeminiModel(type: 'google' | 'vertex', model: string, config: Record<string, unknown>): ParsedModel {
  return parseModelPart(type, model, config, {
    family: 'google',
    colonsOk: () => false,
    looksLike: `\`${type}:gemini-2.5-flash\``,
  });
}

/** `https://host` for promptfoo's `apiHost` (a bare host name, or a URL). */
export function hostUrl(host: string | undefined): string | undefined {
  if (!host) return undefined;
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(host) ? host : `https://${host}`;
}

/** A base URL without trailing slashes (the SDK joins it with the version itself). */
export function stripSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

/** The name for error messages: the label when the suite gave one. */
export function providerName(spec: ProviderSpec): string {
  return spec.label === spec.id ? spec.id : `${spec.label}, ${spec.id}`;
}

/** Mirrors the SDK's own test for Vertex's :embedContent models (the others batch through :predict). */
function oneTextPerCall(model: string): boolean {
  return model.includes('gemini') && model !== 'gemini-embedding-001';
}

function jsonOr(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
