/**
 * `http` / `http:<url>`: any JSON endpoint. The suite templates the request (url, headers, body; see
 * ./http-template.ts) and names where the answer sits in the response.
 */
import { LlmlabError, ProviderError, messageOf } from '../errors.js';
import { defineProvider } from '../types.js';
import type { GenerateResult, JsonSchema, TokenUsage } from '../types.js';
import { cappedFetch, MAX_RESPONSE_BYTES_OPTION, maxResponseBytesOf, responseTooLargeIn } from './capped-fetch.js';
import { formatPath, lookupFor, parsePath, readPath, renderBody, renderText, resolveEnv, toText } from './http-template.js';
import type { PathPart } from './http-template.js';
import { LIMIT_KEY_SCHEMAS } from './limit-keys.js';

const DEFAULT_STATUS_RETRY = [408, 409, 429, 500, 502, 503, 504];
/** Bigger bodies are not kept as `raw`: it is stored with every cached answer. */
const MAX_RAW_CHARS = 64 * 1024;

const pathSchema = { type: 'string', minLength: 1, description: 'dot/bracket path, e.g. choices[0].message.content' };

const optionsSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    url: {
      type: 'string',
      description:
        'endpoint URL, default: the part of the id after http:; a template ({{ env.NAME }} goes in as is, other values URL-encoded)',
    },
    method: {
      type: 'string',
      enum: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
      description: 'HTTP method; default POST',
    },
    headers: {
      type: 'object',
      additionalProperties: { type: 'string' },
      description: 'request headers; values are templates, e.g. "Bearer {{ env.MY_API_KEY }}"',
    },
    body: {
      description:
        'request body: a JSON value whose strings are templates (a string that is exactly "{{ messages }}" or ' +
        '"{{ vars.x }}" becomes that value), or a string template',
    },
    responsePath: {
      ...pathSchema,
      description: 'where the answer is in the JSON response, e.g. choices[0].message.content; default: the whole body',
    },
    usagePath: {
      description:
        'where token counts are: a path to {input, output} (or prompt_tokens/completion_tokens), or {input: path, output: path}',
      oneOf: [
        pathSchema,
        {
          type: 'object',
          additionalProperties: false,
          required: ['input', 'output'],
          properties: { input: pathSchema, output: pathSchema },
        },
      ],
    },
    finishReasonPath: { ...pathSchema, description: 'where the finish reason is in the JSON response' },
    statusRetry: {
      type: 'array',
      items: { type: 'integer', minimum: 100, maximum: 599 },
      description: `HTTP statuses worth retrying; default ${DEFAULT_STATUS_RETRY.join(', ')}`,
    },
    ...LIMIT_KEY_SCHEMAS,
    maxResponseBytes: MAX_RESPONSE_BYTES_OPTION,
  },
};

export default defineProvider({
  id: 'http',
  optionsSchema,
  create(spec) {
    const config = spec.config;
    const urlTemplate = typeof config['url'] === 'string' ? config['url'] : spec.model;
    if (!urlTemplate) {
      throw new LlmlabError('CONFIG_INVALID', `${spec.id}: no URL`, { hint: 'write http:<url> or set config.url' });
    }
    const method = typeof config['method'] === 'string' ? config['method'].toUpperCase() : 'POST';
    const headers = (config['headers'] ?? {}) as Record<string, string>;
    const body: unknown = config['body'];
    if (body !== undefined && method === 'GET') {
      throw new LlmlabError('CONFIG_INVALID', `${spec.id}: a GET request has no body`, {
        hint: 'use method POST, or put the values into the URL, e.g. ?q={{ vars.question }}',
      });
    }
    const statusRetry = new Set((config['statusRetry'] as number[] | undefined) ?? DEFAULT_STATUS_RETRY);
    const paths: AnswerPaths = {
      output: optionalPath(spec.id, 'responsePath', config['responsePath']),
      usage: usagePathsOf(spec.id, config['usagePath']),
      finishReason: optionalPath(spec.id, 'finishReasonPath', config['finishReasonPath']),
    };
    const env = resolveEnv(spec.id, spec.env, [urlTemplate, headers, body]);
    // Env values and header values may be credentials: never in identity, never in a message.
    const secrets = [...Object.values(env), ...Object.values(headers)].filter((value) => value.length >= 4);
    const redact = (text: string): string => secrets.reduce((out, secret) => out.split(secret).join('***'), text);
    const where = `${method} ${urlTemplate}`;
    const send = cappedFetch(maxResponseBytesOf(config));
    const identity: Record<string, unknown> = { url: urlTemplate, method, body: body ?? null };
    for (const key of ['responsePath', 'usagePath', 'finishReasonPath']) {
      if (config[key] !== undefined) identity[key] = config[key];
    }

    return {
      id: spec.id,
      type: spec.type,
      model: spec.model,
      identity,
      async generate(request, { signal }): Promise<GenerateResult> {
        if (signal.aborted) throw abortError(signal);
        const lookup = lookupFor(request, env);
        const text = (expression: string): string => toText(lookup(expression));
        const url = renderText(urlTemplate, (e) => (e.startsWith('env.') ? text(e) : encodeURIComponent(text(e))));
        const sent: Record<string, string> = {};
        for (const [name, value] of Object.entries(headers)) sent[name] = renderText(value, text);
        let payload: string | undefined;
        if (body !== undefined) {
          const rendered = renderBody(body, lookup);
          payload = rendered.text;
          if (!Object.keys(sent).some((name) => name.toLowerCase() === 'content-type')) {
            sent['content-type'] = rendered.json ? 'application/json' : 'text/plain; charset=utf-8';
          }
        }

        let response: Response;
        let answer: string;
        try {
          response = await send(url, { method, headers: sent, body: payload, signal });
          answer = await response.text();
        } catch (error) {
          if (signal.aborted) throw abortError(signal);
          const tooLarge = responseTooLargeIn(error);
          if (tooLarge) throw tooLarge;
          // fetch reports a dropped or refused connection as `TypeError: fetch failed`; a bad URL is not worth a retry.
          const retryable = error instanceof TypeError && /^(fetch failed|terminated)$/.test(error.message);
          const detail = redact(networkDetail(error));
          throw new ProviderError(`http: ${where} failed: ${detail}`, { retryable, cause: error });
        }
        if (!response.ok) {
          const retryable = statusRetry.has(response.status);
          const snippet = redact(answer.replace(/\s+/g, ' ').trim()).slice(0, 300);
          throw new ProviderError(`http: ${where} returned HTTP ${response.status}${snippet ? `: ${snippet}` : ''}`, {
            status: response.status,
            retryable,
            retryAfterMs: retryable ? parseRetryAfter(response.headers) : undefined,
          });
        }
        const malformed = (detail: string): ProviderError =>
          new ProviderError(`http: ${where} returned a malformed response: ${detail}`, { retryable: false });
        return readAnswer(answer, paths, malformed);
      },
    };
  },
});

