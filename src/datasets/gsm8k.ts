/**
 * GSM8K (Cobbe et al. 2021): JSON Lines with `question` and `answer` (a worked solution ending in `#### N`), the
 * original files or Hugging Face's `openai/gsm8k` (`main`), which have the same rows. Reproduces
 * lm-evaluation-harness's `gsm8k` task (lm_eval/tasks/gsm8k/gsm8k.yaml, version 3.0): the prompt is
 * `Question: …\nAnswer:` after k shots `Question: …\nAnswer: <full answer>\n\n` (drawn per item, see
 * ./fewshot.ts), and two filters feed `exact_match` against the full reference answer:
 * - `strict-match`: the first `#### (\-?[0-9\.\,]+)`, else "[invalid]";
 * - `flexible-extract`: the last match of `(-?[$0-9.,]{2,})|(-?[0-9]+)`, its first non-empty group;
 * then both sides lose `,`, `$`, everything through the last `#### ` and a final `.`, and are lowercased. Nothing
 * else: "18.00" is not "18" (the `numeric` metric is there for a lenient comparison).
 */
import { LlmlabError } from '../errors.js';
import { defineBenchmark, readJsonlRows, stringField } from './benchmark.js';
import type { JsonlRow } from './benchmark.js';
import { fewshotText, jsonlSampler } from './fewshot.js';

/** lm-eval's gsm8k `metric_list` entry for `exact_match`. */
export const GSM8K_EXACT_MATCH = { ignoreCase: true, regexesToIgnore: [',', '\\$', '(?s).*#### ', '\\.$'] } as const;
/** lm-eval's gsm8k `filter_list`, as transform steps (the regex filter strips what it keeps). */
export const GSM8K_STRICT = [{ regex: '#### (\\-?[0-9\\.\\,]+)', group: 'any', fallback: '[invalid]' }, 'trim'];
export const GSM8K_FLEXIBLE = [{ regex: '(-?[$0-9.,]{2,})|(-?[0-9]+)', group: 'any', select: 'last', fallback: '[invalid]' }, 'trim'];

export default defineBenchmark({
  id: 'gsm8k',
  title: 'GSM8K grade-school math (lm-eval gsm8k: strict-match and flexible-extract exact match)',
  format: 'JSON Lines: {"question", "answer"} with the answer ending in "#### N" (test.jsonl; train.jsonl for few-shot)',
  source: 'https://github.com/openai/grade-school-math (grade_school_math/data/test.jsonl, train.jsonl); also huggingface.co/datasets/openai/gsm8k',
  protocols: ['generate'],
  async load(options) {
    const sampler = await jsonlSampler(options.fewshot, options.files);
    const tests = [];
    for (const file of options.files) {
      for (const [i, row] of (await readJsonlRows(file)).entries()) {
        const question = stringField(row, 'question', 'GSM8K');
        const answer = referenceOf(row);
        const shots = sampler.next(row).map((shot) => ({ query: queryOf(stringField(shot, 'question', 'GSM8K')), answer: stringField(shot, 'answer', 'GSM8K') }));
        const reference = { reference: answer, ...GSM8K_EXACT_MATCH, regexesToIgnore: [...GSM8K_EXACT_MATCH.regexesToIgnore] };
        tests.push({
          test: {
            id: `gsm8k-${i}`,
            vars: { question, query: queryOf(question), fewshot: fewshotText(shots), target: finalAnswer(answer) },
            assert: [
              { type: 'exact-match', value: reference, metric: 'strict-match', transform: GSM8K_STRICT },
              { type: 'exact-match', value: reference, metric: 'flexible-extract', transform: GSM8K_FLEXIBLE },
            ],
          },
          where: { file: row.file, line: row.line },
        });
      }
    }
    return tests;
  },
});

/** lm-eval's `doc_to_text`. */
function queryOf(question: string): string {
  return `Question: ${question}\nAnswer:`;
}

/** The full worked answer (lm-eval's `doc_to_target`); it must end in `#### N`. */
function referenceOf(row: JsonlRow): string {
  const answer = stringField(row, 'answer', 'GSM8K');
  if (!answer.includes('#### ')) {
    throw new LlmlabError('DATASET_INVALID', `line ${row.line}: the answer has no final "#### N"`, {
      where: { file: row.file, line: row.line },
      hint: 'GSM8K answers end with a line "#### <number>"',
    });
  }
  return answer;
}

/** The number after the last `#### `, as the report's target (what exact-match reduces the reference to). */
function finalAnswer(answer: string): string {
  return answer.slice(answer.lastIndexOf('#### ') + 5).replace(/[,$]/g, '').replace(/\.(?=\n?$)/, '').trim();
}
