/**
 * Levenshtein edit distance, the one implementation for the `levenshtein` metric and the config's "did you mean
 * …?" hints. A pure leaf (it imports nothing), so a metric plugin and the config layer can both use it.
 */

/**
 * The fewest single-element insertions, deletions and substitutions that turn `a` into `b` (no transpositions).
 * Elements are compared as given: pass `Array.from(text)` to count Unicode code points (an emoji is one), or the
 * string itself to count UTF-16 code units. A shared prefix and suffix are skipped first, because near-identical
 * texts (the common case for both callers) then cost next to nothing; what remains takes two rows of the DP table.
 */
export function levenshtein(a: ArrayLike<string>, b: ArrayLike<string>): number {
  // Offsets rather than slices: no copy of either input.
  let start = 0;
  const shorter = Math.min(a.length, b.length);
  while (start < shorter && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const rows = endA - start;
  const columns = endB - start;
  if (rows === 0 || columns === 0) return rows + columns;
  let previous = new Uint32Array(columns + 1);
  let current = new Uint32Array(columns + 1);
  for (let j = 0; j <= columns; j++) previous[j] = j;
  for (let i = 1; i <= rows; i++) {
    current[0] = i;
    const char = a[start + i - 1];
    for (let j = 1; j <= columns; j++) {
      const substitute = (previous[j - 1] as number) + (char === b[start + j - 1] ? 0 : 1);
      current[j] = Math.min(substitute, (previous[j] as number) + 1, (current[j - 1] as number) + 1);
    }
    [previous, current] = [current, previous];
  }
  return previous[columns] as number;
}
