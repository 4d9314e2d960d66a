/**
 * `vqa-accuracy`: VQAv2 accuracy, as the official evaluation computes it — `vqaEval.py` of the VQA API,
 * github.com/GT-Vision-Lab/VQA, PythonEvaluationTools/vqaEvaluation/vqaEval.py at a013f00 (2021, "Fixed processing
 * answers bug", the repository's latest version).
 *
 * - Output and references: newlines and tabs become spaces, then outer whitespace goes.
 * - With several references (VQAv2 has 10 human answers): when they are not all the same string, output and
 *   references are normalised (below); when all agree, the official script compares the raw strings — so `Yes`
 *   scores 0 against ten `yes`. That is kept by default (numbers comparable with published ones);
 *   `normalize: always` normalises in every case. Accuracy = the mean over the n leave-one-out subsets of
 *   min(#answers in the subset equal to the output / 3, 1): 3 of 10 humans agreeing gives 0.9, 4 gives 1.
 * - One reference: the leave-one-out rule would always give 0, so the score is an exact match after
 *   normalisation (1 or 0).
 * - Normalisation, in the script's order: punctuation (`processPunctuation`), then digits and articles
 *   (`processDigitArticle`). Its quirks are kept: `:` `'` `.` `*` are not in the punctuation list; a mark that
 *   touches a space somewhere in the text is deleted everywhere, otherwise replaced by a space — unless the text
 *   holds a digit-comma-digit, then every mark is deleted (`1,000` → `1000`); a period not followed by a digit
 *   is deleted (at most 32 of them: the script passes `re.UNICODE` where `sub` takes its count); number words
 *   zero..ten and `none` become digits; a, an, the are dropped; 120 apostrophe-less contractions get their
 *   apostrophe back (`dont` → `don't`).
 */
import { LlmlabError } from '../errors.js';
import { defineMetric } from '../types.js';
import { fixed, referencesSchema } from './text-overlap.js';

/** Default pass mark when the assertion sets no `threshold`. */
export const VQA_PASS = 0.5;

