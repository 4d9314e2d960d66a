/** Fixture lines for the fine-tune data checks. */
import { join } from 'node:path';
import type { ValidateOptions } from '../../src/finetune/types.js';
import { tempDir } from '../config/helpers.js';

/** Tokens as words: most checks need a count, not the real tokenizer's. */
export const countWords = (text: string): number => text.split(/\s+/).filter(Boolean).length;

/** `n` words no other call with a different `seed` shares (a tiny deterministic generator). */
export function words(seed: number, n: number): string {
  let state = (seed * 2654435761 + 12345) >>> 0;
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    out.push(`w${seed}x${(state >>> 8).toString(36)}`);
  }
  return out.join(' ');
}

/** A supervised example line. */
export function chat(user: string, assistant: string, system?: string): string {
  const messages = [
    ...(system === undefined ? [] : [{ role: 'system', content: system }]),
    { role: 'user', content: user },
    { role: 'assistant', content: assistant },
  ];
  return JSON.stringify({ messages });
}

/** `n` distinct, valid supervised lines. */
export function distinctChats(n: number, from = 0): string[] {
  return Array.from({ length: n }, (_, i) => chat(words(from + i, 12), words(from + i + 100_000, 8)));
}

/** Writes the files and returns validate options over them (train.jsonl, and val.jsonl when given). */
export async function optionsFor(
  train: string[],
  overrides: Partial<ValidateOptions> & { validation?: string[] } = {},
): Promise<ValidateOptions> {
  const { validation, ...rest } = overrides;
  const dir = await tempDir({
    'train.jsonl': train.join('\n') + '\n',
    ...(validation ? { 'val.jsonl': validation.join('\n') + '\n' } : {}),
  });
  return {
    method: 'supervised',
    files: { train: join(dir, 'train.jsonl'), ...(validation ? { validation: join(dir, 'val.jsonl') } : {}) },
    display: (path) => path.slice(dir.length + 1),
    countTokens: countWords,
    contextWindow: 1000,
    evalInputs: [],
    leakage: 'error',
    nearDuplicateThreshold: 0.8,
    ...rest,
  };
}
