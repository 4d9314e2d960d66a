import { describe, expect, it } from 'vitest';
import { DuplicateIndex, jaccard, shinglesOf } from '../../src/finetune/near-duplicates.js';
import { normalisedWords } from '../../src/finetune/words.js';
import { words } from './data-fixtures.js';

const ref = (line: number) => ({ file: 'train.jsonl', line });

describe('DuplicateIndex', () => {
  it('finds an exact duplicate after normalising case, spacing and punctuation', () => {
    const index = new DuplicateIndex(0.8);
    expect(index.check(ref(1), 'Hello,   World! How are you today?')).toBeUndefined();
    expect(index.check(ref(2), 'hello world how are you today')).toEqual({ kind: 'exact', of: ref(1) });
  });

  it('finds a near duplicate (one word changed in 40) and names the earlier line', () => {
    const index = new DuplicateIndex(0.8);
    const text = words(1, 40);
    const edited = text.split(' ').map((w, i) => (i === 39 ? 'changed' : w)).join(' ');
    index.check(ref(1), words(2, 40));
    index.check(ref(2), text);
    const match = index.check(ref(3), edited);
    expect(match).toMatchObject({ kind: 'near', of: ref(2) });
    if (match?.kind !== 'near') throw new Error('expected a near duplicate');
    expect(match.similarity).toBeGreaterThanOrEqual(0.8);
    expect(match.similarity).toBeCloseTo(jaccard(shinglesOf(normalisedWords(text)), shinglesOf(normalisedWords(edited))));
  });

  it('does not flag a different example, nor one just under the threshold', () => {
    const index = new DuplicateIndex(0.8);
    const text = words(3, 20);
    index.check(ref(1), text);
    expect(index.check(ref(2), words(4, 20))).toBeUndefined();
    // Changing the middle word of 20 breaks 5 of 16 shingles: Jaccard 11/21 ≈ 0.52.
    const edited = text.split(' ').map((w, i) => (i === 10 ? 'changed' : w)).join(' ');
    expect(index.check(ref(3), edited)).toBeUndefined();
  });

  it('is deterministic and handles texts shorter than a shingle', () => {
    const run = () => {
      const index = new DuplicateIndex(0.8);
      return ['a b', 'a b c', 'A. B!'].map((text, i) => index.check(ref(i + 1), text));
    };
    expect(run()).toEqual([undefined, undefined, { kind: 'exact', of: ref(1) }]);
    expect(run()).toEqual(run());
  });
});
