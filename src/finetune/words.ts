/**
 * The normalised word sequence that duplicate and leakage checks compare: lower case, punctuation removed,
 * split on whitespace. `Hello, World!` and `hello world` are the same two words.
 */

/** Lower-cased words of `text` with punctuation and symbols removed (letters, digits and marks kept). */
export function normalisedWords(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\p{M}\s]+/gu, ' ')
    .split(/\s+/)
    .filter((word) => word.length > 0);
}

/**
 * A 32-bit FNV-1a hash of a string, with a seed so that independent hash functions can be drawn from it
 * (MinHash needs many). Deterministic across runs and machines.
 */
export function hash32(text: string, seed = 0): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return mix32(h);
}

/** A finaliser (murmur3's fmix32): spreads FNV's weak low bits over the whole word. */
export function mix32(value: number): number {
  let h = value >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * One number (below 2^53) for the n words starting at `start`, from their precomputed 32-bit hashes: two
 * independent 32-bit lanes, 52 bits kept, so unrelated n-grams collide about once in 2^52 pairs.
 */
export function ngramKey(wordHashes: Uint32Array, start: number, n: number): number {
  let a = 0x9e3779b9;
  let b = 0x85ebca77;
  for (let i = start; i < start + n; i++) {
    const w = wordHashes[i]!;
    a = mix32(Math.imul(a, 31) ^ w);
    b = mix32(Math.imul(b, 0x2f) + (w ^ 0x5bd1e995));
  }
  return (a >>> 0) * 0x100000 + (b >>> 12);
}

/** The 32-bit hash of each word. */
export function hashWords(words: readonly string[]): Uint32Array {
  const out = new Uint32Array(words.length);
  for (let i = 0; i < words.length; i++) out[i] = hash32(words[i]!);
  return out;
}
