/**
 * `is-sql`: the output is SQL that parses in the assertion's dialect (`databaseType`, MySQL by default) and,
 * with `allowedTables` / `allowedColumns`, reads and writes only what they list — promptfoo's `is-sql`, on the
 * same parser (node-sql-parser). Surrounding whitespace is ignored; a ```sql fence is not SQL (use
 * `contains-sql`). Differs from promptfoo: an unknown `databaseType` stops the suite from loading instead of
 * failing every cell.
 */
import { defineMetric } from '../types.js';
import { checkSql, prepareSql, sqlValueSchema } from './sql-shared.js';
import type { SqlCheck, SqlValue } from './sql-shared.js';

export default defineMetric<SqlValue | undefined, SqlCheck>({
  id: 'is-sql',
  optionsSchema: sqlValueSchema,
  prepare: (value) => prepareSql('is-sql', value),
  score: ({ output, value }) => checkSql(output, value),
});
