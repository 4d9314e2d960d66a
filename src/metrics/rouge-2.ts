/** `rouge-2`: ROUGE-2 F1, the overlap of bigrams (adjacent word pairs) with a reference (Lin 2004, §2). */
import { defineRouge } from './rouge-shared.js';
import { clippedMatches, ngramCounts } from './text-overlap.js';

export default defineRouge({
  id: 'rouge-2',
  label: 'ROUGE-2',
  units: 'bigrams',
  minTokens: 2,
  explain: 'Counts shared bigrams (adjacent word pairs), each at most as often as both texts have it.',
  prepareReference: (tokens) => ({ counts: ngramCounts(tokens, 2), total: tokens.length - 1 }),
  count: (candidate, reference) => ({
    matches: clippedMatches(ngramCounts(candidate, 2), reference.counts),
    candidateTotal: Math.max(candidate.length - 1, 0),
    referenceTotal: reference.total,
  }),
});