const PUNCTUATION = [';', '/', '[', ']', '"', '{', '}', '(', ')', '=', '+', '\\', '_', '-', '>', '<', '@', '`', ',', '?', '!'];
const DIGIT_COMMA_DIGIT = /\d,\d/;
// The script's `(?!<=\d)(\.)(?!\d)` meant a look-behind but wrote a look-ahead that always holds at a period.
const PERIOD = /\.(?!\d)/g;
// `periodStrip.sub("", text, re.UNICODE)`: the third argument of `sub` is `count`, and re.UNICODE is 32.
const PERIOD_LIMIT = 32;
const NUMBERS = new Map(Object.entries({
  none: '0', zero: '0', one: '1', two: '2', three: '3', four: '4', five: '5', six: '6', seven: '7', eight: '8', nine: '9', ten: '10',
}));
const ARTICLES = new Set(['a', 'an', 'the']);
// The script's `contractions`, keys and values as written (a Map: answers like `constructor` must not hit Object's keys).
const CONTRACTIONS = new Map(Object.entries({
  aint: "ain't", arent: "aren't", cant: "can't", couldve: "could've", couldnt: "couldn't", "couldn'tve": "couldn't've",
  "couldnt've": "couldn't've", didnt: "didn't", doesnt: "doesn't", dont: "don't", hadnt: "hadn't", "hadnt've": "hadn't've",
  "hadn'tve": "hadn't've", hasnt: "hasn't", havent: "haven't", hed: "he'd", "hed've": "he'd've", "he'dve": "he'd've",
  hes: "he's", howd: "how'd", howll: "how'll", hows: "how's", "Id've": "I'd've", "I'dve": "I'd've", Im: "I'm", Ive: "I've",
  isnt: "isn't", itd: "it'd", "itd've": "it'd've", "it'dve": "it'd've", itll: "it'll", "let's": "let's", maam: "ma'am",
  mightnt: "mightn't", "mightnt've": "mightn't've", "mightn'tve": "mightn't've", mightve: "might've", mustnt: "mustn't",
  mustve: "must've", neednt: "needn't", notve: "not've", oclock: "o'clock", oughtnt: "oughtn't", "ow's'at": "'ow's'at",
  "'ows'at": "'ow's'at", "'ow'sat": "'ow's'at", shant: "shan't", "shed've": "she'd've", "she'dve": "she'd've",
  "she's": "she's", shouldve: "should've", shouldnt: "shouldn't", "shouldnt've": "shouldn't've",
  "shouldn'tve": "shouldn't've", "somebody'd": 'somebodyd', "somebodyd've": "somebody'd've",
  "somebody'dve": "somebody'd've", somebodyll: "somebody'll", somebodys: "somebody's", someoned: "someone'd",
  "someoned've": "someone'd've", "someone'dve": "someone'd've", someonell: "someone'll", someones: "someone's",
  somethingd: "something'd", "somethingd've": "something'd've", "something'dve": "something'd've",
  somethingll: "something'll", thats: "that's", thered: "there'd", "thered've": "there'd've", "there'dve": "there'd've",
  therere: "there're", theres: "there's", theyd: "they'd", "theyd've": "they'd've", "they'dve": "they'd've",
  theyll: "they'll", theyre: "they're", theyve: "they've", twas: "'twas", wasnt: "wasn't", "wed've": "we'd've",
  "we'dve": "we'd've", weve: "we've", werent: "weren't", whatll: "what'll", whatre: "what're", whats: "what's",
  whatve: "what've", whens: "when's", whered: "where'd", wheres: "where's", whereve: "where've", whod: "who'd",
  "whod've": "who'd've", "who'dve": "who'd've", wholl: "who'll", whos: "who's", whove: "who've", whyll: "why'll",
  whyre: "why're", whys: "why's", wont: "won't", wouldve: "would've", wouldnt: "wouldn't", "wouldnt've": "wouldn't've",
  "wouldn'tve": "wouldn't've", yall: "y'all", "yall'll": "y'all'll", "y'allll": "y'all'll", "yall'd've": "y'all'd've",
  "y'alld've": "y'all'd've", "y'all'dve": "y'all'd've", youd: "you'd", "youd've": "you'd've", "you'dve": "you'd've",
  youll: "you'll", youre: "you're", youve: "you've",
}));

/** `processPunctuation` of vqaEval.py. */
export function processPunctuation(text: string): string {
  // Which rule applies is decided on the text as given, not as rewritten so far (as the script does).
  const deleteAll = DIGIT_COMMA_DIGIT.test(text);
  let out = text;
  for (const mark of PUNCTUATION) {
    const touchesSpace = text.includes(`${mark} `) || text.includes(` ${mark}`);
    out = out.replaceAll(mark, touchesSpace || deleteAll ? '' : ' ');
  }
  let removed = 0;
  return out.replace(PERIOD, (period) => (removed++ < PERIOD_LIMIT ? '' : period));
}

/** `processDigitArticle` of vqaEval.py: lowercase, number words → digits, no articles, contractions. */
export function processDigitArticle(text: string): string {
  const words: string[] = [];
  for (const word of text.toLowerCase().split(/\s+/)) {
    if (word === '') continue;
    const mapped = NUMBERS.get(word) ?? word;
    if (!ARTICLES.has(mapped)) words.push(mapped);
  }
  return words.map((word) => CONTRACTIONS.get(word) ?? word).join(' ');
}

/** The full VQA answer normalisation: punctuation, then digits, articles and contractions. */
export function normalizeVqaAnswer(text: string): string {
  return processDigitArticle(processPunctuation(clean(text)));
}

/** Whether output and references are normalised: as the official script (only when answers differ), or always. */
export type VqaNormalize = 'official' | 'always';

