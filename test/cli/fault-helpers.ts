/** What the storage-fault CLI tests share: a slow mock suite, a peek at the store, and polling for a condition. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';

/** `suite.yaml` of `tests` tests on a mock provider answering after 30 ms, at concurrency 2: a run long enough to interrupt. */
export function writeSlowMockSuite(dir: string, tests: number): void {
  const cases = Array.from({ length: tests }, (_, i) => `  - vars: { n: ${i} }\n`).join('');
  writeFileSync(
    join(dir, 'suite.yaml'),
    `providers:\n  - id: mock:bot\n    config: { latencyMs: 30, default: "answer" }\nprompts: ["Question {{ n }}"]\n` +
      `defaultTest:\n  assert: [{ type: contains, value: answer }]\ntests:\n${cases}`,
  );
  writeFileSync(join(dir, 'llmlab.config.yaml'), 'concurrency: 2\n');
}

/** Rows of a read-only query on the database another process is writing. */
export function query<T>(db: string, sql: string): T[] {
  const conn = new Database(db, { readonly: true, fileMustExist: true });
  try {
    return conn.prepare(sql).all() as T[];
  } finally {
    conn.close();
  }
}

/** Cells stored so far; 0 while the database or its tables do not exist yet. */
export function storedCells(db: string): number {
  try {
    return query<{ n: number }>(db, 'SELECT count(*) AS n FROM results')[0]!.n;
  } catch {
    return 0;
  }
}

/** Polls `check` until it holds; throws after `ms` (a bound for a broken build, not a timing assertion). */
export async function waitFor(check: () => boolean, ms = 15_000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 25));
  }
}
