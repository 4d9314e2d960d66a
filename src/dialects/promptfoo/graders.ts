/**
 * promptfoo's grading providers → llmlab's `grader` and `embedder`. promptfoo names them `provider` (on an
 * assertion) or `options.provider` (on a test or defaultTest), either one provider or `{ text, embedding }`.
 */
import { child, isRecord, Translator } from './context.js';
import type { Here } from './context.js';
import { embedderId, translateProvider } from './providers.js';
import type { PathSegment } from './types.js';

/** promptfoo's defaults when a config names no grader (src/providers/openai/defaults.ts in promptfoo). */
export const PROMPTFOO_DEFAULT_GRADER = 'openai:gpt-4.1-2025-04-14';
export const PROMPTFOO_DEFAULT_EMBEDDER = 'openai:text-embedding-3-large';

/** One provider for an assertion's `grader`; from `{ text, embedding }` the one its kind uses. */
export function translateGrader(t: Translator, value: unknown, here: Here, to: PathSegment[], kind: 'text' | 'embedding'): unknown {
  if (isRecord(value) && 'id' in value && 'embedding' in value) {
    const { embedding, ...judge } = value;
    return kind === 'embedding' ? translateProvider(t, asEmbedder(embedding), child(here, 'embedding'), to) : translateProvider(t, judge, here, to);
  }
  if (isPair(value)) {
    const key = kind === 'embedding' ? 'embedding' : 'text';
    if (value[key] === undefined) {
      t.problem(here, `this \`provider\` has no \`${key}\` provider, which this assertion needs`, `add \`${key}:\` with a provider id`);
      return undefined;
    }
    return translateProvider(t, kind === 'embedding' ? asEmbedder(value[key]) : value[key], child(here, key), to);
  }
  return translateProvider(t, kind === 'embedding' ? asEmbedder(value) : value, here, to);
}

/** `options.provider` of a test or defaultTest → `grader` and `embedder` keys to set on it. */
export function translateGraderPair(t: Translator, value: unknown, here: Here, to: PathSegment[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  // `{ id, config, embedding: {…} }`: a judge with its embedder beside it.
  if (isRecord(value) && 'id' in value && 'embedding' in value) {
    const { embedding, ...judge } = value;
    const grader = translateProvider(t, judge, here, [...to, 'grader']);
    const embedder = translateProvider(t, asEmbedder(embedding), child(here, 'embedding'), [...to, 'embedder']);
    return { ...(grader === undefined ? {} : { grader }), ...(embedder === undefined ? {} : { embedder }) };
  }
  if (isPair(value)) {
    for (const [key, name] of [['text', 'grader'], ['embedding', 'embedder']] as const) {
      if (value[key] === undefined) continue;
      const entry = key === 'embedding' ? asEmbedder(value[key]) : value[key];
      const translated = translateProvider(t, entry, child(here, key), [...to, name]);
      if (translated !== undefined) out[name] = translated;
    }
    for (const key of Object.keys(value)) {
      if (key !== 'text' && key !== 'embedding') t.problem(child(here, key), `unknown grading provider key \`${key}\``, 'use `text` (the judge) and `embedding` (the embedder)', { key: true });
    }
    return out;
  }
  const translated = translateProvider(t, value, here, [...to, 'grader']);
  if (translated !== undefined) out.grader = translated;
  return out;
}

function asEmbedder(entry: unknown): unknown {
  if (typeof entry === 'string') return embedderId(entry);
  return isRecord(entry) && typeof entry.id === 'string' ? { ...entry, id: embedderId(entry.id) } : entry;
}

function isPair(value: unknown): value is Record<string, unknown> {
  return isRecord(value) && !('id' in value) && ('text' in value || 'embedding' in value);
}
