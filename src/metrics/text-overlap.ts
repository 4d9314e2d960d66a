/**
 * Token-overlap arithmetic shared by `bleu`, `rouge-1`, `rouge-2`, `rouge-l` and `f1`: n-gram counts, clipped
 * matches, longest common subsequence, F1, and reading a value that is one reference or a list of them. Not a
 * metric itself (the registry does not list it).
 */
import { LlmlabError } from '../errors.js';

/** Multiset of the n-grams of `tokens` (joined by a space: every tokenizer here yields tokens without spaces). */
export function ngramCounts(tokens: readonly string[], n: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (let i = 0; i + n <= tokens.length; i++) {
    const gram = n === 1 ? (tokens[i] as string) : tokens.slice(i, i + n).join(' ');
    counts.set(gram, (counts.get(gram) ?? 0) + 1);
  }
  return counts;
}

/** Σ min(count in a, count in b): matches where a repeated n-gram is credited at most as often as both have it. */
export function clippedMatches(a: ReadonlyMap<string, number>, b: ReadonlyMap<string, number>): number {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let matches = 0;
  for (const [gram, count] of small) matches += Math.min(count, large.get(gram) ?? 0);
  return matches;
}

/** Total count of a multiset. */
export function sizeOf(counts: ReadonlyMap<string, number>): number {
  let total = 0;
  for (const count of counts.values()) total += count;
  return total;
}

/** Length of the longest common subsequence of two token lists; two rows of the O(n·m) table. */
export function lcsLength(a: readonly string[], b: readonly string[]): number {
  if (a.length < b.length) [a, b] = [b, a];
  let previous = new Uint32Array(b.length + 1);
  let current = new Uint32Array(b.length + 1);
  for (const token of a) {
    for (let j = 1; j <= b.length; j++) {
      const diagonal = previous[j - 1] as number;
      current[j] = token === b[j - 1] ? diagonal + 1 : Math.max(previous[j] as number, current[j - 1] as number);
    }
    [previous, current] = [current, previous];
  }
  return previous[b.length] as number;
}

/** Precision, recall and their harmonic mean (F1, β = 1) from a match count; 0 when nothing matches. */
export function f1Of(matches: number, candidateTotal: number, referenceTotal: number) {
  const precision = candidateTotal > 0 ? matches / candidateTotal : 0;
  const recall = referenceTotal > 0 ? matches / referenceTotal : 0;
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  return { precision, recall, f1 };
}

/** JSON Schema of a value that is one reference text or a non-empty list of them. */
export function referencesSchema(description: string): Record<string, unknown> {
  return {
    description,
    anyOf: [
      { type: 'string', minLength: 1 },
      { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1 },
    ],
  };
}

/** Reads one reference or a list of them; throws a config error (with `example` as the hint) otherwise. */
export function referencesOf(id: string, value: unknown, example: string): string[] {
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0 || !list.every((item) => typeof item === 'string' && item !== '')) {
    throw new LlmlabError('CONFIG_INVALID', `${id} needs a reference text, or a list of them, as \`value\``, {
      hint: `e.g. ${example}`,
    });
  }
  return list as string[];
}

/** A number as reasons show it: four decimals, trailing zeros kept so columns line up. */
export function fixed(n: number): string {
  return n.toFixed(4);
}
