/**
 * `cider-d`: CIDEr-D (Vedantam, Zitnick, Parikh 2015, "CIDEr: Consensus-based Image Description Evaluation"),
 * computed as pycocoevalcap's `cider/cider_scorer.py` does (the COCO caption evaluation, tylin/coco-caption;
 * the same file in salaniz/pycocoevalcap and Maluuba/nlg-eval).
 *
 * - n-grams of order 1..4 weighted by TF-IDF: term count × (log N − log max(1, df)), where N is the number of
 *   documents and df the number of documents whose references hold the n-gram. A document is one `cider-d`
 *   assertion (usually one test = one image), and df comes from every cider-d assertion of the SUITE — not from
 *   one test, which would give every n-gram weight log 1 − log 1 = 0. The engine hands the metric the whole
 *   corpus through the plugin's `corpus` hook, once per run. Document frequencies use references only, so a
 *   test's score does not depend on other tests' outputs.
 * - Per reference and order: clipped cosine Σ min(h, r)·r / (‖h‖·‖r‖), times the Gaussian length penalty
 *   exp(−δ² / 2σ²), σ = 6. As in pycocoevalcap, the "length" is the n-gram vector's bigram count (words − 1),
 *   not the word count; δ is the same either way except for empty or one-word texts.
 * - CIDEr-D = 10 × the mean over orders of the mean over references. The assertion's score is CIDEr-D / 10
 *   (0..1, as every score here); the reason shows CIDEr-D itself. The mean of the scores over a run, × 10, is
 *   pycocoevalcap's corpus CIDEr-D for those outputs.
 *
 * Tokenisation: pycocoevalcap runs Stanford's Java PTBTokenizer (`-lowerCase`) and then drops the tokens that
 * are punctuation ('' ' `` ` -LRB- -RRB- -LCB- -RCB- . ? ! , : - -- ... ;). Java is not a dependency here, so
 * {@link tokenizeCaption} approximates it: lowercase; quotes, brackets and that punctuation dropped; periods,
 * colons and hyphens kept only between letters or digits (2.5, 10:30, 28-year-old), commas only between digits
 * (1,000); clitics split off as PTB does (can't → ca n't, dog's → dog 's); $ % # split off as tokens.
 * Effect: on captions made of words, numbers, hyphenated words and common clitics (COCO's), the tokens are
 * PTB's and the scores pycocoevalcap's; rarer PTB rules are not reproduced (abbreviations keeping their final
 * period, such as `u.s.`, and the splitting of fused forms), which changes an affected n-gram's weight.
 */
import { LlmlabError } from '../errors.js';
import { defineMetric } from '../types.js';
import { fixed, referencesOf, referencesSchema } from './text-overlap.js';

const MAX_ORDER = 4;
const SIGMA = 6;
/** Default pass mark on the score (CIDEr-D / 10) when the assertion sets no `threshold`: CIDEr-D ≥ 1. */
export const CIDER_PASS = 0.1;

/** One document: the references of one cider-d assertion, each as n-gram counts per order. */
export interface CiderDocument {
  references: CiderCounts[];
}

/** A text's n-gram counts per order 1..4 (insertion order as pycocoevalcap's `precook`) and its bigram count. */
export interface CiderCounts {
  grams: Map<string, number>[];
  length: number;
}

/** Document frequencies of a corpus and its size. */
export interface CiderCorpus {
  documentFrequency: Map<string, number>;
  documents: number;
}

/** CIDEr-D of one output. */
export interface CiderResult {
  /** CIDEr-D, 0..10. */
  cider: number;
  /** Mean similarity per order 1..4 over the references (before × 10 and the mean over orders). */
  orders: number[];
}

/** pycocoevalcap's `precook`: n-gram counts of a token list, orders 1..4. */
export function ciderCounts(tokens: readonly string[]): CiderCounts {
  const grams: Map<string, number>[] = [];
  for (let n = 1; n <= MAX_ORDER; n++) {
    const counts = new Map<string, number>();
    for (let i = 0; i + n <= tokens.length; i++) {
      const gram = tokens.slice(i, i + n).join(' ');
      counts.set(gram, (counts.get(gram) ?? 0) + 1);
    }
    grams.push(counts);
  }
  // counts2vec adds a term count to the length only for n-grams of index 1, i.e. bigrams.
  return { grams, length: Math.max(tokens.length - 1, 0) };
}

/** A document from tokenized references. */
export function ciderDocument(references: readonly (readonly string[])[]): CiderDocument {
  return { references: references.map(ciderCounts) };
}

/** `compute_doc_freq`: in how many documents' references each n-gram occurs. */
export function ciderCorpus(documents: readonly CiderDocument[]): CiderCorpus {
  const documentFrequency = new Map<string, number>();
  for (const document of documents) {
    const seen = new Set<string>();
    for (const reference of document.references) for (const order of reference.grams) for (const gram of order.keys()) seen.add(gram);
    for (const gram of seen) documentFrequency.set(gram, (documentFrequency.get(gram) ?? 0) + 1);
  }
  return { documentFrequency, documents: documents.length };
}

interface Vector {
  weights: Map<string, number>[];
  norms: number[];
  length: number;
}

