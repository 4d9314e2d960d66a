/**
 * Reads a JSONL file one line at a time (a training file may be 100 MB: the text is never held whole), with
 * 1-based line numbers. A line that is not a JSON object is reported with the parser's message.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

/** One line of a JSONL file: a parsed object, a parse failure, or a blank line. */
export type JsonLine =
  | { line: number; kind: 'object'; value: Record<string, unknown> }
  | { line: number; kind: 'invalid'; message: string }
  | { line: number; kind: 'blank' };

/** The lines of `path` in order. Blank lines are yielded as such: the caller decides what they mean. */
export async function* readJsonLines(path: string): AsyncGenerator<JsonLine> {
  const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  let line = 0;
  for await (const raw of lines) {
    line++;
    // A byte-order mark on the first line is an editor's artefact, not a JSON syntax error.
    const text = line === 1 ? raw.replace(/^\uFEFF/, '') : raw;
    if (text.trim() === '') {
      yield { line, kind: 'blank' };
      continue;
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      yield { line, kind: 'invalid', message: (error as Error).message };
      continue;
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      yield { line, kind: 'invalid', message: `expected a JSON object, found ${Array.isArray(value) ? 'an array' : value === null ? 'null' : typeof value}` };
      continue;
    }
    yield { line, kind: 'object', value: value as Record<string, unknown> };
  }
}
