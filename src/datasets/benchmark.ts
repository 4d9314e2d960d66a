/**
 * The shared leaf of the benchmark adapters (gsm8k, mmlu, arc, hellaswag, humaneval): what an adapter is, the
 * official-file readers they share, seeded few-shot selection and the multiple-choice assertions of both
 * protocols. An adapter turns rows into tests that carry their own assertions, so a suite needs no templating.
 */
import { readFile } from 'node:fs/promises';
import { LlmlabError } from '../errors.js';

/** Multiple-choice protocol: the model answers a letter, or each choice is scored by its log-probability. */
export type ChoiceProtocol = 'generate' | 'loglikelihood';

/** The `fewshot:` of a benchmark dataset, with its files resolved. */
export interface FewshotOptions {
  k: number;
  files: string[];
  seed: number;
}

/** What an adapter is given: the suite's `dataset:` with paths made absolute. */
export interface BenchmarkLoadOptions {
  /** Files to read, sorted (a glob already expanded). */
  files: string[];
  fewshot?: FewshotOptions;
  protocol: ChoiceProtocol;
  timeoutMs?: number;
  memoryMb?: number;
}

/** One test made by an adapter: a test object as a suite would write it, plus where its row is. */
export interface BenchmarkTest {
  test: {
    id: string;
    description?: string;
    vars: Record<string, unknown>;
    assert: Array<Record<string, unknown>>;
    metadata?: Record<string, unknown>;
    continuations?: string[];
  };
  where: { file: string; line?: number };
}

/** A benchmark family. */
export interface BenchmarkAdapter {
  id: string;
  title: string;
  /** The file(s) it reads and their format, one line. */
  format: string;
  /** Where the official data is published. */
  source: string;
  protocols: readonly ChoiceProtocol[];
  /** True when scoring runs model-written code (needs `allowCodeExecution`). */
  executesCode?: boolean;
  load(options: BenchmarkLoadOptions): Promise<BenchmarkTest[]>;
}

/** Authoring helper: returns its argument, typed. */
export function defineBenchmark(adapter: BenchmarkAdapter): BenchmarkAdapter {
  return adapter;
}

/** One parsed JSON Lines row with its 1-based line. */
export interface JsonlRow {
  value: Record<string, unknown>;
  line: number;
  file: string;
}

/** Reads a JSON Lines file of objects; a bad line is DATASET_INVALID naming it. */
export async function readJsonlRows(file: string): Promise<JsonlRow[]> {
  const text = await readFile(file, 'utf8');
  const rows: JsonlRow[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw new LlmlabError('DATASET_INVALID', `line ${i + 1} is not valid JSON: ${(error as Error).message}`, {
        where: { file, line: i + 1 },
      });
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new LlmlabError('DATASET_INVALID', `line ${i + 1} must be a JSON object`, { where: { file, line: i + 1 } });
    }
    rows.push({ value: value as Record<string, unknown>, line: i + 1, file });
  });
  return rows;
}

/** A field of a row that must be a string; DATASET_INVALID naming the benchmark, field and line otherwise. */
export function stringField(row: JsonlRow, path: string, benchmark: string): string {
  let value: unknown = row.value;
  for (const key of path.split('.')) value = (value as Record<string, unknown> | undefined)?.[key];
  if (typeof value === 'number') return String(value);
  if (typeof value !== 'string') {
    throw new LlmlabError('DATASET_INVALID', `line ${row.line} has no string \`${path}\` (is this a ${benchmark} file?)`, {
      where: { file: row.file, line: row.line },
    });
  }
  return value;
}

/** mulberry32: a tiny seeded generator, so few-shot draws and samples are the same on every machine. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** k distinct items drawn with a seeded Fisher–Yates shuffle, in drawn order. */
export function drawSeeded<T>(items: readonly T[], k: number, seed: number): T[] {
  const copy = [...items];
  const random = seededRandom(seed);
  const n = Math.min(k, copy.length);
  for (let i = 0; i < n; i++) {
    const j = i + Math.floor(random() * (copy.length - i));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy.slice(0, n);
}

export const LETTERS = ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J'] as const;

/** `A. text` lines, the standard multiple-choice listing. */
export function formatChoices(choices: readonly string[]): string {
  return choices.map((choice, i) => `${LETTERS[i]}. ${choice}`).join('\n');
}

/**
 * The assertions that score one multiple-choice test. `generate`: the answer letter read by the `answer-letter`
 * transform (docs/benchmarks.md) equals the gold letter, reported under `names` (e.g. `acc`,
 * `acc[subject=x]`). `loglikelihood`: `acc` (highest total log-probability) and, unless `accNorm` is false,
 * `acc_norm` (highest log-probability per character of the choice, lm-eval's normalisation), each under its
 * own names. MMLU passes `accNorm: false`: its choices are the letters, all of one length, as in lm-eval.
 */
export function choiceAssertions(
  protocol: ChoiceProtocol,
  gold: number,
  groups: readonly string[] = [],
  { accNorm = true }: { accNorm?: boolean } = {},
): Array<Record<string, unknown>> {
  const names = (base: string) => [base, ...groups.map((g) => `${base}[${g}]`)];
  if (protocol === 'generate') {
    return names('acc').map((metric) => ({ type: 'equals', value: LETTERS[gold], metric, transform: ['answer-letter'] }));
  }
  return [
    ...names('acc').map((metric) => ({ type: 'choice-logprob', value: { gold }, metric })),
    ...(accNorm ? names('acc_norm').map((metric) => ({ type: 'choice-logprob', value: { gold, normalize: true }, metric })) : []),
  ];
}

/** The continuations a loglikelihood test scores: lm-eval's target delimiter (a space) before each choice. */
export function continuationsOf(protocol: ChoiceProtocol, choices: readonly string[]): { continuations?: string[] } {
  return protocol === 'loglikelihood' ? { continuations: choices.map((choice) => ` ${choice}`) } : {};
}

/** Python's whitespace (`str.isspace`): JavaScript's `\s` less U+FEFF, plus U+001C–U+001F and U+0085. */
const PY_SPACE = '[\\t\\n\\v\\f\\r \\x1c-\\x1f\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]';
const PY_STRIP = new RegExp(`^${PY_SPACE}+|${PY_SPACE}+$`, 'g');

/** Python's `str.strip()`, which lm-eval's templates and preprocessors call. */
export function pythonStrip(text: string): string {
  return text.replace(PY_STRIP, '');
}