interface AnswerPaths {
  output?: PathPart[];
  usage?: UsagePaths;
  finishReason?: PathPart[];
}

function readAnswer(text: string, paths: AnswerPaths, malformed: (detail: string) => ProviderError): GenerateResult {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    if (paths.output || paths.usage || paths.finishReason) throw malformed('body is not JSON');
    return { output: text };
  }
  const result: GenerateResult = { output: toText(parsed) };
  if (paths.output) {
    const value = readPath(parsed, paths.output);
    if (value === undefined) throw malformed(`nothing at ${formatPath(paths.output)}`);
    result.output = value === null ? '' : toText(value);
  }
  const usage = paths.usage && readUsage(parsed, paths.usage);
  if (usage) result.usage = usage;
  const finishReason = paths.finishReason && readPath(parsed, paths.finishReason);
  if (typeof finishReason === 'string') result.finishReason = finishReason;
  if (text.length <= MAX_RAW_CHARS) result.raw = parsed;
  return result;
}

function optionalPath(id: string, key: string, value: unknown): PathPart[] | undefined {
  if (value === undefined) return undefined;
  const parts = typeof value === 'string' ? parsePath(value) : undefined;
  if (!parts) {
    throw new LlmlabError('CONFIG_INVALID', `${id}: ${key} '${String(value)}' is not a valid path`, {
      hint: 'write a dot/bracket path such as choices[0].message.content',
    });
  }
  return parts;
}

type UsagePaths = PathPart[] | { input: PathPart[]; output: PathPart[] };

function usagePathsOf(id: string, value: unknown): UsagePaths | undefined {
  if (value === undefined || typeof value === 'string') return optionalPath(id, 'usagePath', value);
  const record = value as Record<string, unknown>;
  return {
    input: optionalPath(id, 'usagePath.input', record['input']) ?? [],
    output: optionalPath(id, 'usagePath.output', record['output']) ?? [],
  };
}

function readUsage(body: unknown, paths: UsagePaths): TokenUsage | undefined {
  let input: unknown;
  let output: unknown;
  if (Array.isArray(paths)) {
    const usage = readPath(body, paths) as Record<string, unknown> | undefined;
    input = usage?.['input'] ?? usage?.['prompt_tokens'] ?? usage?.['input_tokens'];
    output = usage?.['output'] ?? usage?.['completion_tokens'] ?? usage?.['output_tokens'];
  } else {
    input = readPath(body, paths.input);
    output = readPath(body, paths.output);
  }
  if (typeof input !== 'number' || typeof output !== 'number') return undefined;
  return { input, output, total: input + output };
}

/** `retry-after-ms`, else `retry-after` in seconds or as an HTTP date. */
function parseRetryAfter(headers: Headers, now = Date.now()): number | undefined {
  const ms = Number.parseFloat(headers.get('retry-after-ms') ?? '');
  if (Number.isFinite(ms) && ms >= 0) return Math.round(ms);
  const after = headers.get('retry-after')?.trim();
  if (!after) return undefined;
  if (/^\d+(\.\d+)?$/.test(after)) return Math.round(Number.parseFloat(after) * 1000);
  const date = Date.parse(after);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** fetch says only "fetch failed"; the socket error's code (ECONNREFUSED) is in its cause chain. */
function networkDetail(error: unknown): string {
  let detail = messageOf(error);
  for (let current: unknown = error, depth = 0; current instanceof Error && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    detail = typeof code === 'string' ? code : current.message || detail;
    current = current.cause;
  }
  return detail;
}

/** The executor may abort with its own LlmlabError (a timeout it wants to retry); keep it. */
function abortError(signal: AbortSignal): LlmlabError {
  const reason: unknown = signal.reason;
  return reason instanceof LlmlabError ? reason : new ProviderError('aborted', { retryable: false, cause: reason });
}
