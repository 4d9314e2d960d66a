/**
 * Word diffs for a page of the Compare list, bounded. A word diff costs about (length × differences): two unrelated
 * 4,000-character outputs take wordDiff ~60–250 ms (it gives up at 250 ms), so 50 of them on one page would take
 * seconds, and the diff of two unrelated texts says nothing anyway. So a pair of texts that share few words is not
 * diffed word by word, and once a page has spent its time on diffs the rest are not diffed either; both are
 * returned as one removal and one addition (which still give both texts back) with a note saying why.
 */
import { performance } from 'node:perf_hooks';
import { wordDiff, type WordDiffSegment } from '../report/compare/word-diff.js';

/** Time one page may spend on word diffs; past it, a diff already started still finishes (wordDiff bounds it). */
export const PAGE_DIFF_BUDGET_MS = 100;
/** Texts with more words than this are checked for overlap before diffing; short ones are always diffed. */
const OVERLAP_CHECK_WORDS = 100;
/** Share of words found on one side only above which a word diff is noise: a rewrite, not an edit. */
const MAX_UNSHARED = 0.6;

/** A diff, and why it is a plain replacement when it is one. */
export interface BoundedDiff {
  segments: WordDiffSegment[];
  note?: string;
}

/** A differ for one page: each call spends from the page's budget. */
export function pageDiffer(budgetMs = PAGE_DIFF_BUDGET_MS): (before: string, after: string) => BoundedDiff {
  let spent = 0;
  return (before, after) => {
    if (before === after) return { segments: wordDiff(before, after) };
    if (spent >= budgetMs) return { segments: replacement(before, after), note: 'not diffed: this page spent its time on other diffs (a narrower search shows it)' };
    if (unshared(before, after) > MAX_UNSHARED) return { segments: replacement(before, after), note: 'too different for a word diff' };
    const start = performance.now();
    const segments = wordDiff(before, after);
    spent += performance.now() - start;
    return { segments };
  };
}

/** The share of words (as a multiset) that only one of the texts has; 0 for short texts, which are cheap to diff. */
function unshared(before: string, after: string): number {
  const a = before.match(/\S+/g) ?? [];
  const b = after.match(/\S+/g) ?? [];
  if (a.length + b.length <= OVERLAP_CHECK_WORDS) return 0;
  const counts = new Map<string, number>();
  for (const w of a) counts.set(w, (counts.get(w) ?? 0) + 1);
  let shared = 0;
  for (const w of b) {
    const n = counts.get(w) ?? 0;
    if (n > 0) {
      shared++;
      counts.set(w, n - 1);
    }
  }
  return (a.length + b.length - 2 * shared) / (a.length + b.length);
}

function replacement(before: string, after: string): WordDiffSegment[] {
  return [
    ...(before === '' ? [] : [{ kind: 'removed' as const, text: before }]),
    ...(after === '' ? [] : [{ kind: 'added' as const, text: after }]),
  ];
}
