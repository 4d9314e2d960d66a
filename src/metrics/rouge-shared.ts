/**
 * What `rouge-1`, `rouge-2` and `rouge-l` have in common (Lin 2004, "ROUGE: A Package for Automatic Evaluation
 * of Summaries"): tokenisation, the value (one reference or a list, scored against each and the best kept), F1
 * and the reason. Each metric file only says what it counts. Not a metric itself.
 */
import { LlmlabError } from '../errors.js';
import { defineMetric } from '../types.js';
import type { MetricPlugin } from '../types.js';
import { f1Of, fixed, referencesOf, referencesSchema } from './text-overlap.js';

/** Default pass mark for F1 when the assertion sets no `threshold`. */
export const ROUGE_PASS = 0.5;

const WORD = /[\p{L}\p{N}]+/gu;

/**
 * ROUGE's tokenisation: lowercase, then runs of letters and digits; everything else separates words and is
 * dropped. For ASCII text this is exactly the reference implementations' `[^a-z0-9]+` → space (no stemming);
 * letters and digits of other scripts are kept as well, so non-English text is not scored as empty.
 */
export function rougeTokens(text: string): string[] {
  return text.toLowerCase().match(WORD) ?? [];
}

/** What one ROUGE variant counts between a candidate and one (prepared) reference. */
export interface RougeCount {
  matches: number;
  candidateTotal: number;
  referenceTotal: number;
}

interface RougeSpec<R> {
  id: string;
  /** As the reason shows it: `ROUGE-1`. */
  label: string;
  /** What is counted, plural: `unigrams`, `LCS tokens`. */
  units: string;
  /** Fewest reference tokens for which the score can be above 0. */
  minTokens: number;
  /** What the YAML description adds about this variant. */
  explain: string;
  /** Pass mark for F1 without a `threshold`; default {@link ROUGE_PASS}. */
  pass?: number;
  prepareReference(tokens: string[]): R;
  count(candidate: string[], reference: R): RougeCount;
}

/** An assertion's references, prepared once. */
export interface RougeReferences<R> {
  references: R[];
}

/** Builds one ROUGE metric plugin. */
export function defineRouge<R>(spec: RougeSpec<R>): MetricPlugin<string | string[], RougeReferences<R>> {
  const example = `{ type: ${spec.id}, value: "the reference summary" }`;
  const passMark = spec.pass ?? ROUGE_PASS;
  return defineMetric<string | string[], RougeReferences<R>>({
    id: spec.id,
    optionsSchema: referencesSchema(
      `Reference text, or a list of references (the best F1 over them counts). ${spec.explain} Tokens: lowercase ` +
        'runs of letters and digits, no stemming. Score = F1 in 0..1; passes when F1 ≥ the assertion `threshold`, ' +
        `or ≥ ${passMark} without one.`,
    ),
    prepare: (value) => {
      const texts = referencesOf(spec.id, value, example);
      const references = texts.map((text, i) => {
        const tokens = rougeTokens(text);
        if (tokens.length < spec.minTokens) {
          const which = texts.length > 1 ? `reference ${i + 1}` : 'the reference';
          throw new LlmlabError(
            'CONFIG_INVALID',
            `${spec.id}: ${which} has ${tokens.length} word(s); ${spec.label} needs at least ${spec.minTokens}`,
            { hint: `compare against a longer reference text, e.g. ${example}` },
          );
        }
        return spec.prepareReference(tokens);
      });
      return { references };
    },
    score: ({ output, value }) => {
      const candidate = rougeTokens(output);
      let best = { index: 0, count: spec.count(candidate, value.references[0] as R) };
      let bestF1 = f1Of(best.count.matches, best.count.candidateTotal, best.count.referenceTotal);
      for (let i = 1; i < value.references.length; i++) {
        const count = spec.count(candidate, value.references[i] as R);
        const scores = f1Of(count.matches, count.candidateTotal, count.referenceTotal);
        if (scores.f1 > bestF1.f1) [best, bestF1] = [{ index: i, count }, scores];
      }
      const { matches, candidateTotal, referenceTotal } = best.count;
      const count = value.references.length;
      const against = count > 1 ? ` against reference ${best.index + 1} of ${count}` : '';
      const reason =
        `${spec.label} F1 ${fixed(bestF1.f1)} (P ${fixed(bestF1.precision)} = ${matches}/${candidateTotal}, ` +
        `R ${fixed(bestF1.recall)} = ${matches}/${referenceTotal} ${spec.units})${against}`;
      return { pass: bestF1.f1 >= passMark, score: bestF1.f1, reason };
    },
  });
}
