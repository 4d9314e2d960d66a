/**
 * `rouge-l`: ROUGE-L F1 (Lin 2004, §3.1), from the longest common subsequence of the two texts' words: in-order
 * matches that need not be adjacent, so word order counts without demanding exact phrases. Sentence-level LCS
 * over the whole text (not the summary-level union LCS of `rougeLsum`).
 */
import { defineRouge } from './rouge-shared.js';
import { lcsLength } from './text-overlap.js';

export default defineRouge({
  id: 'rouge-l',
  label: 'ROUGE-L',
  units: 'LCS words',
  minTokens: 1,
  explain: 'Counts the words of the longest common subsequence (in order, gaps allowed); F-measure with β = 1.',
  prepareReference: (tokens) => tokens,
  count: (candidate, reference) => ({
    matches: lcsLength(candidate, reference),
    candidateTotal: candidate.length,
    referenceTotal: reference.length,
  }),
});
