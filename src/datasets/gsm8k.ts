/**
 * GSM8K (Cobbe et al. 2021): JSON Lines with `question` and `answer`, the answer a worked solution ending in
 * `#### N`. Scored as lm-evaluation-harness does: exact match of N after **strict** extraction (the `#### N`
 * the few-shot format teaches) and after **flexible** extraction (the last number in the output), reported as
 * the metrics `strict-match` and `flexible-extract`. Few-shot examples come from the train file, drawn with a seed.
 */
import { LlmlabError } from '../errors.js';
import { defineBenchmark, drawSeeded, readJsonlRows, stringField } from './benchmark.js';
import type { JsonlRow } from './benchmark.js';

const FINAL = /####\s*(.+?)\s*$/;

/** lm-eval's strict filter: the number after `####`, then commas and a trailing period dropped. */
const STRICT = [{ regex: '#### (\\-?[0-9\\.\\,]+)' }, 'strip-commas', { regex: '^(-?[0-9.]*[0-9])' }];

export default defineBenchmark({
  id: 'gsm8k',
  title: 'GSM8K grade-school math (chain of thought, strict and flexible exact match)',
  format: 'JSON Lines: {"question", "answer"} with the answer ending in "#### N" (test.jsonl; train.jsonl for few-shot)',
  source: 'https://github.com/openai/grade-school-math (grade_school_math/data/test.jsonl, train.jsonl); also huggingface.co/datasets/openai/gsm8k',
  protocols: ['generate'],
  async load(options) {
    const shots = options.fewshot ? await fewshotBlock(options.fewshot) : '';
    const tests = [];
    for (const file of options.files) {
      for (const [i, row] of (await readJsonlRows(file)).entries()) {
        const question = stringField(row, 'question', 'GSM8K');
        const target = finalAnswer(row);
        tests.push({
          test: {
            id: `gsm8k-${i}`,
            vars: { question, fewshot: shots, target },
            assert: [
              { type: 'equals', value: target, metric: 'strict-match', transform: STRICT },
              { type: 'equals', value: target, metric: 'flexible-extract', transform: ['last-number'] },
            ],
          },
          where: { file: row.file, line: row.line },
        });
      }
    }
    return tests;
  },
});

/** The number after `####`, canonical (no thousands commas), as the reference answer. */
function finalAnswer(row: JsonlRow): string {
  const answer = stringField(row, 'answer', 'GSM8K');
  const match = FINAL.exec(answer);
  if (!match?.[1]) {
    throw new LlmlabError('DATASET_INVALID', `line ${row.line}: the answer has no final "#### N"`, {
      where: { file: row.file, line: row.line },
      hint: 'GSM8K answers end with a line "#### <number>"',
    });
  }
  return match[1].replace(/,/g, '');
}

/** k worked examples, `Question: …\nAnswer: …` each, ending with a blank line (lm-eval's gsm8k format). */
async function fewshotBlock(fewshot: { k: number; files: string[]; seed: number }): Promise<string> {
  const pool: JsonlRow[] = [];
  for (const file of fewshot.files) pool.push(...(await readJsonlRows(file)));
  return drawSeeded(pool, fewshot.k, fewshot.seed)
    .map((row) => `Question: ${stringField(row, 'question', 'GSM8K')}\nAnswer: ${stringField(row, 'answer', 'GSM8K')}\n\n`)
    .join('');
}
