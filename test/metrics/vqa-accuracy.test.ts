/**
 * VQA accuracy against the official evaluation: vqaEval.py of the VQA API (github.com/GT-Vision-Lab/VQA,
 * PythonEvaluationTools/vqaEvaluation/vqaEval.py at commit a013f00, "Fixed processing answers bug", 2021).
 *
 * The expected values below are differential cases: each was computed by running that file itself (under
 * Python 3, its two `print` statements made calls, nothing else changed) — `VQAEval.evaluate()` on a one-question
 * dataset whose answers are the references (`evalQA`, with n = 12 decimals, / 100), and
 * `processDigitArticle(processPunctuation(s))` for the normalisations. They exercise the rules its code documents:
 * punctuation deleted or spaced, the digit-comma rule, the period rule (and its 32-replacement cap), number words,
 * articles, contractions, the leave-one-out min(n/3, 1) average, and raw comparison when all answers agree.
 */
import { describe, expect, it } from 'vitest';
import vqa, { normalizeVqaAnswer, processDigitArticle, processPunctuation, vqaAccuracy } from '../../src/metrics/vqa-accuracy.js';
import { scoreMetric } from './test-metric.js';

/** [output, references, accuracy from vqaEval.py]. */
const OFFICIAL_ACCURACY: [string, string[], number][] = [
  ["2", ["2", "2", "two", "2 ", "3", "3", "3", "4", "4", "4"], 1.0],
  ["two", ["2", "2", "3", "3", "3", "3", "3", "4", "4", "4"], 0.6],
  ["Two.", ["2", "5", "3", "3", "3", "3", "3", "4", "4", "4"], 0.3],
  ["yes", ["yes", "yes", "yes", "yes", "yes", "yes", "yes", "yes", "yes", "yes"], 1.0],
  ["Yes", ["yes", "yes", "yes", "yes", "yes", "yes", "yes", "yes", "yes", "yes"], 0.0],
  ["yes.", ["yes", "yes", "yes", "yes", "yes", "yes", "yes", "yes", "yes", "yes"], 0.0],
  [" yes\n", ["yes", "yes", "yes", "yes", "yes", "yes", "yes", "yes", "yes", "yes"], 1.0],
  ["Yes", ["yes", "yes", "yes", "yes", "yes", "yes", "yes", "yes", "yes", "no"], 1.0],
  ["the dog", ["dog", "dog", "a dog", "puppy", "puppy", "puppy", "puppy", "puppy", "puppy", "puppy"], 0.9],
  ["1,000", ["1000", "1000", "1000", "many", "many", "many", "many", "many", "many", "many"], 0.9],
  ["red, white", ["red white", "red white", "red and white", "red", "red", "red", "red", "red", "red", "red"], 0.6],
  ["red , white", ["red white", "red white", "red and white", "red", "red", "red", "red", "red", "red", "red"], 0.6],
  ["t-shirt", ["t shirt", "t shirt", "shirt", "shirt", "shirt", "shirt", "shirt", "shirt", "shirt", "shirt"], 0.6],
  ["dont know", ["don't know", "don't know", "don't know", "no", "no", "no", "no", "no", "no", "no"], 0.9],
  ["2.5", ["2.5", "2.5", "2", "2", "2", "2", "2", "2", "2", "2"], 0.6],
  ["10:30", ["10:30", "10:30", "10:30", "1030", "noon", "noon", "noon", "noon", "noon", "noon"], 0.9],
  ["man's", ["man's", "mans", "man", "man", "man", "man", "man", "man", "man", "man"], 0.3],
  ["None", ["0", "0", "0", "0", "none", "zero", "1", "1", "1", "1"], 1.0],
  ["cat", ["cat", "kitten"], 0.1666666667],
  ["cat", ["cat", "cat"], 0.3333333333],
  ["cat", ["cat", "cat", "cat"], 0.6666666667],
  ["cat", ["Cat", "cat", "dog"], 0.4444444444],
  ["kitten", ["cat", "cat", "cat", "kitten", "dog", "dog", "dog", "dog", "dog", "dog"], 0.3],
  ["kitten", ["cat", "cat", "cat", "kitten", "kitten", "dog", "dog", "dog", "dog", "dog"], 0.6],
  ["kitten", ["cat", "cat", "cat", "kitten", "kitten", "kitten", "dog", "dog", "dog", "dog"], 0.9],
  ["kitten", ["cat", "kitten", "kitten", "kitten", "kitten", "dog", "dog", "dog", "dog", "dog"], 1.0],
  ["blue!", ["blue", "blue", "blue", "navy", "navy", "navy", "navy", "navy", "navy", "navy"], 0.9],
  ["(left)", ["left", "left", "right", "right", "right", "right", "right", "right", "right", "right"], 0.6],
  ["mr.smith", ["mrsmith", "mr smith", "smith", "smith", "smith", "smith", "smith", "smith", "smith", "smith"], 0.3],
];

