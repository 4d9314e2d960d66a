/**
 * JSON Lines: one JSON object per line, each a test (`{"vars": …, "assert": …}`) or just its variables.
 * Blank lines are skipped; a bad line is reported with its number and the JSON parser's own words.
 */
import { LlmlabError } from '../errors.js';
import { columnOfJsonError, kindOf, isRecord, RowErrors, rowToTest } from './rows.js';
import type { DatasetLoader, DatasetRow } from './rows.js';

const loader: DatasetLoader = {
  id: 'jsonl',
  extensions: ['.jsonl', '.ndjson'],
  parse(text, file, options) {
    const rows: DatasetRow[] = [];
    const errors = new RowErrors();
    const lines = text.split('\n');
    for (let i = 0; i < lines.length; i++) {
      const line = (lines[i] ?? '').replace(/\r$/, '');
      if (line.trim() === '') continue;
      const where = { file, line: i + 1 };
      const row = errors.attempt(() => {
        let value: unknown;
        try {
          value = JSON.parse(line);
        } catch (error) {
          const col = columnOfJsonError(error, line);
          throw new LlmlabError('DATASET_INVALID', `line ${i + 1} is not valid JSON: ${(error as Error).message}`, {
            where: col === undefined ? where : { ...where, col },
            hint: 'each line of a .jsonl file holds one complete JSON object',
          });
        }
        if (!isRecord(value)) {
          throw new LlmlabError('DATASET_INVALID', `line ${i + 1} must be a JSON object, got ${kindOf(value)}`, {
            where,
            hint: 'write each test as {"vars": {…}, "assert": […]}, or just its variables as {"question": "…"}',
          });
        }
        return { test: rowToTest(value, where, options), where };
      });
      if (row) rows.push(row);
    }
    errors.throwIfAny();
    return rows;
  },
};

export default loader;
