/**
 * The mock provider's offline embedding: a hashed bag of lower-cased word unigrams and character trigrams in
 * 256 dimensions, L2-normalised. Texts sharing words and spellings point the same way, so paraphrases score
 * high and unrelated texts near 0: enough for `similar` and `answer-relevance` to run offline.
 */

/** Dimensions of a mock embedding. */
export const MOCK_EMBEDDING_DIMS = 256;

/** Deterministic unit vector of `text` (the zero vector for text without letters or digits). */
export function mockEmbedding(text: string): number[] {
  const vector = new Array<number>(MOCK_EMBEDDING_DIMS).fill(0);
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  for (const word of words) {
    // Words weigh as much as all trigrams of a word together, so a shared word counts more than shared letters.
    add(vector, `w:${word}`, 1);
    const padded = ` ${word} `;
    const trigrams = Math.max(padded.length - 2, 1);
    for (let i = 0; i + 3 <= padded.length; i++) add(vector, `t:${padded.slice(i, i + 3)}`, 1 / Math.sqrt(trigrams));
  }
  const norm = Math.hypot(...vector);
  return norm === 0 ? vector : vector.map((v) => v / norm);
}

/** Feature hashing with a sign bit, so collisions cancel out on average instead of piling up. */
function add(vector: number[], feature: string, weight: number): void {
  const hash = fnv1a(feature);
  const index = hash % MOCK_EMBEDDING_DIMS;
  vector[index] = (vector[index] ?? 0) + (hash & 0x80000000 ? -weight : weight);
}

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
