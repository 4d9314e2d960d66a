/**
 * MMLU (Hendrycks et al. 2021): the official CSVs, one per subject and split (`test/<subject>_test.csv`,
 * `dev/<subject>_dev.csv`), without a header: question, A, B, C, D, answer letter. The Hugging Face JSON Lines
 * variant (`question`, `subject`, `choices`, `answer` index) is read too. Few-shot examples are the first k of
 * the same subject's dev file, as in the original paper and lm-evaluation-harness. Each test reports `acc`
 * (micro-averaged overall) and `acc[category=…]`, `acc[subject=…]`, so the per-subject and per-category figures
 * show, with intervals, wherever metrics do.
 */
import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { LlmlabError } from '../errors.js';
import { choiceAssertions, defineBenchmark, formatChoices, LETTERS, readJsonlRows } from './benchmark.js';
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
    const tests = [];
    for (const file of options.files) {
      for (const [i, item] of (await readItems(file)).entries()) {
        const category = MMLU_CATEGORIES[item.subject] ?? 'other';
        const shots = (dev.get(item.subject) ?? []).slice(0, k).map((shot) => `${block(shot)} ${LETTERS[shot.gold]}\n\n`).join('');
        tests.push({
          test: {
            id: `${item.subject}-${i}`,
            vars: {
              subject: item.subject,
              subject_text: item.subject.replace(/_/g, ' '),
              question: item.question,
              choices: item.choices,
              choices_text: formatChoices(item.choices),
              fewshot: shots,
            },
            assert: choiceAssertions(options.protocol, item.gold, [`category=${category}`, `subject=${item.subject}`]),
            metadata: { subject: item.subject, category },
            ...(options.protocol === 'loglikelihood' ? { continuations: item.choices.map((_, j) => ` ${LETTERS[j]}`) } : {}),
          },
          where: item.where,
        });
      }
    }
    return tests;
  },
});

/** `question\nA. …\nB. …\nC. …\nD. …\nAnswer:` — the shared question block of the prompt and of each shot. */
function block(item: MmluItem): string {
  return `${item.question.trim()}\n${formatChoices(item.choices)}\nAnswer:`;
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
