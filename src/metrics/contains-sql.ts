/**
 * `contains-sql`: like `is-sql`, on the SQL inside the output's first ```sql (or bare ```) fence, or on the
 * whole output when it has none — promptfoo's `contains-sql`.
 */
import { defineMetric } from '../types.js';
import { checkSql, prepareSql, sqlValueSchema } from './sql-shared.js';
import type { SqlCheck, SqlValue } from './sql-shared.js';

const FENCE = /```(?:sql)?[ \t]*\r?\n([\s\S]*?)```/i;

export default defineMetric<SqlValue | undefined, SqlCheck>({
  id: 'contains-sql',
  optionsSchema: sqlValueSchema,
  prepare: (value) => prepareSql('contains-sql', value),
  score: ({ output, value }) => {
    const fenced = FENCE.exec(output);
    const verdict = checkSql(fenced ? (fenced[1] ?? '') : output, value);
    return fenced ? { ...verdict, reason: `${verdict.reason} (inside a \`\`\` fence)` } : verdict;
  },
});