/** [text, processDigitArticle(processPunctuation(text)) from vqaEval.py]. */
const OFFICIAL_NORMALIZATION: [string, string][] = [
  ["Two dogs.", "2 dogs"],
  ["1,000 people", "1000 people"],
  ["red, white and blue", "red white and blue"],
  ["red , white", "red white"],
  ["a t-shirt", "t shirt"],
  ["THE END.", "end"],
  ["3.14", "3.14"],
  ["it's 10:30", "it's 10:30"],
  ["dont", "don't"],
  ["Im here", "im here"],
  ["isnt it?", "isn't it"],
  ["(left)", "left"],
  ["\"quoted\"", "quoted"],
  ["x+y=z", "x y z"],
  ["a/b", "b"],
  ["mr.smith", "mrsmith"],
  ["e.g. this", "eg this"],
  ["yes!", "yes"],
  ["No, thanks", "no thanks"],
  ["one two three ten eleven", "1 2 3 10 eleven"],
  ["an apple", "apple"],
  ["under_score", "under score"],
  ["semi;colon", "semi colon"],
  ["back\\slash", "back slash"],
  ["at@home", "at home"],
  ["<tag>", "tag"],
  ["`tick`", "tick"],
  ["{brace}", "brace"],
  ["[bracket]", "bracket"],
  ["whats up", "what's up"],
  ["2 , 3", "2 3"],
  ["well...", "well"],
  ["U.S.A.", "usa"],
  ["none", "0"],
  ["whos there", "who's there"],
  ["y'allll", "y'all'll"],
  ["........................................", "........"],
  ["1,000-2,000 (approx)", "10002000 approx"],
  ["a.b.c", "abc"],
  ["constructor", "constructor"],
];

describe('vqa-accuracy matches vqaEval.py', () => {
  it.each(OFFICIAL_NORMALIZATION)('normalises %j to %j', (text, expected) => {
    expect(processDigitArticle(processPunctuation(text))).toBe(expected);
    expect(normalizeVqaAnswer(text)).toBe(expected);
  });

  it.each(OFFICIAL_ACCURACY)('scores %j against %j: %d', (output, references, expected) => {
    expect(vqaAccuracy(output, references).score).toBeCloseTo(expected, 9);
  });
});

describe('vqa-accuracy metric', () => {
  const ten = ['2', '2', 'two', '3', '3', '3', '3', '4', '4', '4'];

  it('scores the human answers with the leave-one-out rule and says how many gave the answer', async () => {
    const result = await scoreMetric(vqa, ten, 'Two.');
    expect(result.score).toBeCloseTo(0.9, 12);
    expect(result.pass).toBe(true);
    expect(result.reason).toBe('VQA accuracy 0.9000: normalised answer "2" given by 3 of 10 reference answers');
    const one = await scoreMetric(vqa, ten, '2 dogs');
    expect([one.score, one.pass]).toEqual([0, false]);
  });

  it('passes at 0.5 without a threshold: one human in ten (0.3) fails, two (0.6) pass', async () => {
    const refs = ['cat', 'kitten', 'kitten', 'dog', 'dog', 'dog', 'dog', 'dog', 'dog', 'dog'];
    expect((await scoreMetric(vqa, refs, 'cat')).pass).toBe(false);
    expect((await scoreMetric(vqa, refs, 'kitten')).pass).toBe(true);
  });

  it('with one reference, is an exact match after normalisation (the official rule would always give 0)', async () => {
    expect((await scoreMetric(vqa, 'two', 'The 2.')).score).toBe(1);
    expect((await scoreMetric(vqa, ['Two'], '2')).score).toBe(1);
    expect((await scoreMetric(vqa, '2', '2 dogs')).score).toBe(0);
    expect((await scoreMetric(vqa, 'two', 'The 2.')).reason).toBe('VQA accuracy 1.0000: normalised answer "2" matches the reference');
  });

  it('compares raw strings when every reference agrees, as vqaEval.py does, unless normalize: always', async () => {
    const yes = Array.from({ length: 10 }, () => 'yes');
    const official = await scoreMetric(vqa, yes, 'Yes');
    expect(official.score).toBe(0);
    expect(official.reason).toContain('not normalised: the references agree');
    expect((await scoreMetric(vqa, { references: yes, normalize: 'always' }, 'Yes')).score).toBe(1);
    expect((await scoreMetric(vqa, { references: ['cat', 'kitten'], normalize: 'always' }, 'Cat')).score).toBeCloseTo(1 / 6, 12);
  });

  it('rejects a missing or empty reference with a hint', async () => {
    await expect(scoreMetric(vqa, [], 'x')).rejects.toThrow(/vqa-accuracy needs a reference answer/);
    await expect(scoreMetric(vqa, ['yes', ' '], 'x')).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
  });
});
