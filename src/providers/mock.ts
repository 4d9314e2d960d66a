/**
 * `mock` / `mock:<name>`: scripted, deterministic answers written in the suite. The offline quickstart runs on
 * it, and `failFirst` lets tests drive the executor's retries without a flaky server. As a judge it answers a
 * `structured` request with the scripted text as is (script `{"pass": true, ...}`), and `embed` gives the
 * offline embedding of ./mock-embedding.ts. `stream` yields the scripted answer word by word. It accepts any
 * media, so vision suites run offline: `match` sees the prompt's placeholders (`[image: cat.png]`), and `image:` /
 * `audio:` pick an answer by the media the request carries.
 */
import { LlmlabError, ProviderError } from '../errors.js';
import { defineProvider } from '../types.js';
import type { GenerateRequest, GenerateResult, JsonSchema, MediaKind, Provider } from '../types.js';
import { LIMIT_KEY_SCHEMAS } from './limit-keys.js';
import { mockEmbedding } from './mock-embedding.js';
import { approximateUsage, delay, OFFLINE_MEDIA } from './simulated.js';
import { wholeAnswer } from './stream-parts.js';

const DEFAULT_OUTPUT = 'mock answer';

const answerSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  description: 'one scripted answer; every condition it lists must hold, and the first matching answer wins',
  properties: {
    match: { type: 'string', description: 'case-insensitive substring of the rendered prompt' },
    regex: { type: 'string', description: 'JavaScript regular expression source tested against the prompt (flag i)' },
    vars: { type: 'object', description: 'test variables that must all equal these values' },
    image: {
      type: 'string',
      minLength: 1,
      description: 'an image of the request: its name as written (img/cat.png), its file name (cat.png), or a prefix of its sha256 (7+ hex digits)',
    },
    audio: { type: 'string', minLength: 1, description: 'audio of the request, named as for image' },
    output: { type: 'string', description: 'the answer; {{prompt}} is replaced by the prompt' },
    outputs: {
      type: 'array',
      minItems: 1,
      items: { type: 'string' },
      description: 'answers by repeat index (a judge round for a grader), cycling; instead of output',
    },
    error: { type: 'string', description: 'fail the call with this message (not retried)' },
    finishReason: { type: 'string', description: 'finish reason to report; default stop' },
  },
};

const optionsSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    answers: { type: 'array', items: answerSchema, description: 'scripted answers, tried in order' },
    default: { type: 'string', description: `answer when nothing matches; default '${DEFAULT_OUTPUT}'` },
    latencyMs: { type: 'integer', minimum: 0, description: 'artificial delay before answering, in milliseconds' },
    failFirst: {
      type: 'integer',
      minimum: 0,
      description: 'the first N calls for each distinct prompt fail with a retryable HTTP 503',
    },
    ...LIMIT_KEY_SCHEMAS,
  },
};

/** One answer as written in the suite. */
interface MockAnswer {
  match?: string;
  regex?: string;
  vars?: Record<string, unknown>;
  /** An image the request must carry: its name as written, its file name, or a sha256 prefix (7+ hex digits). */
  image?: string;
  /** Audio the request must carry, named as for `image`. */
  audio?: string;
  output?: string;
  outputs?: string[];
  error?: string;
  finishReason?: string;
}

interface CompiledAnswer extends MockAnswer {
  pattern?: RegExp;
}

export default defineProvider({
  id: 'mock',
  optionsSchema,
  create(spec) {
    const written = Array.isArray(spec.config['answers']) ? (spec.config['answers'] as MockAnswer[]) : [];
    const answers = written.map(compileAnswer);
    const fallback = typeof spec.config['default'] === 'string' ? spec.config['default'] : DEFAULT_OUTPUT;
    const latencyMs = numberOr(spec.config['latencyMs'], 0);
    const failFirst = numberOr(spec.config['failFirst'], 0);
    const callsByPrompt = new Map<string, number>();

    const provider: Provider = {
      id: spec.id,
      type: spec.type,
      model: spec.model,
      // What the script says decides the answer; latency and failFirst only decide when it arrives.
      identity: { answers: written, default: fallback },
      media: OFFLINE_MEDIA,
      async generate(request, { signal }): Promise<GenerateResult> {
        await delay(latencyMs, signal);
        const calls = (callsByPrompt.get(request.prompt) ?? 0) + 1;
        callsByPrompt.set(request.prompt, calls);
        if (calls <= failFirst) {
          throw new ProviderError(`mock: scripted failure ${calls} of ${failFirst} (HTTP 503)`, {
            status: 503,
            retryable: true,
          });
        }
        const answer = answers.find((candidate) => matches(candidate, request));
        if (answer?.error !== undefined) throw new ProviderError(answer.error, { retryable: false });
        const scripted = answer?.outputs?.[request.repeatIndex % answer.outputs.length] ?? answer?.output;
        const output = (scripted ?? fallback).replace(/\{\{\s*prompt\s*\}\}/g, () => request.prompt);
        return {
          output,
          usage: approximateUsage(request.prompt, output),
          finishReason: answer?.finishReason ?? 'stop',
        };
      },
      // The scripted answer in word-sized deltas, after the same latency and scripted failures as generate.
      async *stream(request, context) {
        yield* wholeAnswer(await provider.generate(request, context));
      },
      async embed(texts, { signal }) {
        await delay(latencyMs, signal);
        const input = texts.reduce((n, text) => n + approximateUsage(text, '').input, 0);
        return { embeddings: texts.map(mockEmbedding), usage: { input, output: 0, total: input } };
      },
    };
    return provider;
  },
});

function compileAnswer(answer: MockAnswer, index: number): CompiledAnswer {
  if (answer.regex === undefined) return answer;
  try {
    return { ...answer, pattern: new RegExp(answer.regex, 'i') };
  } catch (error) {
    const reason = (error as Error).message;
    throw new LlmlabError('CONFIG_INVALID', `mock: answers[${index}].regex is not a valid regular expression: ${reason}`, {
      hint: 'write JavaScript regex source without slashes, e.g. "^hello\\\\b"',
      cause: error,
    });
  }
}

function matches(answer: CompiledAnswer, request: GenerateRequest): boolean {
  if (answer.match !== undefined && !request.prompt.toLowerCase().includes(answer.match.toLowerCase())) return false;
  if (answer.pattern && !answer.pattern.test(request.prompt)) return false;
  if (answer.vars) {
    for (const [name, expected] of Object.entries(answer.vars)) {
      if (!deepEqual(request.vars[name], expected)) return false;
    }
  }
  if (answer.image !== undefined && !carries(request, 'image', answer.image)) return false;
  if (answer.audio !== undefined && !carries(request, 'audio', answer.audio)) return false;
  return true;
}

/** True when a message of the request holds media of `kind` that `wanted` names (see MockAnswer.image). */
function carries(request: GenerateRequest, kind: MediaKind, wanted: string): boolean {
  const lower = wanted.toLowerCase();
  const byHash = /^[0-9a-f]{7,64}$/.test(lower);
  return request.messages.some((message) =>
    (message.parts ?? []).some((part) => {
      if (part.type !== kind) return false;
      const { name, hash } = part.media;
      return name === wanted || name.split(/[\\/]/).pop() === wanted || (byHash && hash.startsWith(lower));
    }),
  );
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  const keys = Object.keys(left);
  if (keys.length !== Object.keys(right).length) return false;
  return keys.every((key) => Object.hasOwn(right, key) && deepEqual(left[key], right[key]));
}

function numberOr(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}
