/**
 * `bleu`: sentence-level BLEU-4 (Papineni et al. 2002) of the output against one or several references.
 *
 * - Tokenisation: sacrebleu's `13a` (the mteval-v13a.pl rules WMT uses): punctuation and symbols split off,
 *   periods and commas too unless between digits; case-sensitive unless `lowercase: true`.
 * - Several references count jointly, as BLEU defines: each n-gram is clipped to its largest count in any one
 *   reference, and the brevity penalty uses the reference length closest to the output's (the shorter on a tie).
 * - Smoothing: Chen & Cherry (2014) method 1 with ε = 0.1 — an order with no matching n-gram gets precision
 *   0.1 / (its n-gram count) instead of 0. This is NLTK's `SmoothingFunction().method1` and sacrebleu's
 *   `smooth_method='floor', smooth_value=0.1`. No word in common at all still scores 0, as in NLTK.
 * - Effective order, as sacrebleu's `sentence_bleu`: an output of k < 4 words is scored on orders 1..k, so an
 *   exact copy of a short reference scores 1.
 */
import { LlmlabError } from '../errors.js';
import { defineMetric } from '../types.js';
import { clippedMatches, fixed, ngramCounts, referencesOf } from './text-overlap.js';

const MAX_ORDER = 4;
const EPSILON = 0.1;
/** Default pass mark when the assertion sets no `threshold`. */
export const BLEU_PASS = 0.5;

/** The references of one assertion, counted once: per order, each n-gram's largest count in any reference. */
export interface BleuReferences {
  maxCounts: Map<string, number>[];
  lengths: number[];
}

/** Sufficient statistics of one output (sum them over outputs for corpus BLEU). */
export interface BleuStats {
  /** Clipped n-gram matches per order 1..4. */
  matches: number[];
  /** The output's n-gram count per order 1..4. */
  totals: number[];
  hypothesisLength: number;
  /** Length of the reference closest in length to the output. */
  referenceLength: number;
}

export interface BleuResult {
  score: number;
  brevityPenalty: number;
  /** Orders used (effective order): 1..4. */
  order: number;
}

