/**
 * ARC Easy / Challenge (Clark et al. 2018): JSON Lines with `id`, `question.stem`, `question.choices[{label,
 * text}]` and `answerKey`. Labels may be letters or digits (a few rows use 1–4); the gold is the position of
 * `answerKey` among the labels, and choices are shown relabelled A, B, C, … for the generate protocol.
 */
import { LlmlabError } from '../errors.js';
import { choiceAssertions, defineBenchmark, drawSeeded, formatChoices, LETTERS, readJsonlRows, stringField } from './benchmark.js';
import type { JsonlRow } from './benchmark.js';

interface ArcItem {
  id: string;
  question: string;
  choices: string[];
  gold: number;
}

export default defineBenchmark({
  id: 'arc',
  title: 'AI2 Reasoning Challenge, Easy or Challenge set (multiple choice)',
  format: 'JSON Lines: {"id", "question": {"stem", "choices": [{"label", "text"}]}, "answerKey"} (ARC-*-Test.jsonl; -Train for few-shot)',
  source: 'https://allenai.org/data/arc (ARC-V1-Feb2018: ARC-Easy/ARC-Easy-Test.jsonl, ARC-Challenge/ARC-Challenge-Test.jsonl)',
  protocols: ['generate', 'loglikelihood'],
  async load(options) {
    const shots = options.fewshot ? await fewshotBlock(options.fewshot) : '';
    const tests = [];
    for (const file of options.files) {
      for (const row of await readJsonlRows(file)) {
        const item = parse(row);
        tests.push({
          test: {
            id: item.id,
            vars: { question: item.question, choices: item.choices, choices_text: formatChoices(item.choices), fewshot: shots },
            assert: choiceAssertions(options.protocol, item.gold),
            ...(options.protocol === 'loglikelihood' ? { continuations: item.choices.map((c) => ` ${c}`) } : {}),
          },
          where: { file: row.file, line: row.line },
        });
      }
    }
    return tests;
  },
});

function parse(row: JsonlRow): ArcItem {
  const where = { file: row.file, line: row.line };
  const question = row.value['question'] as Record<string, unknown> | undefined;
  const raw = question?.['choices'];
  if (!Array.isArray(raw) || raw.length < 2) {
    throw new LlmlabError('DATASET_INVALID', `line ${row.line} has no \`question.choices\` list (is this an ARC file?)`, { where });
  }
  const labels = raw.map((c) => String((c as Record<string, unknown>)['label']));
  const choices = raw.map((c) => String((c as Record<string, unknown>)['text']));
  const key = stringField(row, 'answerKey', 'ARC');
  const gold = labels.indexOf(key);
  if (gold === -1 || gold >= LETTERS.length) {
    throw new LlmlabError('DATASET_INVALID', `line ${row.line}: answerKey \`${key}\` is not one of the labels ${labels.join(', ')}`, { where });
  }
  return { id: stringField(row, 'id', 'ARC'), question: stringField(row, 'question.stem', 'ARC'), choices, gold };
}

async function fewshotBlock(fewshot: { k: number; files: string[]; seed: number }): Promise<string> {
  const pool: JsonlRow[] = [];
  for (const file of fewshot.files) pool.push(...(await readJsonlRows(file)));
  return drawSeeded(pool, fewshot.k, fewshot.seed)
    .map(parse)
    .map((item) => `Question: ${item.question}\n${formatChoices(item.choices)}\nAnswer: ${LETTERS[item.gold]}\n\n`)
    .join('');
}
