/**
 * HellaSwag (Zellers et al. 2019): JSON Lines with `ind`, `activity_label`, `ctx`, `endings` (four) and `label`.
 * Text is cleaned as lm-evaluation-harness does (`[title]` markers and double spaces removed); the context is
 * `activity_label: ctx` and, under loglikelihood, each ending is scored as its continuation.
 */
import { LlmlabError } from '../errors.js';
import { choiceAssertions, defineBenchmark, drawSeeded, formatChoices, LETTERS, readJsonlRows, stringField } from './benchmark.js';
import type { JsonlRow } from './benchmark.js';

interface SwagItem {
  id: string;
  ctx: string;
  endings: string[];
  gold: number;
  activity: string;
}

export default defineBenchmark({
  id: 'hellaswag',
  title: 'HellaSwag commonsense sentence completion (multiple choice)',
  format: 'JSON Lines: {"ind", "activity_label", "ctx", "endings": [4], "label"} (hellaswag_val.jsonl; the test split has no labels)',
  source: 'https://github.com/rowanz/hellaswag (data/hellaswag_val.jsonl, hellaswag_train.jsonl)',
  protocols: ['generate', 'loglikelihood'],
  async load(options) {
    const shots = options.fewshot ? await fewshotBlock(options.fewshot) : '';
    const tests = [];
    for (const file of options.files) {
      for (const [i, row] of (await readJsonlRows(file)).entries()) {
        const item = parse(row, i);
        tests.push({
          test: {
            id: item.id,
            vars: { ctx: item.ctx, endings: item.endings, choices_text: formatChoices(item.endings), fewshot: shots },
            assert: choiceAssertions(options.protocol, item.gold),
            metadata: { activity: item.activity },
            ...(options.protocol === 'loglikelihood' ? { continuations: item.endings.map((e) => ` ${e}`) } : {}),
          },
          where: { file: row.file, line: row.line },
        });
      }
    }
    return tests;
  },
});

/** lm-eval's `preprocess`: drop ` [title]`, bracketed markers and double spaces. */
export function clean(text: string): string {
  return text.trim().replace(' [title]', '. ').replace(/\[.*?\]/g, '').replace(/ {2}/g, ' ');
}

function parse(row: JsonlRow, index: number): SwagItem {
  const where = { file: row.file, line: row.line };
  const endings = row.value['endings'];
  if (!Array.isArray(endings) || endings.length < 2) {
    throw new LlmlabError('DATASET_INVALID', `line ${row.line} has no \`endings\` list (is this a HellaSwag file?)`, { where });
  }
  const gold = Number(row.value['label']);
  if (!Number.isInteger(gold) || gold < 0 || gold >= endings.length || gold >= LETTERS.length) {
    throw new LlmlabError('DATASET_INVALID', `line ${row.line}: \`label\` must be an ending's index (0–${endings.length - 1})`, {
      where,
      hint: 'the official test split has no labels: use hellaswag_val.jsonl',
    });
  }
  const activity = stringField(row, 'activity_label', 'HellaSwag');
  const ind = row.value['ind'];
  return {
    id: `hellaswag-${typeof ind === 'number' || typeof ind === 'string' ? String(ind) : index}`,
    ctx: clean(`${activity}: ${stringField(row, 'ctx', 'HellaSwag')}`),
    endings: endings.map((e) => clean(String(e))),
    gold,
    activity,
  };
}

async function fewshotBlock(fewshot: { k: number; files: string[]; seed: number }): Promise<string> {
  const pool: JsonlRow[] = [];
  for (const file of fewshot.files) pool.push(...(await readJsonlRows(file)));
  return drawSeeded(pool, fewshot.k, fewshot.seed)
    .map((row, i) => parse(row, i))
    .map((item) => `${item.ctx}\n${formatChoices(item.endings)}\nAnswer: ${LETTERS[item.gold]}\n\n`)
    .join('');
}
