/**
 * BLEU against published values. Doctest values printed with `...` (ELLIPSIS) are truncated, not rounded, so
 * they are compared by truncating to 4 decimals; values printed rounded are compared with toBeCloseTo.
 *
 * Sources:
 * - [Papineni] Papineni, Roukos, Ward, Zhu (2002), "BLEU: a Method for Automatic Evaluation of Machine
 *   Translation", ACL, §2.1 (Examples 1 and 2, modified n-gram precisions).
 * - [NLTK] nltk.translate.bleu_score docstrings, as rendered at https://www.nltk.org/api/nltk.translate.bleu_score.html
 *   (`sentence_bleu`, `corpus_bleu`, `modified_precision`, `brevity_penalty`, `SmoothingFunction.__init__`).
 *   Their token lists are the sentences of Papineni's Example 1 without the final period; here they are joined
 *   with spaces, which the 13a tokenizer splits back into exactly those tokens.
 * - [sacreBLEU] README of github.com/mjpost/sacrebleu (v2), "Using SacreBLEU from Python": `BLEU().corpus_score`
 *   prints `BLEU = 48.53 82.4/50.0/45.5/37.5 (BP = 0.943 ratio = 0.944 hyp_len = 17 ref_len = 18)` with the
 *   signature `nrefs:2|case:mixed|eff:no|tok:13a|smooth:exp`. Every n-gram order has matches there, so the
 *   smoothing method does not enter.
 */
import { describe, expect, it } from 'vitest';
import bleu, { bleuFromStats, bleuReferences, bleuStats, brevityPenalty, tokenize13a } from '../../src/metrics/bleu.js';
import type { BleuStats } from '../../src/metrics/bleu.js';
import { prepareMetric, scoreMetric } from './test-metric.js';

/** What a doctest's `0.5045...` asserts: the first four decimals, truncated. */
function truncated(n: number): number {
  return Math.trunc(n * 1e4) / 1e4;
}

async function bleuOf(value: unknown, output: string): Promise<number> {
  return (await scoreMetric(bleu, value, output)).score as number;
}

// Papineni Example 1 (as NLTK's token lists).
const hypothesis1 = 'It is a guide to action which ensures that the military always obeys the commands of the party';
const hypothesis2 = 'It is to insure the troops forever hearing the activity guidebook that party direct';
const reference1 = 'It is a guide to action that ensures that the military will forever heed Party commands';
const reference2 =
  'It is the guiding principle which guarantees the military forces always being under the command of the Party';
const reference3 = 'It is the practical guide for the army always to heed the directions of the party';
const references = [reference1, reference2, reference3];

function statsOf(hypothesis: string, refs: string[], lowercase = false): BleuStats {
  return bleuStats(
    tokenize13a(hypothesis, lowercase),
    bleuReferences(refs.map((r) => tokenize13a(r, lowercase))),
  );
}

function sum(all: BleuStats[]): BleuStats {
  return all.reduce((total, s) => ({
    matches: total.matches.map((m, i) => m + (s.matches[i] ?? 0)),
    totals: total.totals.map((t, i) => t + (s.totals[i] ?? 0)),
    hypothesisLength: total.hypothesisLength + s.hypothesisLength,
    referenceLength: total.referenceLength + s.referenceLength,
  }));
}