/** What {@link vqaAccuracy} found. */
export interface VqaAccuracy {
  score: number;
  /** The output as compared. */
  answer: string;
  /** How many references equal it. */
  matches: number;
  references: number;
  normalized: boolean;
}

/** VQA accuracy of one answer against its references (see the file comment). */
export function vqaAccuracy(output: string, references: readonly string[], normalize: VqaNormalize = 'official'): VqaAccuracy {
  let answer = clean(output);
  let answers = references.map(clean);
  const normalized = answers.length === 1 || normalize === 'always' || new Set(answers).size > 1;
  if (normalized) {
    answer = processDigitArticle(processPunctuation(answer));
    answers = answers.map((a) => processDigitArticle(processPunctuation(a)));
  }
  const matches = answers.filter((a) => a === answer).length;
  if (answers.length === 1) return { score: matches, answer, matches, references: 1, normalized };
  // Each human answer left out in turn; the output is credited by the other humans who gave it.
  let sum = 0;
  for (const left of answers) sum += Math.min(1, (matches - (left === answer ? 1 : 0)) / 3);
  return { score: sum / answers.length, answer, matches, references: answers.length, normalized };
}

function clean(text: string): string {
  return text.replaceAll('\n', ' ').replaceAll('\t', ' ').trim();
}

type Value = string | string[] | { references: string | string[]; normalize?: VqaNormalize };

interface Prepared {
  references: string[];
  normalize: VqaNormalize;
}

const EXAMPLE = '{ type: vqa-accuracy, value: [the 10 human answers] } or value: { references: [...], normalize: always }';

function prepare(value: Value): Prepared {
  const object = typeof value === 'object' && value !== null && !Array.isArray(value);
  const raw: unknown = object ? value.references : value;
  const list = Array.isArray(raw) ? raw : [raw];
  // An empty answer is a real VQA answer only in broken annotations; here it is a mistake in the suite.
  if (list.length === 0 || !list.every((item) => typeof item === 'string' && item.trim() !== '')) {
    throw new LlmlabError('CONFIG_INVALID', 'vqa-accuracy needs a reference answer, or a list of them, as `value`', {
      hint: `e.g. ${EXAMPLE}`,
    });
  }
  return { references: list as string[], normalize: object && value.normalize === 'always' ? 'always' : 'official' };
}

export default defineMetric<Value, Prepared>({
  id: 'vqa-accuracy',
  optionsSchema: {
    description:
      'Reference answer(s): one answer (exact match after VQA normalisation), the human answers of a VQAv2 ' +
      'question (usually 10; accuracy = min(#humans who gave the answer / 3, 1) averaged over the leave-one-out ' +
      "subsets, as the official vqaEval.py), or { references, normalize }. Normalisation is VQAv2's: punctuation, " +
      'number words to digits, articles dropped, contractions. Score in 0..1; passes when ≥ the assertion ' +
      `\`threshold\`, or ≥ ${VQA_PASS} without one.`,
    anyOf: [
      ...(referencesSchema('').anyOf as object[]),
      {
        type: 'object',
        required: ['references'],
        additionalProperties: false,
        properties: {
          references: referencesSchema('one reference answer or the human answers'),
          normalize: {
            type: 'string',
            enum: ['official', 'always'],
            description:
              'official (default): as vqaEval.py, answers are normalised only when the references differ; ' +
              'always: normalised in every case',
          },
        },
      },
    ],
  },
  prepare,
  score: ({ output, value }) => {
    const r = vqaAccuracy(output, value.references, value.normalize);
    const how = r.normalized ? `normalised answer "${r.answer}"` : `answer "${r.answer}" (not normalised: the references agree)`;
    const reason =
      r.references === 1
        ? `VQA accuracy ${fixed(r.score)}: ${how} ${r.matches ? 'matches' : 'does not match'} the reference`
        : `VQA accuracy ${fixed(r.score)}: ${how} given by ${r.matches} of ${r.references} reference answers`;
    return { pass: r.score >= VQA_PASS, score: r.score, reason };
  },
});
