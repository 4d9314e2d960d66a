/**
 * `rouge-n`: promptfoo's name for unigram ROUGE — ROUGE-1 F1 exactly as `rouge-1` scores it, passing at
 * promptfoo's default 0.75 (or the assertion's `threshold`). Differs from promptfoo: promptfoo's js-rouge
 * counts matched candidate unigrams over all candidate unigrams (a precision, treebank tokens); llmlab reports
 * F1 over lowercase word tokens, so an answer that repeats the reference and adds much more scores lower here.
 */
import { unigramRouge } from './rouge-1.js';
import { defineRouge } from './rouge-shared.js';

/** promptfoo's default pass mark for `rouge-n`. */
export const ROUGE_N_PASS = 0.75;

export default defineRouge({
  ...unigramRouge,
  id: 'rouge-n',
  pass: ROUGE_N_PASS,
  explain: "promptfoo's name for ROUGE-1 (shared words, each at most as often as both texts have it).",
});
