/**
 * Exact and near duplicates among training examples, in near-linear time.
 *
 * What is compared: the example's conversation without its system/developer messages (a fine-tuning file
 * usually repeats one system prompt in every line, which would make every pair look alike), as normalised
 * words (words.ts: lower case, punctuation stripped, whitespace collapsed).
 *
 * - Exact: the same normalised word sequence (a SHA-1 of it per example).
 * - Near: Jaccard similarity of the sets of word 5-gram shingles at or above the threshold (default 0.8).
 *   Candidates come from MinHash with locality-sensitive hashing (Broder 1997; Leskovec, Rajaraman & Ullman,
 *   "Mining of Massive Datasets" ch. 3): 128 hash functions in 32 bands of 4 rows, so a pair with Jaccard 0.8 shares
 *   a band with probability 1 − (1 − 0.8⁴)³² > 0.9999, and 0.5 with 0.87. Every candidate is verified with the exact
 *   Jaccard of the two shingle sets, so MinHash only decides which pairs are looked at, never the verdict.
 *   Texts shorter than 5 words are one shingle (all their words).
 *
 * Bounded work: an example found to be a duplicate is not indexed (its earlier copy stands for it), each LSH
 * bucket holds at most {@link BUCKET_LIMIT} examples and each example verifies at most
 * {@link CANDIDATE_LIMIT} candidates — 50,000 examples never cost 50,000² comparisons. Fixed seeds: the same
 * files give the same findings on every machine.
 */
import { createHash } from 'node:crypto';
import { hashWords, mix32, ngramKey, normalisedWords } from './words.js';

/** An example's place, for messages. */
export interface ExampleRef {
  file: string;
  line: number;
}

/** What {@link DuplicateIndex.check} found: the earlier example this one repeats. */
export type DuplicateMatch = { kind: 'exact'; of: ExampleRef } | { kind: 'near'; of: ExampleRef; similarity: number };

/** Words per shingle. */
export const SHINGLE_WORDS = 5;
const BANDS = 32;
const ROWS = 4;
const HASHES = BANDS * ROWS;
const BUCKET_LIMIT = 100;
const CANDIDATE_LIMIT = 100;

// Multiply-add hash family: h_i(x) = a_i·x + b_i (mod 2³²), a_i odd, drawn once from a fixed seed.
const MULTIPLIERS = new Uint32Array(HASHES);
const ADDENDS = new Uint32Array(HASHES);
for (let i = 0; i < HASHES; i++) {
  MULTIPLIERS[i] = (mix32(0x1234567 + 2 * i) | 1) >>> 0;
  ADDENDS[i] = mix32(0x7654321 + 2 * i + 1);
}

interface Indexed {
  ref: ExampleRef;
  shingles: Uint32Array;
}

export class DuplicateIndex {
  private readonly exact = new Map<string, ExampleRef>();
  private readonly indexed: Indexed[] = [];
  private readonly buckets = Array.from({ length: BANDS }, () => new Map<number, number[]>());

  /** @param threshold Jaccard similarity of word 5-gram shingles at or above which two examples are near duplicates. */
  constructor(private readonly threshold: number) {}

  /** Whether `text` repeats an example seen before; if not, it is remembered for the examples after it. */
  check(ref: ExampleRef, text: string): DuplicateMatch | undefined {
    const words = normalisedWords(text);
    const digest = createHash('sha1').update(words.join(' ')).digest('base64');
    const same = this.exact.get(digest);
    if (same) return { kind: 'exact', of: same };
    this.exact.set(digest, ref);
    if (words.length === 0) return undefined;

    const shingles = shinglesOf(words);
    const bands = bandKeys(shingles);
    const near = this.nearest(shingles, bands);
    if (near) return { kind: 'near', of: this.indexed[near.id]!.ref, similarity: near.similarity };

    const id = this.indexed.push({ ref, shingles }) - 1;
    bands.forEach((key, band) => {
      const bucket = this.buckets[band]!.get(key);
      if (!bucket) this.buckets[band]!.set(key, [id]);
      else if (bucket.length < BUCKET_LIMIT) bucket.push(id);
    });
    return undefined;
  }

  /** The earliest indexed example at or above the threshold among this one's LSH candidates. */
  private nearest(shingles: Uint32Array, bands: number[]): { id: number; similarity: number } | undefined {
    const candidates = new Set<number>();
    for (let band = 0; band < BANDS && candidates.size < CANDIDATE_LIMIT; band++) {
      for (const id of this.buckets[band]!.get(bands[band]!) ?? []) {
        candidates.add(id);
        if (candidates.size >= CANDIDATE_LIMIT) break;
      }
    }
    let best: { id: number; similarity: number } | undefined;
    for (const id of [...candidates].sort((a, b) => a - b)) {
      const similarity = jaccard(shingles, this.indexed[id]!.shingles);
      if (similarity >= this.threshold) {
        best = { id, similarity };
        break;
      }
    }
    return best;
  }
}

/** The sorted, distinct 32-bit hashes of the word 5-grams (one shingle of all words for a shorter text). */
export function shinglesOf(words: readonly string[]): Uint32Array {
  const hashes = hashWords(words);
  const n = Math.min(SHINGLE_WORDS, words.length);
  const out = new Uint32Array(words.length - n + 1);
  for (let i = 0; i + n <= words.length; i++) out[i] = ngramKey(hashes, i, n) % 0x100000000;
  out.sort();
  let distinct = 0;
  for (let i = 0; i < out.length; i++) if (i === 0 || out[i] !== out[i - 1]) out[distinct++] = out[i]!;
  return out.slice(0, distinct);
}

/** Jaccard similarity of two sorted sets. */
export function jaccard(a: Uint32Array, b: Uint32Array): number {
  let i = 0;
  let j = 0;
  let shared = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      shared++;
      i++;
      j++;
    } else if (a[i]! < b[j]!) i++;
    else j++;
  }
  const union = a.length + b.length - shared;
  return union === 0 ? 1 : shared / union;
}

/** The MinHash signature folded into one key per band. */
function bandKeys(shingles: Uint32Array): number[] {
  const signature = new Uint32Array(HASHES).fill(0xffffffff);
  for (const shingle of shingles) {
    for (let h = 0; h < HASHES; h++) {
      const value = (Math.imul(shingle, MULTIPLIERS[h]!) + ADDENDS[h]!) >>> 0;
      if (value < signature[h]!) signature[h] = value;
    }
  }
  const keys: number[] = [];
  for (let band = 0; band < BANDS; band++) {
    let key = band;
    for (let row = 0; row < ROWS; row++) key = mix32(Math.imul(key, 31) ^ signature[band * ROWS + row]!);
    keys.push(key);
  }
  return keys;
}
