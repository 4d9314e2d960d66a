/**
 * Stage 1 of a fine-tune recipe (DESIGN.md §9): checks a recipe's training (and validation) JSONL before
 * anything is uploaded. Local work only. Errors stop the run (exit 2); warnings are listed.
 *
 * Errors: `json`, `shape`, `roles`, `order`, `empty-assistant`, `weight`, `preferred`, `identical`, `context`,
 * `too-few`, and `leakage` (unless `leakage: warn | off`). Warnings: `blank-line`, `duplicate`,
 * `near-duplicate`, `secret`, `pii`, `imbalance`, `format-mix`.
 *
 * A blank line is skipped with a warning, not an error: JSONL has no blank lines, and some trainers reject
 * them, but the intent of a trailing empty line is never in doubt.
 */
import { LlmlabError } from '../errors.js';
import { BalanceTally } from './balance.js';
import { LeakageIndex } from './leakage.js';
import { DuplicateIndex, SHINGLE_WORDS } from './near-duplicates.js';
import { parseExample } from './parse-example.js';
import { ProblemList } from './problems.js';
import { readJsonLines, type JsonLine } from './read-examples.js';
import { sensitiveProblems } from './sensitive-text.js';
import type { DataReport, ValidateOptions } from './types.js';

export { estimateTrainingUsd, trainingEpochs } from './training-cost.js';

/** OpenAI's minimum number of training examples per job. */
export const MIN_TRAIN_EXAMPLES = 10;

type Counts = DataReport['counts'];

/** Checks the data of one recipe; see the file comment for the rules. */
export async function validateData(options: ValidateOptions): Promise<DataReport> {
  const errors = new ProblemList();
  const warnings = new ProblemList();
  const counts: Counts = {
    train: 0, validation: 0, trainTokens: 0, validationTokens: 0, maxExampleTokens: 0,
    overContext: 0, exactDuplicates: 0, nearDuplicates: 0, secrets: 0, leakedTests: 0,
  };
  const duplicates = new DuplicateIndex(options.nearDuplicateThreshold);
  const leakage = options.leakage === 'off' ? undefined : new LeakageIndex(options.evalInputs);
  const balance = new BalanceTally();
  const state: FileState = { options, errors, warnings, counts, duplicates };

  const train = options.display(options.files.train);
  await scanFile(options.files.train, 'train', state, (ref, example) => {
    if (leakage && !leakage.empty) leakage.scan(ref, example.promptText);
    balance.add(example.answer, example.hasSystem);
  });
  if (options.files.validation) await scanFile(options.files.validation, 'validation', state, () => {});

  if (counts.train < MIN_TRAIN_EXAMPLES) {
    errors.add({
      file: train, line: 0, rule: 'too-few',
      message: `${counts.train} training example${counts.train === 1 ? '' : 's'}; at least ${MIN_TRAIN_EXAMPLES} are required`,
    });
  }
  for (const leak of leakage?.leaks() ?? []) {
    counts.leakedTests++;
    (options.leakage === 'warn' ? warnings : errors).add({
      ...leak.at,
      rule: 'leakage',
      message: `eval test ${JSON.stringify(leak.testId)} overlaps this training example (a shared 13-word sequence, or all of a shorter input)`,
    });
  }
  const { labels, warnings: balanceWarnings } = balance.finish();
  for (const warning of balanceWarnings) warnings.add({ file: train, line: 0, ...warning });
  return { errors: errors.done(), warnings: warnings.done(), counts, ...(labels ? { labels } : {}) };
}

interface FileState {
  options: ValidateOptions;
  errors: ProblemList;
  warnings: ProblemList;
  counts: Counts;
  duplicates: DuplicateIndex;
}

type Example = NonNullable<ReturnType<typeof parseExample>['example']>;

async function scanFile(
  path: string,
  which: 'train' | 'validation',
  { options, errors, warnings, counts, duplicates }: FileState,
  onExample: (ref: { file: string; line: number }, example: Example) => void,
): Promise<void> {
  const file = options.display(path);
  for await (const entry of readLines(path, file, which)) {
    const { line } = entry;
    if (entry.kind === 'blank') {
      warnings.add({ file, line, rule: 'blank-line', message: 'blank line, skipped (JSONL has one example per line)' });
      continue;
    }
    counts[which]++;
    if (entry.kind === 'invalid') {
      errors.add({ file, line, rule: 'json', message: `not a JSON object: ${entry.message}` });
      continue;
    }
    const { example, problems } = parseExample(options.method, entry.value, options.countTokens);
    for (const problem of problems) errors.add({ file, line, ...problem });
    if (!example) continue;

    const billed = Math.min(example.tokens, options.contextWindow);
    if (which === 'train') counts.trainTokens += billed;
    else counts.validationTokens += billed;
    counts.maxExampleTokens = Math.max(counts.maxExampleTokens, example.contextTokens);
    if (example.contextTokens > options.contextWindow) {
      counts.overContext++;
      errors.add({ file, line, rule: 'context', message: `${example.contextTokens} tokens, over the base model's context window of ${options.contextWindow}` });
    }

    for (const problem of sensitiveProblems(example.texts)) {
      counts.secrets++;
      warnings.add({ file, line, ...problem });
    }

    const ref = { file, line };
    const match = duplicates.check(ref, example.fullText);
    if (match?.kind === 'exact') {
      counts.exactDuplicates++;
      warnings.add({ file, line, rule: 'duplicate', message: `repeats ${at(match.of)} (the same words, ignoring case, spacing and punctuation)` });
    } else if (match) {
      counts.nearDuplicates++;
      warnings.add({
        file, line, rule: 'near-duplicate',
        message: `nearly repeats ${at(match.of)} (Jaccard similarity ${match.similarity.toFixed(2)} of word ${SHINGLE_WORDS}-grams, threshold ${options.nearDuplicateThreshold})`,
      });
    }
    onExample(ref, example);
  }
}

/** The file's lines; a missing or unreadable file is the user's mistake (exit 2), not a crash. */
async function* readLines(path: string, file: string, which: 'train' | 'validation'): AsyncGenerator<JsonLine> {
  try {
    yield* readJsonLines(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'EISDIR' && code !== 'EACCES') throw error;
    const what = which === 'train' ? 'training data' : 'validation data';
    throw new LlmlabError('FILE_NOT_FOUND', code === 'ENOENT' ? `${what} not found: ${file}` : `cannot read ${what} ${file}: ${(error as Error).message}`, {
      where: { file: path },
      hint: `check the recipe's \`data.${which}\` path (relative to the suite's folder)`,
    });
  }
}

function at(ref: { file: string; line: number }): string {
  return `${ref.file}:${ref.line}`;
}
