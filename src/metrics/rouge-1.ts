/** `rouge-1`: ROUGE-1 F1, the overlap of unigrams (single words) with a reference (Lin 2004, §2). */
import { defineRouge } from './rouge-shared.js';
import { clippedMatches, ngramCounts } from './text-overlap.js';

/** What ROUGE-1 counts; `rouge-n` (promptfoo's name for it) counts the same. */
export const unigramRouge = {
  label: 'ROUGE-1',
  units: 'unigrams',
  minTokens: 1,
  prepareReference: (tokens: string[]) => ({ counts: ngramCounts(tokens, 1), total: tokens.length }),
  count: (candidate: string[], reference: { counts: Map<string, number>; total: number }) => ({
    matches: clippedMatches(ngramCounts(candidate, 1), reference.counts),
    candidateTotal: candidate.length,
    referenceTotal: reference.total,
  }),
};

export default defineRouge({
  ...unigramRouge,
  id: 'rouge-1',
  explain: 'Counts shared words (unigrams), a repeated word at most as often as both texts have it.',
});
