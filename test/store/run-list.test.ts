/** The view's run list: pages newest first, and the suites with their counts. */
import { afterEach, describe, expect, it } from 'vitest';
import { createRunList } from '../../src/store/run-list.js';
import { storeRun, tempStore, verdictCell } from '../report/helpers.js';

let t: ReturnType<typeof tempStore>;
afterEach(() => t?.dispose());

describe('createRunList', () => {
  it('pages runs newest first and filters by suite', () => {
    t = tempStore();
    const ids = [0, 1, 2].map(() => storeRun(t.store, [verdictCell('p', 'm', 0, 'pass')]).id);
    t.store.db.prepare('UPDATE runs SET created_at = ? WHERE id = ?').run(1, ids[0]);
    t.store.db.prepare('UPDATE runs SET created_at = ? WHERE id = ?').run(2, ids[1]);
    t.store.db.prepare('UPDATE runs SET created_at = ?, suite_path = ? WHERE id = ?').run(3, '/other.yaml', ids[2]);
    const list = createRunList(t.store.db);
    expect(list.page({ limit: 2, offset: 0 }).runs.map((r) => r.id)).toEqual([ids[2], ids[1]]);
    expect(list.page({ limit: 2, offset: 2 })).toEqual({ runs: [expect.objectContaining({ id: ids[0] })], total: 3 });
    expect(list.page({ suitePath: '/s.yaml', limit: 10, offset: 0 }).total).toBe(2);
    expect(list.suites()).toEqual([
      { suitePath: '/other.yaml', runs: 1, latestAt: 3 },
      { suitePath: '/s.yaml', runs: 2, latestAt: 2 },
    ]);
  });
});
