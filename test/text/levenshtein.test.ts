import { describe, expect, it } from 'vitest';
import { levenshtein } from '../../src/text/levenshtein.js';

/** The textbook full-table definition, to check the prefix/suffix skipping and the two-row DP against. */
function reference(a: readonly string[], b: readonly string[]): number {
  const table = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      table[i]![j] = Math.min(table[i - 1]![j]! + 1, table[i]![j - 1]! + 1, table[i - 1]![j - 1]! + cost);
    }
  }
  return table[a.length]![b.length]!;
}

describe('levenshtein', () => {
  it.each([
    ['', '', 0],
    ['abc', '', 3],
    ['kitten', 'sitting', 3],
    ['asert', 'assert', 1],
    ['flaw', 'lawn', 2],
    ['abcdef', 'azcdqf', 2],
    ['ab', 'ba', 2],
    ['aaaa', 'aa', 2],
  ])('levenshtein(%s, %s) = %i, either way round', (a, b, d) => {
    expect(levenshtein(a, b)).toBe(d);
    expect(levenshtein(b, a)).toBe(d);
    expect(levenshtein(Array.from(a), Array.from(b))).toBe(d);
  });

  it('compares the elements it is given: code units for a string, code points for Array.from', () => {
    expect(levenshtein('👍', '👎')).toBe(1); // the two share their high surrogate
    expect(levenshtein('a👍', 'a')).toBe(2);
    expect(levenshtein(Array.from('a👍'), Array.from('a'))).toBe(1);
  });

  it('agrees with the full-table definition on random short texts', () => {
    // A fixed linear congruential sequence: the same cases on every run.
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    const text = () => Array.from({ length: next() % 9 }, () => 'abc'[next() % 3]!);
    for (let n = 0; n < 500; n++) {
      const a = text();
      const b = text();
      expect(levenshtein(a, b), `${a.join('')} / ${b.join('')}`).toBe(reference(a, b));
    }
  });
});
