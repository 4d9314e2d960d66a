/**
 * A YAML file holding a list of tests (or of variable mappings). Positions are kept, so a problem inside a row
 * points at its exact line and column.
 */
import { isMap, isSeq, LineCounter, parseDocument } from 'yaml';
import type { Node } from 'yaml';
import { LlmlabError } from '../errors.js';
import { toBoundedJS } from '../yaml-aliases.js';
import type { SourceLocation } from '../errors.js';
import { isRecord, kindOf, RowErrors, rowToTest } from './rows.js';
import type { DatasetLoader, DatasetRow } from './rows.js';

const loader: DatasetLoader = {
  id: 'yaml',
  extensions: ['.yaml', '.yml'],
  parse(text, file, options) {
    const lineCounter = new LineCounter();
    const doc = parseDocument(text, { lineCounter, prettyErrors: false, merge: true });
    const at = (node: Node | null | undefined): SourceLocation =>
      node?.range ? { file, ...lineCounter.linePos(node.range[0]) } : { file, line: 1, col: 1 };
    const errors = new RowErrors();
    for (const error of doc.errors) {
      errors.add(
        new LlmlabError('DATASET_INVALID', `YAML syntax error: ${error.message.replace(/\s+/g, ' ').trim()}`, {
          where: { file, ...lineCounter.linePos(error.pos[0]) },
          hint: 'fix the YAML syntax at this position',
        }),
      );
    }
    errors.throwIfAny();
    const { value } = toBoundedJS(doc, lineCounter, file, 'DATASET_INVALID');
    const items = isSeq(doc.contents) ? doc.contents.items : [];
    if (!Array.isArray(value)) {
      throw new LlmlabError('DATASET_INVALID', `${file} must hold a YAML list of tests, got ${kindOf(value)}`, {
        where: at(doc.contents),
        hint: 'write one `- vars: {…}` item per test',
      });
    }
    const rows: DatasetRow[] = [];
    value.forEach((item: unknown, i) => {
      const node = items[i] as Node | undefined;
      const where = at(node);
      const row = errors.attempt(() => {
        if (!isRecord(item)) {
          throw new LlmlabError('DATASET_INVALID', `item ${i + 1} must be a mapping, got ${kindOf(item)}`, {
            where,
            hint: 'each item is a test (`vars:`, `assert:`) or just its variables (`question: …`)',
          });
        }
        const test = rowToTest(item, where, options);
        // A row read as bare variables was rewrapped, so paths inside it no longer match the file.
        if (test !== item || !isMap(node)) return { test, where };
        const locate = (path: ReadonlyArray<string | number>): SourceLocation => {
          for (let n = path.length; n > 0; n--) {
            const found = node.getIn(path.slice(0, n), true) as Node | undefined;
            if (found?.range) return at(found);
          }
          return where;
        };
        return { test, where, locate };
      });
      if (row) rows.push(row);
    });
    errors.throwIfAny();
    return rows;
  },
};

export default loader;