describe('bleu: published reference values', () => {
  it('modified n-gram precisions of Papineni Example 1 (17/18, 8/14; bigrams 10/17, 1/13)', () => {
    // [Papineni] §2.1 and §2.1.1; [NLTK] modified_precision: 0.9444..., 0.5714..., 0.5882352941176471, 0.07692...
    const one = statsOf(hypothesis1, references);
    const two = statsOf(hypothesis2, references);
    expect([one.matches[0], one.totals[0], two.matches[0], two.totals[0]]).toEqual([17, 18, 8, 14]);
    expect([one.matches[1], one.totals[1], two.matches[1], two.totals[1]]).toEqual([10, 17, 1, 13]);
  });

  it('clips repeated words: "the the the the the the the" has modified unigram precision 2/7', () => {
    // [Papineni] §2.1 Example 2 (references "The cat is on the mat." / "There is a cat on the mat."): 2/7, and
    // modified bigram precision 0; the paper counts "The" and "the" as one word, hence lowercase. [NLTK] 0.2857...
    const refs = ['The cat is on the mat.', 'There is a cat on the mat.'];
    const lowered = statsOf('the the the the the the the', refs, true);
    expect([lowered.matches[0], lowered.totals[0], lowered.matches[1]]).toEqual([2, 7, 0]);
    // Case-sensitive (the default), each reference has one "the".
    expect(statsOf('the the the the the the the', refs).matches[0]).toBe(1);
  });

  it('sentence BLEU of Papineni Example 1 against three references: 0.5045...', async () => {
    // [NLTK] sentence_bleu([reference1, reference2, reference3], hypothesis1) → 0.5045...
    // Every order has matches, so this is plain BLEU-4 and smoothing does not enter.
    expect(truncated(await bleuOf(references, hypothesis1))).toBe(0.5045);
  });

  it('smoothed sentence BLEU of Candidate 2, which has no 3- or 4-gram match: 0.0370...', async () => {
    // [NLTK] sentence_bleu(..., hypothesis2, smoothing_function=SmoothingFunction().method1) → 0.0370...
    // Without smoothing NLTK prints 0.0 for it: the zero 3-gram precision zeroes the geometric mean.
    expect(truncated(await bleuOf(references, hypothesis2))).toBe(0.037);
    expect((await scoreMetric(bleu, references, hypothesis2)).reason).toBe(
      'BLEU 0.0370 (1-4-gram matches 8/14 1/13 0/12 0/11, brevity penalty 0.8669: 14 words vs 16 in the closest reference)',
    );
  });

  it('sentence BLEU of Candidate 1 against reference 1 alone: 0.4118...', async () => {
    // [NLTK] SmoothingFunction.__init__: sentence_bleu([reference1], hypothesis1, smoothing_function=method1)
    // → 0.4118... ("Party" ≠ "party": NLTK compares case-sensitively, as this metric does by default).
    expect(truncated(await bleuOf(reference1, hypothesis1))).toBe(0.4118);
  });

  it('corpus BLEU from summed statistics: NLTK corpus_bleu 0.5920..., and the mean of sentence BLEUs 0.6223...', async () => {
    // [NLTK] corpus_bleu docstring: hyp1 with refs 1a/1b/1c plus hyp2/ref2a below.
    const hyp2 = 'he read the book because he was interested in world history';
    const ref2a = 'he was interested in world history because he read the book';
    const corpus = bleuFromStats(sum([statsOf(hypothesis1, references), statsOf(hyp2, [ref2a])]));
    expect(truncated(corpus.score)).toBe(0.592);
    const mean = ((await bleuOf(references, hypothesis1)) + (await bleuOf(ref2a, hyp2))) / 2;
    expect(truncated(mean)).toBe(0.6223);
  });

  it("reproduces sacreBLEU's README example with the 13a tokenizer: 48.53, 82.4/50.0/45.5/37.5, BP 0.943", () => {
    // [sacreBLEU] README. Two reference streams, regrouped here per system sentence.
    const system = ['The dog bit the man.', "It wasn't surprising.", 'The man had just bitten him.'];
    const refs = [
      ['The dog bit the man.', 'The dog had bit the man.'],
      ['It was not unexpected.', 'No one was surprised.'],
      ['The man bit him first.', 'The man had bitten the dog.'],
    ];
    const stats = sum(system.map((sentence, i) => statsOf(sentence, refs[i] as string[])));
    expect(stats.hypothesisLength).toBe(17);
    expect(stats.referenceLength).toBe(18);
    const precisions = stats.matches.map((m, i) => ((100 * m) / (stats.totals[i] as number)).toFixed(1));
    expect(precisions).toEqual(['82.4', '50.0', '45.5', '37.5']);
    const result = bleuFromStats(stats);
    expect(result.brevityPenalty.toFixed(3)).toBe('0.943');
    expect((100 * result.score).toFixed(2)).toBe('48.53');
  });

  it('brevity penalty: the NLTK brevity_penalty doctests, including the mteval-v13a.pl one', () => {
    // [NLTK] brevity_penalty: references [28, 28] words, hypothesis 12 → 0.2635971381157267; [13, 2] vs 12 →
    // 0.9200...; [11, 8] vs 7 → 0.8668... (mteval-v13a.pl); [12, 15, 17] vs 12 → 1.0; [13, 11] vs 12 → 1.
    const closest = (lengths: number[], h: number) =>
      bleuStats(Array(h).fill('a'), bleuReferences(lengths.map((n) => Array(n).fill('a'))));
    const bp = (lengths: number[], h: number) => {
      const s = closest(lengths, h);
      return brevityPenalty(s.hypothesisLength, s.referenceLength);
    };
    expect(bp([28, 28], 12)).toBeCloseTo(0.2635971381157267, 15);
    expect(truncated(bp([13, 2], 12))).toBe(0.92);
    expect(truncated(bp([11, 8], 7))).toBe(0.8668);
    expect(bp([12, 15, 17], 12)).toBe(1);
    // Tie at distance 1: the shorter reference (11) is used, so no penalty either way round.
    expect(closest([13, 11], 12).referenceLength).toBe(11);
    expect(closest([11, 13], 12).referenceLength).toBe(11);
    expect(bp([13, 11], 12)).toBe(1);
  });
});

