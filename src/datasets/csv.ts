/**
 * CSV with a header row (RFC 4180: quoted fields may hold commas, newlines and `""` escaped quotes; CRLF or LF
 * line ends). Each column is a variable, except the special columns `__expected` (an assertion: `equals`, or
 * `type:value` such as `icontains:reset link`), `__description` and `__id`.
 */
import { LlmlabError } from '../errors.js';
import { columnsToTest, RowErrors } from './rows.js';
import type { DatasetLoader, DatasetRow } from './rows.js';

/** One parsed record and the line it starts on. */
export interface CsvRecord {
  fields: string[];
  line: number;
}

/**
 * Splits CSV text into records. Lenient where RFC 4180 is silent (a quote inside an unquoted field is kept as
 * text) and strict where data would be lost (text after a closing quote, an unclosed quote).
 */
export function parseCsv(text: string, file: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let atFieldStart = true;
  let line = 1;
  let lineStart = 0;
  let recordLine = 1;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  while (i < text.length) {
    const ch = text[i];
    if (atFieldStart && ch === '"') {
      const open = { line, col: i - lineStart + 1 };
      i++;
      for (;;) {
        if (i >= text.length) {
          throw new LlmlabError('DATASET_INVALID', 'unclosed quote: the file ends inside a quoted field', {
            where: { file, ...open },
            hint: 'close the field with `"`; write a quote inside a quoted field as `""`',
          });
        }
        const c = text[i] as string;
        if (c === '"' && text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        i++;
        if (c === '"') break;
        if (c === '\n') {
          line++;
          lineStart = i;
        }
        field += c;
      }
      atFieldStart = false;
      const next = text[i];
      if (next !== undefined && next !== ',' && next !== '\n' && next !== '\r') {
        throw new LlmlabError('DATASET_INVALID', `unexpected ${JSON.stringify(next)} after a closing quote`, {
          where: { file, line, col: i - lineStart + 1 },
          hint: 'quote the whole field, and write a quote inside it as `""`',
        });
      }
      continue;
    }
    atFieldStart = false;
    if (ch === ',') {
      fields.push(field);
      field = '';
      atFieldStart = true;
      i++;
    } else if (ch === '\n' || ch === '\r') {
      fields.push(field);
      records.push({ fields, line: recordLine });
      fields = [];
      field = '';
      atFieldStart = true;
      i += ch === '\r' && text[i + 1] === '\n' ? 2 : 1;
      line++;
      lineStart = i;
      recordLine = line;
    } else {
      field += ch;
      i++;
    }
  }
  if (!atFieldStart || fields.length > 0) {
    fields.push(field);
    records.push({ fields, line: recordLine });
  }
  return records;
}

const loader: DatasetLoader = {
  id: 'csv',
  extensions: ['.csv'],
  parse(text, file, options) {
    const records = parseCsv(text, file).filter((record) => !isBlank(record));
    const [header, ...body] = records;
    if (header === undefined) {
      throw new LlmlabError('DATASET_INVALID', `${file} is empty`, {
        where: { file },
        hint: 'the first row names the columns (the variables), e.g. `question,__expected`',
      });
    }
    const names = header.fields.map((name) => name.trim());
    checkHeader(names, file, header.line);
    const rows: DatasetRow[] = [];
    const errors = new RowErrors();
    for (const record of body) {
      const where = { file, line: record.line };
      const row = errors.attempt(() => {
        if (record.fields.length !== names.length) {
          throw new LlmlabError(
            'DATASET_INVALID',
            `row on line ${record.line} has ${count(record.fields.length)}, the header has ${names.length}`,
            { where, hint: 'quote fields that contain commas or line breaks: "a, b"' },
          );
        }
        const columns = Object.fromEntries(names.map((name, i) => [name, record.fields[i] ?? '']));
        return { test: columnsToTest(columns, where, options), where };
      });
      if (row) rows.push(row);
    }
    errors.throwIfAny();
    return rows;
  },
};

export default loader;

function checkHeader(names: string[], file: string, line: number): void {
  names.forEach((name, i) => {
    const where = { file, line };
    if (name === '') {
      throw new LlmlabError('DATASET_INVALID', `column ${i + 1} of the header has no name`, {
        where,
        hint: 'every column needs a name: it becomes the variable name',
      });
    }
    if (names.indexOf(name) !== i) {
      throw new LlmlabError('DATASET_INVALID', `column \`${name}\` appears twice in the header`, {
        where,
        hint: 'rename one of the columns; for several expectations use __expected1, __expected2, …',
      });
    }
  });
}

function count(fields: number): string {
  return fields === 1 ? '1 field' : `${fields} fields`;
}

/** An empty line parses as one empty field; it is not a row. */
function isBlank(record: CsvRecord): boolean {
  return record.fields.length === 1 && record.fields[0] === '';
}
