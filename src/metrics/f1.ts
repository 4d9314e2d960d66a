/**
 * `f1`: token F1 between the output and a gold answer, as the official SQuAD evaluation script computes it
 * (`evaluate-v2.0.py`): both texts normalised — lowercase, ASCII punctuation deleted (so `don't` → `dont`,
 * `U.S.` → `us`), the words a/an/the removed, whitespace collapsed — then split on whitespace; F1 of the
 * multiset overlap. Two texts that normalise to nothing score 1 (an unanswerable question answered with
 * nothing, as in SQuAD 2.0); one empty side scores 0. Several gold answers: the best F1 counts.
 */
import { LlmlabError } from '../errors.js';
import { defineMetric } from '../types.js';
import { clippedMatches, f1Of, fixed, ngramCounts } from './text-overlap.js';

/** Default pass mark when the assertion sets no `threshold`. */
export const F1_PASS = 0.5;

// Python's string.punctuation: the ASCII punctuation characters only, exactly as the script removes them.
const PUNCTUATION = /[!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]/g;
// Python's `\b(a|an|the)\b` on str: word characters are Unicode letters, digits and `_` (JS `\b` is ASCII-only).
const ARTICLES = /(?<![\p{L}\p{N}_])(?:a|an|the)(?![\p{L}\p{N}_])/gu;

/** SQuAD's `normalize_answer`, split into tokens. */
export function squadTokens(text: string): string[] {
  return text.toLowerCase().replace(PUNCTUATION, '').replace(ARTICLES, ' ').split(/\s+/).filter(Boolean);
}

type Value = string | number | Array<string | number>;

interface Gold {
  text: string;
  tokens: string[];
  counts: Map<string, number>;
}

function prepare(value: Value): Gold[] {
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0 || !list.every((item) => typeof item === 'string' || typeof item === 'number')) {
    throw new LlmlabError('CONFIG_INVALID', 'f1 needs the gold answer, or a list of accepted answers, as `value`', {
      hint: 'e.g. { type: f1, value: "Denver Broncos" } or value: ["Denver Broncos", "the Broncos"]',
    });
  }
  return list.map((item) => {
    const tokens = squadTokens(String(item));
    return { text: String(item), tokens, counts: ngramCounts(tokens, 1) };
  });
}

function f1Against(prediction: string[], counts: Map<string, number>, gold: Gold) {
  if (prediction.length === 0 || gold.tokens.length === 0) {
    const same = prediction.length === gold.tokens.length ? 1 : 0;
    return { f1: same, precision: same, recall: same, matches: 0 };
  }
  const matches = clippedMatches(counts, gold.counts);
  return { ...f1Of(matches, prediction.length, gold.tokens.length), matches };
}

export default defineMetric<Value, Gold[]>({
  id: 'f1',
  optionsSchema: {
    description:
      'Gold answer, or a list of accepted answers (the best F1 counts). Token F1 with SQuAD normalisation: ' +
      'lowercase, ASCII punctuation and the articles a/an/the removed, whitespace collapsed. Score = F1 in 0..1; ' +
      `passes when F1 ≥ the assertion \`threshold\`, or ≥ ${F1_PASS} without one.`,
    anyOf: [
      { type: 'string' },
      { type: 'number' },
      { type: 'array', items: { anyOf: [{ type: 'string' }, { type: 'number' }] }, minItems: 1 },
    ],
  },
  prepare,
  score: ({ output, value }) => {
    const prediction = squadTokens(output);
    const counts = ngramCounts(prediction, 1);
    let bestIndex = 0;
    let best = f1Against(prediction, counts, value[0] as Gold);
    for (let i = 1; i < value.length; i++) {
      const scores = f1Against(prediction, counts, value[i] as Gold);
      if (scores.f1 > best.f1) [bestIndex, best] = [i, scores];
    }
    const gold = value[bestIndex] as Gold;
    const against = value.length > 1 ? ` (best of ${value.length} answers)` : '';
    const reason =
      `F1 ${fixed(best.f1)} against ${JSON.stringify(gold.text)}${against}: ${best.matches} shared of ` +
      `${prediction.length} predicted and ${gold.tokens.length} gold tokens`;
    return { pass: best.f1 >= F1_PASS, score: best.f1, reason };
  },
});
