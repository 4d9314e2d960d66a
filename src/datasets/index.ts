/**
 * Dataset loaders for `tests: file:<path or glob>`: one file per format, chosen by file extension and imported
 * lazily. A loader turns a file's text into rows; each row is an unvalidated test object (`{ vars, assert, … }`)
 * with the position it came from, so the config layer can validate it and point at the line that is wrong.
 * This file is the registry, which imports the loaders; what they share is in ./rows.ts, which imports none.
 */
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { LlmlabError } from '../errors.js';
import type { DatasetLoader, DatasetOptions, DatasetRow } from './rows.js';

type Loader = () => Promise<{ default: DatasetLoader }>;

const registry = {
  jsonl: () => import('./jsonl.js'),
  json: () => import('./json.js'),
  yaml: () => import('./yaml.js'),
  csv: () => import('./csv.js'),
} satisfies Record<string, Loader>;

/** Dataset format ids. */
export type DatasetFormat = keyof typeof registry;

const BY_EXTENSION: Record<string, DatasetFormat> = {
  '.jsonl': 'jsonl',
  '.ndjson': 'jsonl',
  '.json': 'json',
  '.yaml': 'yaml',
  '.yml': 'yaml',
  '.csv': 'csv',
};

/** File extensions llmlab reads datasets from. */
export const datasetExtensions = Object.keys(BY_EXTENSION);

/** The format of a dataset file by its extension, or undefined. */
export function datasetFormatOf(file: string): DatasetFormat | undefined {
  return BY_EXTENSION[extname(file).toLowerCase()];
}

/**
 * Reads one dataset file. DATASET_INVALID for an unknown extension or a malformed file/row (naming the line);
 * read errors (a missing file) are left to the caller, which knows where the file was referenced.
 */
export async function loadDataset(file: string, options: DatasetOptions = {}): Promise<DatasetRow[]> {
  const format = datasetFormatOf(file);
  if (format === undefined) {
    throw new LlmlabError('DATASET_INVALID', `cannot read tests from ${file}: unknown file type`, {
      where: { file },
      hint: `use one of ${datasetExtensions.join(', ')}`,
    });
  }
  const text = await readFile(file, 'utf8');
  const loader = (await registry[format]()).default;
  return loader.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, file, options);
}