describe('bleu: behaviour', () => {
  it('scores an identical candidate 1, however short (effective order)', async () => {
    for (const text of ['Paris', 'Yes, it is.', 'The cat is on the mat.', hypothesis1]) {
      expect(await bleuOf(text, text)).toBe(1);
    }
  });

  it('scores a candidate with no word in common 0, as NLTK does, smoothing notwithstanding', async () => {
    expect(await scoreMetric(bleu, 'The cat is on the mat.', 'Dogs bark loudly')).toEqual({
      pass: false,
      score: 0,
      reason:
        'BLEU 0.0000 (1-4-gram matches 0/3 0/2 0/1 0/0, brevity penalty 0.2636: 3 words vs 7 in the closest reference)',
    });
    expect(await bleuOf('The cat is on the mat.', '')).toBe(0);
  });

  it('passes at BLEU ≥ 0.5 when the assertion has no threshold', async () => {
    expect((await scoreMetric(bleu, references, hypothesis1)).pass).toBe(true);
    expect((await scoreMetric(bleu, reference1, hypothesis1)).pass).toBe(false);
  });

  it('tokenizes like mteval 13a: punctuation split off, but not inside numbers', () => {
    expect(tokenize13a("Hello, world! It costs $1,234.50 - that's 3-4 days (ok).")).toEqual(
      ['Hello', ',', 'world', '!', 'It', 'costs', '$', '1,234.50', '-', "that's", '3', '-', '4', 'days', '(', 'ok', ')', '.'],
    );
    expect(tokenize13a('a &amp; b &lt;c&gt;\nnext-\nline')).toEqual(['a', '&', 'b', '<', 'c', '>', 'nextline']);
    expect(tokenize13a('Mixed CASE', true)).toEqual(['mixed', 'case']);
  });

  it('compares case-sensitively unless lowercase: true', async () => {
    expect(await bleuOf('THE CAT IS ON THE MAT', 'the cat is on the mat')).toBe(0);
    expect(await bleuOf({ references: 'THE CAT IS ON THE MAT', lowercase: true }, 'the cat is on the mat')).toBe(1);
    expect(await bleuOf({ references: ['x y z', 'the cat is on the mat'] }, 'the cat is on the mat')).toBe(1);
  });

  it('clips against the best single reference, not the union of references', async () => {
    // "cat" twice in the output: one reference has it once, the other once; the clip is 1, not 2.
    const score = await prepareMetric(bleu, ['a cat here', 'one cat there']);
    expect((await score('cat cat')).reason).toContain('1-4-gram matches 1/2 0/1');
  });

  it('rejects values without a usable reference', async () => {
    for (const value of [undefined, '', [], [''], 42, { references: [] }, '  ', ' \n ']) {
      await expect(prepareMetric(bleu, value)).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
    }
  });
});