/** sacrebleu's `13a` tokenizer (tokenizer_13a.py + tokenizer_re.py), optionally lowercasing first. */
export function tokenize13a(text: string, lowercase = false): string[] {
  let line = (lowercase ? text.toLowerCase() : text)
    .replaceAll('<skipped>', '')
    .replaceAll('-\n', '')
    .replaceAll('\n', ' ')
    .replaceAll('&quot;', '"')
    .replaceAll('&amp;', '&')
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>');
  line = ` ${line} `
    // Symbols: { | } ~ [ \ ] ^ _ ` space ! " # $ % & ( ) * + : ; < = > ? @ /
    .replace(/([{-~[-` -&(-+:-@/])/g, ' $1 ')
    .replace(/([^0-9])([.,])/g, '$1 $2 ')
    .replace(/([.,])([^0-9])/g, ' $1 $2')
    .replace(/([0-9])(-)/g, '$1 $2 ');
  return line.split(/\s+/).filter((token) => token !== '');
}

/** Counts the references' n-grams once per assertion. */
export function bleuReferences(references: readonly string[][]): BleuReferences {
  const maxCounts: Map<string, number>[] = [];
  for (let n = 1; n <= MAX_ORDER; n++) {
    const max = new Map<string, number>();
    for (const reference of references) {
      for (const [gram, count] of ngramCounts(reference, n)) max.set(gram, Math.max(max.get(gram) ?? 0, count));
    }
    maxCounts.push(max);
  }
  return { maxCounts, lengths: references.map((reference) => reference.length) };
}

/** Clipped matches and totals of one tokenized output. */
export function bleuStats(hypothesis: readonly string[], references: BleuReferences): BleuStats {
  const matches: number[] = [];
  const totals: number[] = [];
  for (let n = 1; n <= MAX_ORDER; n++) {
    matches.push(clippedMatches(ngramCounts(hypothesis, n), references.maxCounts[n - 1] as Map<string, number>));
    totals.push(Math.max(hypothesis.length - n + 1, 0));
  }
  const h = hypothesis.length;
  // Closest reference length; on a tie the shorter one (mteval, NLTK and sacrebleu agree).
  const referenceLength = references.lengths.reduce((best, r) =>
    Math.abs(r - h) < Math.abs(best - h) || (Math.abs(r - h) === Math.abs(best - h) && r < best) ? r : best,
  );
  return { matches, totals, hypothesisLength: h, referenceLength };
}

/** exp(1 − r/c) when the output (c words) is shorter than the reference (r words), else 1; 0 for no output. */
export function brevityPenalty(hypothesisLength: number, referenceLength: number): number {
  if (hypothesisLength === 0) return 0;
  return hypothesisLength >= referenceLength ? 1 : Math.exp(1 - referenceLength / hypothesisLength);
}

/** BLEU from statistics: geometric mean of the (smoothed) precisions over the effective order, times BP. */
export function bleuFromStats(stats: BleuStats): BleuResult {
  const brevity = brevityPenalty(stats.hypothesisLength, stats.referenceLength);
  if (!stats.matches[0]) {
    return { score: 0, brevityPenalty: brevity, order: Math.min(stats.hypothesisLength, MAX_ORDER) };
  }
  let order = 0;
  let logSum = 0;
  for (let n = 0; n < MAX_ORDER; n++) {
    const total = stats.totals[n] ?? 0;
    if (total === 0) break;
    const matched = stats.matches[n] ?? 0;
    logSum += Math.log((matched > 0 ? matched : EPSILON) / total);
    order++;
  }
  return { score: brevity * Math.exp(logSum / order), brevityPenalty: brevity, order };
}

type Value = string | string[] | { references: string | string[]; lowercase?: boolean };

interface Prepared {
  references: BleuReferences;
  lowercase: boolean;
}

const EXAMPLE = '{ type: bleu, value: "the reference translation" } or value: { references: [a, b], lowercase: true }';

function prepare(value: Value): Prepared {
  const object = typeof value === 'object' && value !== null && !Array.isArray(value);
  const texts = referencesOf('bleu', object ? value.references : value, EXAMPLE);
  const lowercase = object && value.lowercase === true;
  const tokenized = texts.map((text) => tokenize13a(text, lowercase));
  if (tokenized.some((tokens) => tokens.length === 0)) {
    throw new LlmlabError('CONFIG_INVALID', 'bleu: a reference has no words', { hint: `e.g. ${EXAMPLE}` });
  }
  return { references: bleuReferences(tokenized), lowercase };
}

export default defineMetric<Value, Prepared>({
  id: 'bleu',
  optionsSchema: {
    description:
      'Reference translation(s): a text, a list (used jointly, as BLEU defines), or { references, lowercase }. ' +
      "Sentence BLEU-4 with sacrebleu's 13a tokenisation (case-sensitive unless lowercase: true), Chen & Cherry " +
      'method-1 smoothing (ε = 0.1) and effective order for outputs under 4 words. Score = BLEU in 0..1; passes ' +
      `when BLEU ≥ the assertion \`threshold\`, or ≥ ${BLEU_PASS} without one.`,
    anyOf: [
      { type: 'string', minLength: 1 },
      { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1 },
      {
        type: 'object',
        required: ['references'],
        additionalProperties: false,
        properties: {
          references: {
            description: 'one reference text or a list of them',
            anyOf: [
              { type: 'string', minLength: 1 },
              { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1 },
            ],
          },
          lowercase: { type: 'boolean', description: 'lowercase output and references before comparing' },
        },
      },
    ],
  },
  prepare,
  score: ({ output, value }) => {
    const stats = bleuStats(tokenize13a(output, value.lowercase), value.references);
    const { score, brevityPenalty: bp } = bleuFromStats(stats);
    const grams = stats.matches.map((m, i) => `${m}/${stats.totals[i]}`).join(' ');
    const reason =
      `BLEU ${fixed(score)} (1-4-gram matches ${grams}, brevity penalty ${fixed(bp)}: ` +
      `${stats.hypothesisLength} words vs ${stats.referenceLength} in the closest reference)`;
    return { pass: score >= BLEU_PASS, score, reason };
  },
});