/** `counts2vec`: TF-IDF weights per order and their norms. */
function vectorOf(counts: CiderCounts, corpus: CiderCorpus, logDocuments: number): Vector {
  const weights: Map<string, number>[] = [];
  const norms: number[] = [];
  for (const order of counts.grams) {
    const weighted = new Map<string, number>();
    let squares = 0;
    for (const [gram, count] of order) {
      const weight = count * (logDocuments - Math.log(Math.max(1, corpus.documentFrequency.get(gram) ?? 0)));
      weighted.set(gram, weight);
      squares += weight * weight;
    }
    weights.push(weighted);
    norms.push(Math.sqrt(squares));
  }
  return { weights, norms, length: counts.length };
}

/** CIDEr-D of a tokenized output against one document, with the corpus's document frequencies. */
export function ciderD(hypothesis: readonly string[], document: CiderDocument, corpus: CiderCorpus): CiderResult {
  const logDocuments = Math.log(corpus.documents);
  const h = vectorOf(ciderCounts(hypothesis), corpus, logDocuments);
  const orders = new Array<number>(MAX_ORDER).fill(0);
  for (const reference of document.references) {
    const r = vectorOf(reference, corpus, logDocuments);
    const delta = h.length - r.length;
    const penalty = Math.exp(-(delta * delta) / (2 * SIGMA * SIGMA));
    for (let n = 0; n < MAX_ORDER; n++) {
      const hw = h.weights[n] as Map<string, number>;
      const rw = r.weights[n] as Map<string, number>;
      let value = 0;
      // "clipping" (CIDEr-D): an n-gram repeated in the output counts no more than the reference has it.
      for (const [gram, weight] of hw) {
        const ref = rw.get(gram) ?? 0;
        value += Math.min(weight, ref) * ref;
      }
      const norm = (h.norms[n] as number) * (r.norms[n] as number);
      if (norm !== 0) value /= norm;
      orders[n] = (orders[n] as number) + value * penalty;
    }
  }
  const count = document.references.length;
  const mean = orders.reduce((a, b) => a + b, 0) / MAX_ORDER;
  return { cider: (mean / count) * 10, orders: orders.map((o) => o / count) };
}

/** Stand-in for PTBTokenizer(-lowerCase) followed by pycocoevalcap's punctuation removal (see the file comment). */
export function tokenizeCaption(text: string): string[] {
  const s = text
    .toLowerCase()
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/[\u201c\u201d]/g, '"')
    // Brackets and double quotes become -LRB-, `` and the like, which are dropped.
    .replace(/[()[\]{}"`]/g, ' ')
    // A quote at a word boundary is a quotation mark (dropped); inside a word it is part of it (o'clock).
    .replace(/(^|\s)'+/g, '$1 ')
    .replace(/'+(?=\s|$)/g, ' ')
    // PTB splits clitics off the word before them.
    .replace(/([a-z0-9])n't\b/g, "$1 n't")
    .replace(/([a-z0-9])'(s|re|ve|ll|d|m)\b/g, "$1 '$2")
    .replace(/\.{2,}|-{2,}/g, ' ')
    .replace(/[?!;]/g, ' ')
    .replace(/(?<![a-z0-9])[.:]|[.:](?![a-z0-9])/g, ' ')
    .replace(/(?<!\d),|,(?!\d)/g, ' ')
    .replace(/(?<![a-z0-9])-|-(?![a-z0-9])/g, ' ')
    .replace(/([$%#])/g, ' $1 ');
  return s.split(/\s+/).filter((token) => token !== '' && token !== "'");
}

type Value = string | string[];

const EXAMPLE = '{ type: cider-d, value: [five reference captions] }';

function prepare(value: Value): CiderDocument {
  const texts = referencesOf('cider-d', value, EXAMPLE);
  const tokenized = texts.map(tokenizeCaption);
  if (tokenized.some((tokens) => tokens.length === 0)) {
    throw new LlmlabError('CONFIG_INVALID', 'cider-d: a reference caption has no words', { hint: `e.g. ${EXAMPLE}` });
  }
  return ciderDocument(tokenized);
}

export default defineMetric<Value, CiderDocument, CiderCorpus>({
  id: 'cider-d',
  optionsSchema: {
    ...referencesSchema(
      'Reference caption(s) of this test (COCO has 5). CIDEr-D as pycocoevalcap computes it (n-grams 1-4, TF-IDF ' +
        'with document frequencies from the references of every cider-d assertion of the suite, clipping, ' +
        'Gaussian length penalty σ = 6, × 10). Score = CIDEr-D / 10 in 0..1; passes when ≥ the assertion ' +
        `\`threshold\`, or ≥ ${CIDER_PASS} (CIDEr-D ≥ 1) without one.`,
    ),
  },
  prepare,
  corpus: (documents) => ciderCorpus(documents),
  score: ({ output, value, corpus }) => {
    // Outside a run (no corpus) the test is its own corpus, which pycocoevalcap would score 0 as well.
    const documents = corpus ?? ciderCorpus([value]);
    const { cider, orders } = ciderD(tokenizeCaption(output), value, documents);
    const score = cider / 10;
    const detail = `n-gram similarity 1-4: ${orders.map(fixed).join(' ')}`;
    const reason =
      documents.documents > 1
        ? `CIDEr-D ${fixed(cider)} (${detail}; document frequencies from ${documents.documents} tests' references)`
        : `CIDEr-D ${fixed(cider)}: document frequencies come from the references of every cider-d test of the ` +
          'suite, and with one test every n-gram weighs log 1 − log 1 = 0; give the suite several cider-d tests';
    return { pass: score >= CIDER_PASS, score, reason };
  },
});
