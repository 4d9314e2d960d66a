/**
 * MMLU (Hendrycks et al. 2021): the official CSVs, one per subject and split (`test/<subject>_test.csv`,
 * `dev/<subject>_dev.csv`), without a header: question, A, B, C, D, answer letter. The Hugging Face JSON Lines
 * variant (`question`, `subject`, `choices`, `answer` index) is read too. Reproduces lm-evaluation-harness's
 * `mmlu` (lm_eval/tasks/mmlu/default, version 1.0; `generate` follows mmlu/generative, version 3.0): the subject's
 * description, the first k dev rows as shots (`first_n`), `question.strip()` with lettered choices and
 * `Answer:`; loglikelihood scores " A" … " D" and reports acc only (no acc_norm: the choices are all one
 * letter long). Each test reports `acc`
 * (micro-averaged overall) and `acc[category=…]`, `acc[subject=…]`, so the per-subject and per-category figures
 * show, with intervals, wherever metrics do.
 */
import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { LlmlabError } from '../errors.js';
import { choiceAssertions, continuationsOf, defineBenchmark, formatChoices, LETTERS, pythonStrip, readJsonlRows } from './benchmark.js';
import { fewshotText, sameFiles } from './fewshot.js';
import { MMLU_CATEGORIES } from './mmlu-subjects.js';

interface MmluItem {
  subject: string;
  question: string;
  choices: string[];
  gold: number;
  where: { file: string; line: number };
}

export default defineBenchmark({
  id: 'mmlu',
  title: 'MMLU, 57 subjects (4-way multiple choice; per-subject and per-category accuracy)',
  format: 'CSV per subject without header: question,A,B,C,D,answer (data/test/*_test.csv; data/dev/*_dev.csv for few-shot); or JSON Lines {"question","subject","choices","answer"}',
  source: 'https://people.eecs.berkeley.edu/~hendrycks/data.tar (github.com/hendrycks/test); also huggingface.co/datasets/cais/mmlu',
  protocols: ['generate', 'loglikelihood'],
  async load(options) {
    const dev = new Map<string, MmluItem[]>();
    for (const file of options.fewshot?.files ?? []) {
      for (const item of await readItems(file)) dev.set(item.subject, [...(dev.get(item.subject) ?? []), item]);
    }
    const k = options.fewshot?.k ?? 0;
    const sameSplit = sameFiles(options.fewshot?.files ?? [], options.files);
    const tests = [];
    for (const file of options.files) {
      for (const [i, item] of (await readItems(file)).entries()) {
        const category = MMLU_CATEGORIES[item.subject] ?? 'other';
        // lm-eval's first_n sampler: the first k dev rows of the subject (without the item, from its own split).
        const pool = (dev.get(item.subject) ?? []).filter((shot) => !sameSplit || shot.where.line !== item.where.line || shot.where.file !== item.where.file);
        if (pool.length < k) {
          throw new LlmlabError('DATASET_INVALID', `${item.subject} has ${pool.length} few-shot rows; k = ${k} needs ${k}`, {
            where: item.where,
            hint: "MMLU's dev split has 5 rows per subject: use k ≤ 5, and point `fewshot.path` at data/dev/*_dev.csv",
          });
        }
        const subjectText = item.subject.replace(/_/g, ' ');
        tests.push({
          test: {
            id: `${item.subject}-${i}`,
            vars: {
              subject: item.subject,
              subject_text: subjectText,
              description: `The following are multiple choice questions (with answers) about ${subjectText}.\n\n`,
              question: item.question,
              choices: item.choices,
              choices_text: formatChoices(item.choices),
              query: queryOf(item),
              fewshot: fewshotText(pool.slice(0, k).map((shot) => ({ query: queryOf(shot), answer: LETTERS[shot.gold]! }))),
            },
            assert: choiceAssertions(options.protocol, item.gold, [`category=${category}`, `subject=${item.subject}`], { accNorm: false }),
            metadata: { subject: item.subject, category },
            ...continuationsOf(options.protocol, item.choices.map((_, j) => LETTERS[j]!)),
          },
          where: item.where,
        });
      }
    }
    return tests;
  },
});

/** lm-eval's `doc_to_text`: `question.strip()`, the lettered choices, `Answer:` — for the item and each shot. */
function queryOf(item: MmluItem): string {
  return `${pythonStrip(item.question)}\n${formatChoices(item.choices)}\nAnswer:`;
}

async function readItems(file: string): Promise<MmluItem[]> {
  if (extname(file).toLowerCase() === '.jsonl') {
    return (await readJsonlRows(file)).map((row) => {
      const { question, subject, choices, answer } = row.value;
      const where = { file, line: row.line };
      const gold = typeof answer === 'number' ? answer : LETTERS.indexOf(String(answer) as (typeof LETTERS)[number]);
      if (typeof question !== 'string' || typeof subject !== 'string' || !Array.isArray(choices) || gold < 0 || gold >= choices.length) {
        throw new LlmlabError('DATASET_INVALID', `line ${row.line} is not an MMLU row {"question", "subject", "choices", "answer"}`, { where });
      }
      return { subject, question, choices: choices.map(String), gold, where };
    });
  }
  const subject = basename(file, extname(file)).replace(/_(test|dev|val)$/, '');
  return parseCsv(await readFile(file, 'utf8')).map(({ cells, line }) => {
    const where = { file, line };
    if (cells.length !== 6) {
      throw new LlmlabError('DATASET_INVALID', `line ${line} has ${cells.length} columns, MMLU rows have 6: question,A,B,C,D,answer`, {
        where,
        hint: 'the official MMLU CSVs have no header row',
      });
    }
    const gold = LETTERS.indexOf(cells[5]!.trim() as (typeof LETTERS)[number]);
    if (gold < 0 || gold > 3) throw new LlmlabError('DATASET_INVALID', `line ${line}: the answer must be A, B, C or D`, { where });
    return { subject, question: cells[0]!, choices: cells.slice(1, 5), gold, where };
  });
}

/** RFC 4180 rows (quoted fields may hold commas, quotes and newlines), with the line each starts on. */
export function parseCsv(text: string): Array<{ cells: string[]; line: number }> {
  const rows: Array<{ cells: string[]; line: number }> = [];
  let cells: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let start = 1;
  const endRow = () => {
    cells.push(field);
    if (cells.length > 1 || cells[0] !== '') rows.push({ cells, line: start });
    cells = [];
    field = '';
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\n') line++;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') cells.push(field), (field = '');
    else if (c === '\n') endRow(), (start = line);
    else if (c !== '\r') field += c;
  }
  if (field !== '' || cells.length > 0) endRow();
  return rows;
}
