/**
 * ScienceQA-IMG (Lu et al. 2022): the questions of ScienceQA's test split that have an image, in the layout the
 * authors publish (github.com/lupantech/ScienceQA, `data/scienceqa/`): `problems.json` (pid → problem),
 * `pid_splits.json` (split → pids) and `images/<split>/<pid>/image.png` beside them. `path` names problems.json;
 * nothing is downloaded.
 *
 * Reproduces the reference's zero-shot `CQM-A` prompt (models/base_prompt.py, `create_one_example` for a test
 * example): `Context: <hint or N/A>\nQuestion: …\nOptions: (A) … (B) …\nAnswer:`, double spaces collapsed once,
 * stripped. The image replaces the reference's caption: it is the var `image`, `file:images/test/<pid>/image.png`
 * relative to problems.json (so reports name it by that path), which the prompt places with a content part.
 * Scoring is the reference's (models/run_gpt3.py): the output's `The answer is ([A-Z]).` matches (Python
 * `re.findall`); exactly one match is the prediction, correct when it is the gold letter among the problem's
 * options. Where the reference then guesses a random option for an
 * output with no single match ("FAILED"), llmlab counts it wrong, so the figure is reproducible (the reference's
 * expectation is higher by 1/n per such item). `acc` is reported overall and as tools/evaluate_acc.py groups it:
 * by subject and by grade band.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { LlmlabError } from '../errors.js';
import { defineBenchmark, LETTERS, pythonStrip } from './benchmark.js';

/** The reference's option letters (run_gpt3.py `--options`): at most five choices. */
const OPTIONS = LETTERS.slice(0, 5);

/**
 * Exactly one `The answer is X<any char>` (Python's `.` is any character but `\n`), as a JavaScript pattern: the
 * lookahead refuses an output with two non-overlapping matches, which `re.findall` would return as two.
 */
const ONE_ANSWER = '^(?![\\s\\S]*The answer is [A-Z][^\\n][\\s\\S]*The answer is [A-Z][^\\n])[\\s\\S]*?The answer is ([A-Z])[^\\n]';

/** One problem of problems.json, the fields the adapter reads. */
interface Problem {
  question: string;
  choices: string[];
  answer: number;
  hint: string;
  image: string | null;
  subject: string;
  grade: string;
  topic?: string;
  category?: string;
}

export default defineBenchmark({
  id: 'scienceqa',
  title: 'ScienceQA-IMG: science questions with an image, test split (multiple choice, 2–5 options)',
  format:
    'problems.json {pid: {question, choices, answer, hint, image, subject, grade, …}} with pid_splits.json and images/test/<pid>/image.png beside it (path: problems.json)',
  source: 'https://github.com/lupantech/ScienceQA (data/scienceqa: problems.json, pid_splits.json; the images via its tools/download.sh)',
  protocols: ['generate'],
  async load(options) {
    if (options.fewshot) {
      throw new LlmlabError('DATASET_INVALID', 'scienceqa has no few-shot setup: ScienceQA-IMG is reported zero-shot', {
        hint: 'remove `fewshot:` from the dataset',
      });
    }
    const tests = [];
    for (const file of options.files) {
      const root = dirname(file);
      const problems = await readObject(file, 'problems.json');
      const splitsFile = join(root, 'pid_splits.json');
      const splits = await readObject(splitsFile, 'pid_splits.json');
      const pids = splits['test'];
      if (!Array.isArray(pids)) throw new LlmlabError('DATASET_INVALID', 'pid_splits.json has no `test` list of pids', { where: { file: splitsFile } });
      for (const pid of pids.map(String)) {
        const problem = parse(problems[pid], pid, file);
        if (!problem.image) continue; // ScienceQA-IMG: only the problems with an image
        const image = join(root, 'images', 'test', pid, problem.image);
        if (!existsSync(image)) {
          throw new LlmlabError('DATASET_INVALID', `problem ${pid} has an image, but ${image} does not exist`, {
            where: { file },
            hint: "download the images with the ScienceQA repository's tools/download.sh, into images/ beside problems.json",
          });
        }
        tests.push({ test: testOf(pid, problem, `images/test/${pid}/${problem.image}`), where: { file } });
      }
    }
    return tests;
  },
});

