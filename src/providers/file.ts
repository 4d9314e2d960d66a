/**
 * `file:<path>`: a provider written by the user as a `.js`/`.ts` module, so built-ins and user providers are the
 * same thing. The default export may be a provider plugin (`{ create(spec) }`), an object with
 * `generate(request, context)`, or a plain function `(request, context) => string | GenerateResult`.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { relative, resolve, sep } from 'node:path';
import { LlmlabError, ProviderError, messageOf } from '../errors.js';
import { loadModule } from '../load-module.js';
import { defineProvider } from '../types.js';
import type {
  GenerateContext,
  GenerateRequest,
  GenerateResult,
  JsonSchema,
  Provider,
  ProviderPlugin,
} from '../types.js';
import { LIMIT_KEY_SCHEMAS } from './limit-keys.js';

const ACCEPTED_SHAPES =
  'a provider plugin { create(spec) }, an object with generate(request, context), ' +
  'or a function (request, context) => string | { output }';

const optionsSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    options: {
      type: 'object',
      description:
        'settings for the module: a provider plugin receives them as spec.config, a generate function as context.config',
    },
    ...LIMIT_KEY_SCHEMAS,
  },
};

/** The context a user's generate sees: the executor's signal plus this entry's `config.options`. */
export interface FileProviderContext extends GenerateContext {
  config: Record<string, unknown>;
}

type Generate = (request: GenerateRequest, context: FileProviderContext) => unknown;

export default defineProvider({
  id: 'file',
  optionsSchema,
  async create(spec) {
    if (!spec.model.trim()) {
      throw new LlmlabError('CONFIG_INVALID', `${spec.id}: no module path`, {
        hint: 'write file:<path>, e.g. file:./my-provider.ts',
      });
    }
    const absPath = resolve(spec.baseDir, spec.model.trim());
    let content: Buffer;
    try {
      content = await readFile(absPath);
    } catch (error) {
      throw new LlmlabError('FILE_NOT_FOUND', `${spec.id}: provider module not found: ${absPath}`, {
        hint: `the path is resolved relative to the suite's directory (${spec.baseDir})`,
        cause: error,
      });
    }
    const options = (spec.config['options'] ?? {}) as Record<string, unknown>;
    const target = pickExport(await loadModule(absPath));
    if (!target) {
      throw new LlmlabError('CONFIG_INVALID', `${spec.id}: the module's default export is not a provider`, {
        hint: `export default ${ACCEPTED_SHAPES}`,
      });
    }

    let generate: Generate;
    let inner: Provider | undefined;
    if ('create' in target) {
      try {
        inner = await target.create({ ...spec, config: options });
      } catch (error) {
        if (error instanceof LlmlabError) throw error;
        throw new LlmlabError('CONFIG_INVALID', `${spec.id}: create() failed: ${messageOf(error)}`, { cause: error });
      }
      if (!inner || typeof inner.generate !== 'function') {
        throw new LlmlabError('CONFIG_INVALID', `${spec.id}: create() returned no provider with a generate method`, {
          hint: `export default ${ACCEPTED_SHAPES}`,
        });
      }
      const provider = inner;
      generate = (request, context) => provider.generate(request, context);
    } else {
      generate = target.generate;
    }

    const identity: Record<string, unknown> = {
      // Relative, so a cache copied to another checkout or CI worker still hits; the hash catches every edit.
      path: relative(spec.baseDir, absPath).split(sep).join('/'),
      sha256: createHash('sha256').update(content).digest('hex'),
      options,
    };
    if (inner) identity['provider'] = inner.identity;

    return {
      id: spec.id,
      type: spec.type,
      model: spec.model,
      identity,
      async generate(request, { signal }): Promise<GenerateResult> {
        if (signal.aborted) throw abortError(signal);
        try {
          // Inside a promise so a synchronous throw from the module is caught like a rejection.
          const call = new Promise((done) => done(generate(request, { signal, config: options })));
          const answer = await untilAborted(call, signal);
          return normalise(answer, spec.id);
        } catch (error) {
          throw toProviderError(error, spec.id, signal);
        }
      },
    };
  },
});

type Target = ProviderPlugin | { generate: Generate };

/** The first usable export among `default`, a doubly-wrapped CommonJS `default.default`, and named exports. */
function pickExport(namespace: unknown): Target | undefined {
  const outer = isRecord(namespace) ? namespace['default'] : undefined;
  const inner = isRecord(outer) ? outer['default'] : undefined;
  for (const candidate of [outer, inner, namespace]) {
    if (typeof candidate === 'function') return { generate: candidate as Generate };
    if (!isRecord(candidate)) continue;
    if (typeof candidate['create'] === 'function') return candidate as unknown as ProviderPlugin;
    const method = candidate['generate'];
    if (typeof method === 'function') {
      return { generate: (request, context) => method.call(candidate, request, context) };
    }
  }
  return undefined;
}

function normalise(answer: unknown, id: string): GenerateResult {
  if (typeof answer === 'string') return { output: answer };
  if (isRecord(answer) && typeof answer['output'] === 'string') return answer as unknown as GenerateResult;
  const got = answer === null ? 'null' : Array.isArray(answer) ? 'an array' : typeof answer;
  throw new ProviderError(`${id}: generate returned ${got}; expected a string or { output: string }`, {
    retryable: false,
  });
}

/** Rejects as soon as the signal aborts, even when the user's code ignores the signal. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise((resolvePromise, reject) => {
    const onAbort = (): void => reject(abortError(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolvePromise(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/**
 * A ProviderError (also one from another copy of llmlab, hence the duck typing) passes through; anything else
 * the module throws fails the call, retryable when it carries a 408/429/5xx status.
 */
function toProviderError(error: unknown, id: string, signal: AbortSignal): LlmlabError {
  if (error instanceof LlmlabError) return error;
  if (signal.aborted) return abortError(signal);
  if (isRecord(error) && error['code'] === 'PROVIDER_ERROR' && error instanceof Error) {
    const status = typeof error['status'] === 'number' ? error['status'] : undefined;
    const retryAfterMs = typeof error['retryAfterMs'] === 'number' ? error['retryAfterMs'] : undefined;
    const retryable = error['retryable'] === true;
    return new ProviderError(error.message, { status, retryable, retryAfterMs, cause: error });
  }
  const status = isRecord(error) && typeof error['status'] === 'number' ? error['status'] : undefined;
  const retryable = status !== undefined && (status === 408 || status === 429 || status >= 500);
  return new ProviderError(`${id}: ${messageOf(error)}`, { status, retryable, cause: error });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The executor may abort with its own LlmlabError (a timeout it wants to retry); keep it. */
function abortError(signal: AbortSignal): LlmlabError {
  const reason: unknown = signal.reason;
  return reason instanceof LlmlabError ? reason : new ProviderError('aborted', { retryable: false, cause: reason });
}
