/**
 * What `is-sql` and `contains-sql` share: the value (`databaseType`, `allowedTables`, `allowedColumns`, as
 * promptfoo writes them), the SQL parser (node-sql-parser, a real grammar per dialect) and the verdict. An
 * allow-list entry is node-sql-parser's authority string `<statement>::<schema or null>::<name>`, e.g.
 * `select::null::users` (a table) or `select::null::email` (a column). Not a metric itself.
 */
import nodeSqlParser from 'node-sql-parser';
import { LlmlabError } from '../errors.js';
import type { JsonSchema, MetricScore } from '../types.js';

/** An assertion's value as written. */
export interface SqlValue {
  databaseType?: string;
  allowedTables?: string[];
  allowedColumns?: string[];
}

/** The value, checked once. */
export interface SqlCheck {
  database: string;
  allowedTables?: string[];
  allowedColumns?: string[];
}

/** The dialects node-sql-parser 5 has a grammar for (its `database` option, any case). */
export const SQL_DATABASES = [
  'MySQL', 'MariaDB', 'PostgreSQL', 'SQLite', 'TransactSQL', 'BigQuery', 'Snowflake', 'Redshift', 'Hive', 'DB2',
  'FlinkSQL', 'Athena', 'Trino', 'Noql',
];

const DEFAULT_DATABASE = 'MySQL';
const parser = new nodeSqlParser.Parser();
const authorities = { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1 };

/** The value's schema, the same for both metrics. */
export const sqlValueSchema: JsonSchema = {
  description:
    `Optional: \`databaseType\` (the SQL dialect: ${SQL_DATABASES.join(', ')}; default MySQL), \`allowedTables\` and ` +
    '`allowedColumns` (allow-lists of `<statement>::<schema or null>::<name>` entries, e.g. `select::null::users`): ' +
    'a statement that reads or writes anything else fails.',
  type: 'object',
  additionalProperties: false,
  properties: {
    databaseType: { type: 'string', minLength: 1, description: 'SQL dialect the output must parse in; default MySQL' },
    allowedTables: { ...authorities, description: 'the only tables the SQL may use, e.g. [select::null::users]' },
    allowedColumns: { ...authorities, description: 'the only columns the SQL may use, e.g. [select::null::id, select::null::email]' },
  },
};

/** Checks the value once: an unknown dialect is a config error, not a failure in every cell. */
export function prepareSql(id: string, value: SqlValue | undefined | null): SqlCheck {
  if (value !== undefined && value !== null && (typeof value !== 'object' || Array.isArray(value))) {
    throw new LlmlabError('CONFIG_INVALID', `${id}: \`value\` must be an object`, {
      hint: `e.g. { type: ${id}, value: { databaseType: PostgreSQL, allowedTables: [select::null::users] } }`,
    });
  }
  const database = value?.databaseType ?? DEFAULT_DATABASE;
  try {
    parser.astify('SELECT 1', { database });
  } catch (error) {
    throw new LlmlabError('CONFIG_INVALID', `${id}: unknown databaseType \`${database}\``, {
      hint: `use one of ${SQL_DATABASES.join(', ')}`,
      cause: error,
    });
  }
  return {
    database,
    ...(value?.allowedTables ? { allowedTables: value.allowedTables } : {}),
    ...(value?.allowedColumns ? { allowedColumns: value.allowedColumns } : {}),
  };
}

/** The verdict on one SQL text: it parses in the dialect, and touches only what the allow-lists name. */
export function checkSql(sql: string, check: SqlCheck): MetricScore {
  const text = sql.trim();
  if (text === '') return { pass: false, reason: 'no SQL: the text is empty' };
  try {
    parser.astify(text, { database: check.database });
  } catch (error) {
    return { pass: false, reason: `not valid ${check.database} SQL: ${firstLine(error)}` };
  }
  const problems: string[] = [];
  for (const [type, list] of [['table', check.allowedTables], ['column', check.allowedColumns]] as const) {
    if (!list) continue;
    try {
      parser.whiteListCheck(text, list, { database: check.database, type });
    } catch (error) {
      problems.push(`${type} not allowed: ${firstLine(error)}`);
    }
  }
  if (problems.length > 0) return { pass: false, reason: `valid ${check.database} SQL, but ${problems.join('; ')}` };
  const lists = [check.allowedTables && 'allowed tables', check.allowedColumns && 'allowed columns'].filter(Boolean);
  return { pass: true, reason: `valid ${check.database} SQL${lists.length ? ` using only ${lists.join(' and ')}` : ''}` };
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const line = message.split('\n')[0] ?? '';
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}