function testOf(pid: string, problem: Problem, image: string) {
  // `image` is relative to problems.json's folder, where a benchmark row's `file:` paths start.
  const context = pythonStrip(problem.hint) === '' ? 'N/A' : pythonStrip(problem.hint);
  const choicesText = problem.choices.map((choice, i) => `(${OPTIONS[i]}) ${choice}`).join(' ');
  const query = pythonStrip(`Context: ${context}\nQuestion: ${problem.question}\nOptions: ${choicesText}\nAnswer:`.replaceAll('  ', ' '));
  const subject = problem.subject.replace(/ /g, '_');
  const band = gradeBand(problem.grade);
  const names = ['acc', `acc[subject=${subject}]`, ...(band ? [`acc[grade=${band}]`] : [])];
  return {
    id: pid,
    vars: {
      image: `file:${image}`,
      question: problem.question,
      context,
      choices: problem.choices,
      choices_text: choicesText,
      query,
      fewshot: '',
    },
    assert: names.map((metric) => ({
      type: 'equals',
      value: OPTIONS[problem.answer],
      metric,
      transform: [{ regex: ONE_ANSWER, group: 1, fallback: 'FAILED' }],
    })),
    metadata: {
      subject: problem.subject,
      grade: problem.grade,
      ...(problem.topic ? { topic: problem.topic } : {}),
      ...(problem.category ? { category: problem.category } : {}),
    },
  };
}

/** evaluate_acc.py's two grade groups: grade1–6 and grade7–12. */
function gradeBand(grade: string): string | undefined {
  const n = Number(/^grade(\d+)$/.exec(grade)?.[1]);
  if (n >= 1 && n <= 6) return '1-6';
  if (n >= 7 && n <= 12) return '7-12';
  return undefined;
}

async function readObject(file: string, name: string): Promise<Record<string, unknown>> {
  let value: unknown;
  try {
    value = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new LlmlabError('FILE_NOT_FOUND', `${name} not found: ${file}`, {
        where: { file },
        hint: 'ScienceQA keeps problems.json and pid_splits.json side by side; point `path` at problems.json',
      });
    }
    throw new LlmlabError('DATASET_INVALID', `${name} is not valid JSON: ${(error as Error).message}`, { where: { file } });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new LlmlabError('DATASET_INVALID', `${name} must be a JSON object`, { where: { file } });
  }
  return value as Record<string, unknown>;
}

function parse(raw: unknown, pid: string, file: string): Problem {
  const where = { file };
  if (typeof raw !== 'object' || raw === null) throw new LlmlabError('DATASET_INVALID', `pid_splits.json names problem ${pid}, which problems.json does not hold`, { where });
  const p = raw as Record<string, unknown>;
  const choices = Array.isArray(p['choices']) ? p['choices'].map(String) : [];
  const answer = p['answer'];
  if (typeof p['question'] !== 'string' || choices.length < 2 || typeof answer !== 'number' || !Number.isInteger(answer) || answer < 0 || answer >= choices.length) {
    throw new LlmlabError('DATASET_INVALID', `problem ${pid} is not a ScienceQA problem {question, choices, answer (an index into choices)}`, { where });
  }
  if (choices.length > OPTIONS.length) {
    throw new LlmlabError('DATASET_INVALID', `problem ${pid} has ${choices.length} choices; the reference letters them A–E`, { where });
  }
  const text = (key: string) => (typeof p[key] === 'string' ? (p[key] as string) : '');
  return {
    question: p['question'] as string,
    choices,
    answer,
    hint: text('hint'),
    image: typeof p['image'] === 'string' && p['image'] !== '' ? p['image'] : null,
    subject: text('subject') || 'unknown',
    grade: text('grade'),
    ...(text('topic') ? { topic: text('topic') } : {}),
    ...(text('category') ? { category: text('category') } : {}),
  };
}
