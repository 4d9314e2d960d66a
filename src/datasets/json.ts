/**
 * A JSON file holding an array of tests (or of variable objects). Rows are located by a light scan of the
 * top-level array, since JSON.parse keeps no positions.
 */
import { LlmlabError } from '../errors.js';
import { isRecord, kindOf, lineColAt, offsetOfJsonError, RowErrors, rowToTest } from './rows.js';
import type { DatasetLoader, DatasetRow } from './rows.js';

const loader: DatasetLoader = {
  id: 'json',
  extensions: ['.json'],
  parse(text, file, options) {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      const offset = offsetOfJsonError(error);
      throw new LlmlabError('DATASET_INVALID', `${file} is not valid JSON: ${(error as Error).message}`, {
        where: offset === undefined ? { file } : { file, ...lineColAt(text, offset) },
        hint: 'check for a missing comma or quote, or a trailing comma, near this position',
      });
    }
    if (!Array.isArray(value)) {
      throw new LlmlabError('DATASET_INVALID', `${file} must hold a JSON array of tests, got ${kindOf(value)}`, {
        where: { file, line: 1, col: 1 },
        hint: 'write [{"vars": {…}, "assert": […]}, …]; for one test per line use a .jsonl file',
      });
    }
    const offsets = topLevelOffsets(text);
    const rows: DatasetRow[] = [];
    const errors = new RowErrors();
    value.forEach((item: unknown, i) => {
      const offset = offsets[i];
      const where = offset === undefined ? { file } : { file, ...lineColAt(text, offset) };
      const row = errors.attempt(() => {
        if (!isRecord(item)) {
          throw new LlmlabError('DATASET_INVALID', `item ${i + 1} must be an object, got ${kindOf(item)}`, {
            where,
            hint: 'each item is a test {"vars": {…}, "assert": […]}, or just its variables {"question": "…"}',
          });
        }
        return { test: rowToTest(item, where, options), where };
      });
      if (row) rows.push(row);
    });
    errors.throwIfAny();
    return rows;
  },
};

export default loader;

/** Start offsets of the items of the top-level array in valid JSON text. */
function topLevelOffsets(text: string): number[] {
  const offsets: number[] = [];
  let depth = 0;
  let expectItem = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === ' ' || ch === '\n' || ch === '\r' || ch === '\t') continue;
    if (depth === 1 && expectItem && ch !== ']') {
      offsets.push(i);
      expectItem = false;
    }
    if (ch === '"') i = skipString(text, i);
    else if (ch === '[' || ch === '{') {
      depth++;
      if (depth === 1) expectItem = true;
    } else if (ch === ']' || ch === '}') depth--;
    else if (ch === ',' && depth === 1) expectItem = true;
  }
  return offsets;
}

/** Index of the closing quote of the string starting at `start`. */
function skipString(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '"') return i;
  }
  return text.length;
}
