/**
 * Train/eval leakage, the way contamination studies measure it (Brown et al. 2020, "Language Models are
 * Few-Shot Learners", appendix C): an eval test leaks when a word 13-gram of its input — lower-cased, punctuation
 * stripped (words.ts) — also occurs in a training example's system or user text. An input shorter than 13 words
 * leaks when its whole normalised word sequence occurs, contiguously, in a training example (appendix C too
 * falls back to the whole example when it is shorter than the n-gram); an input of one or two common words
 * therefore leaks easily, which is what a test that short deserves.
 *
 * Memory: the index holds the eval side, as 52-bit hashes of its n-grams (a suite has far fewer eval inputs
 * than a training file has lines), and the training files stream past it once. A false match needs two
 * distinct n-grams with the same 52-bit hash: about one in 10¹⁵ for a large file.
 */
import type { ExampleRef } from './near-duplicates.js';
import { hashWords, ngramKey, normalisedWords } from './words.js';

/** Words per n-gram. */
export const LEAK_NGRAM = 13;

/** A leaked eval test and the first training example it was found in. */
export interface Leak {
  testId: string;
  at: ExampleRef;
}

export class LeakageIndex {
  private readonly testIds: string[] = [];
  /** n (13, or the length of a shorter input) → n-gram hash → tests. */
  private readonly grams = new Map<number, Map<number, number[]>>();
  private readonly found = new Map<number, ExampleRef>();

  constructor(evalInputs: ReadonlyArray<{ testId: string; text: string }>) {
    for (const { testId, text } of evalInputs) {
      const words = normalisedWords(text);
      if (words.length === 0) continue;
      const test = this.testIds.push(testId) - 1;
      const n = Math.min(LEAK_NGRAM, words.length);
      let byKey = this.grams.get(n);
      if (!byKey) this.grams.set(n, (byKey = new Map()));
      const hashes = hashWords(words);
      for (let i = 0; i + n <= words.length; i++) {
        const key = ngramKey(hashes, i, n);
        const tests = byKey.get(key);
        if (!tests) byKey.set(key, [test]);
        else if (tests[tests.length - 1] !== test) tests.push(test);
      }
    }
  }

  /** Whether there is anything to look for. */
  get empty(): boolean {
    return this.testIds.length === 0;
  }

  /** Looks for eval n-grams in one training example's prompt text. */
  scan(ref: ExampleRef, promptText: string): void {
    if (this.found.size === this.testIds.length) return;
    const words = normalisedWords(promptText);
    if (words.length === 0) return;
    const hashes = hashWords(words);
    for (const [n, byKey] of this.grams) {
      for (let i = 0; i + n <= words.length; i++) {
        const tests = byKey.get(ngramKey(hashes, i, n));
        if (!tests) continue;
        for (const test of tests) if (!this.found.has(test)) this.found.set(test, ref);
      }
    }
  }

  /** Every leaked test, in the order the eval inputs were given. */
  leaks(): Leak[] {
    return [...this.found.entries()].sort(([a], [b]) => a - b).map(([test, at]) => ({ testId: this.testIds[test]!, at }));
  }
}
