/**
 * HellaSwag (Zellers et al. 2019): JSON Lines with `ind`, `activity_label`, `ctx_a`, `ctx_b`, `endings` (four)
 * and `label` (an index, or its string in Hugging Face's `Rowan/hellaswag`). Reproduces lm-evaluation-harness's
 * `hellaswag` task (lm_eval/tasks/hellaswag/hellaswag.yaml + utils.py, version 1.0): the query is
 * `preprocess(activity_label + ": " + ctx_a + " " + ctx_b.capitalize())` and each ending is `preprocess(ending)`,
 * where `preprocess` strips, turns every " [title]" into ". ", removes every other `[…]` and collapses double
 * spaces. `loglikelihood` scores " " + ending after the query (acc, acc_norm), shots answered with the gold
 * ending; `generate` (llmlab's format for chat models) lists the endings as A–D and asks for a letter.
 */
import { LlmlabError } from '../errors.js';
import { choiceAssertions, continuationsOf, defineBenchmark, formatChoices, LETTERS, pythonStrip, readJsonlRows, stringField } from './benchmark.js';
import type { ChoiceProtocol, JsonlRow } from './benchmark.js';
import { fewshotText, jsonlSampler } from './fewshot.js';

interface SwagItem {
  id: string;
  query: string;
  endings: string[];
  gold: number;
  activity: string;
}

export default defineBenchmark({
  id: 'hellaswag',
  title: 'HellaSwag commonsense sentence completion (multiple choice)',
  format: 'JSON Lines: {"ind", "activity_label", "ctx_a", "ctx_b", "endings": [4], "label"} (hellaswag_val.jsonl; the test split has no labels), or Rowan/hellaswag rows',
  source: 'https://github.com/rowanz/hellaswag (data/hellaswag_val.jsonl, hellaswag_train.jsonl); also huggingface.co/datasets/Rowan/hellaswag',
  protocols: ['generate', 'loglikelihood'],
  async load(options) {
    const sampler = await jsonlSampler(options.fewshot, options.files);
    const tests = [];
    for (const file of options.files) {
      for (const [i, row] of (await readJsonlRows(file)).entries()) {
        const item = parse(row, i);
        const shots = sampler.next(row).map((shot) => parse(shot, 0)).map((shot) => ({ query: queryOf(shot, options.protocol), answer: answerOf(shot, options.protocol) }));
        tests.push({
          test: {
            id: item.id,
            vars: { ctx: item.query, endings: item.endings, choices_text: formatChoices(item.endings), query: queryOf(item, options.protocol), fewshot: fewshotText(shots) },
            assert: choiceAssertions(options.protocol, item.gold),
            metadata: { activity: item.activity },
            ...continuationsOf(options.protocol, item.endings),
          },
          where: { file: row.file, line: row.line },
        });
      }
    }
    return tests;
  },
});

function queryOf(item: SwagItem, protocol: ChoiceProtocol): string {
  return protocol === 'loglikelihood' ? item.query : `${item.query}\n${formatChoices(item.endings)}\nAnswer:`;
}

function answerOf(item: SwagItem, protocol: ChoiceProtocol): string {
  return protocol === 'loglikelihood' ? item.endings[item.gold]! : LETTERS[item.gold]!;
}

/** lm-eval's `preprocess`, every replacement global as Python's `str.replace` and `re.sub` are. */
export function preprocess(text: string): string {
  return pythonStrip(text).replaceAll(' [title]', '. ').replace(/\[[^\n]*?\]/g, '').replaceAll('  ', ' ');
}

/**
 * Python's `str.capitalize()`: the first character in title case, the rest lowercased. Title case differs from
 * upper case only for the four Latin digraphs (ǆ → ǅ, not Ǆ).
 */
export function capitalize(text: string): string {
  const [first = '', ...rest] = text;
  return (TITLECASE[first] ?? first.toUpperCase()) + rest.join('').toLowerCase();
}

const TITLECASE: Record<string, string> = { Ǆ: 'ǅ', ǅ: 'ǅ', ǆ: 'ǅ', Ǉ: 'ǈ', ǈ: 'ǈ', ǉ: 'ǈ', Ǌ: 'ǋ', ǋ: 'ǋ', ǌ: 'ǋ', Ǳ: 'ǲ', ǲ: 'ǲ', ǳ: 'ǲ' };

function parse(row: JsonlRow, index: number): SwagItem {
  const where = { file: row.file, line: row.line };
  const endings = row.value['endings'];
  if (!Array.isArray(endings) || endings.length < 2) {
    throw new LlmlabError('DATASET_INVALID', `line ${row.line} has no \`endings\` list (is this a HellaSwag file?)`, { where });
  }
  const label = row.value['label'];
  const gold = label === '' || label === null ? NaN : Number(label);
  if (!Number.isInteger(gold) || gold < 0 || gold >= endings.length || gold >= LETTERS.length) {
    throw new LlmlabError('DATASET_INVALID', `line ${row.line}: \`label\` must be an ending's index (0–${endings.length - 1})`, {
      where,
      hint: 'the official test split has no labels: use hellaswag_val.jsonl',
    });
  }
  const activity = stringField(row, 'activity_label', 'HellaSwag');
  const ind = row.value['ind'];
  const ctx = `${stringField(row, 'ctx_a', 'HellaSwag')} ${capitalize(stringField(row, 'ctx_b', 'HellaSwag'))}`;
  return {
    id: `hellaswag-${typeof ind === 'number' || typeof ind === 'string' ? String(ind) : index}`,
    query: preprocess(`${activity}: ${ctx}`),
    endings: endings.map((e) => preprocess(String(e))),
    gold,
    activity,
  };
}
