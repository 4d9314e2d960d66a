import { describe, expect, it } from 'vitest';
import containsSql from '../../src/metrics/contains-sql.js';
import isSql from '../../src/metrics/is-sql.js';
import { prepareMetric, scoreMetric } from './test-metric.js';

describe('is-sql', () => {
  it('passes SQL that parses in MySQL by default, and fails text that does not, with the parser message', async () => {
    expect(await scoreMetric(isSql, undefined, 'SELECT id, email FROM users WHERE active = 1;')).toEqual({ pass: true, reason: 'valid MySQL SQL' });
    const failed = await scoreMetric(isSql, undefined, 'SELEC id FROM users');
    expect(failed.pass).toBe(false);
    expect(failed.reason).toMatch(/^not valid MySQL SQL: Expected .* but "i" found\.$/);
    expect(await scoreMetric(isSql, undefined, '')).toEqual({ pass: false, reason: 'no SQL: the text is empty' });
  });

  it('parses in the dialect `databaseType` names', async () => {
    // ILIKE is PostgreSQL, not MySQL.
    const sql = "SELECT id FROM users WHERE name ILIKE 'a%'";
    expect((await scoreMetric(isSql, { databaseType: 'PostgreSQL' }, sql)).pass).toBe(true);
    expect((await scoreMetric(isSql, undefined, sql)).pass).toBe(false);
  });

  it('fails a statement that touches a table or column outside the allow-lists', async () => {
    const value = { allowedTables: ['select::null::users'], allowedColumns: ['select::null::id', 'select::null::email'] };
    expect(await scoreMetric(isSql, value, 'SELECT id, email FROM users')).toEqual({
      pass: true,
      reason: 'valid MySQL SQL using only allowed tables and allowed columns',
    });
    const table = await scoreMetric(isSql, value, 'SELECT id FROM orders');
    expect(table).toMatchObject({ pass: false });
    expect(table.reason).toContain("valid MySQL SQL, but table not allowed: authority = 'select::null::orders'");
    expect((await scoreMetric(isSql, value, 'SELECT password FROM users')).reason).toContain("column not allowed: authority = 'select::null::password'");
    expect((await scoreMetric(isSql, value, 'DELETE FROM users')).pass).toBe(false);
  });

  it('rejects an unknown dialect when the suite loads, listing the known ones', async () => {
    await expect(prepareMetric(isSql, { databaseType: 'Oracle' })).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: 'is-sql: unknown databaseType `Oracle`',
      hint: expect.stringContaining('PostgreSQL'),
    });
  });
});

describe('contains-sql', () => {
  it('reads the first ```sql fence, else the whole output', async () => {
    expect(await scoreMetric(containsSql, undefined, 'Use:\n```sql\nSELECT 1;\n```\nDone.')).toEqual({
      pass: true,
      reason: 'valid MySQL SQL (inside a ``` fence)',
    });
    expect((await scoreMetric(containsSql, undefined, 'SELECT 1')).pass).toBe(true);
    expect((await scoreMetric(containsSql, undefined, 'Use:\n```sql\nSELECT FROM;\n```')).pass).toBe(false);
  });
});
