/** The Compare page's pairing: exactly the pairs pairedCells makes, in its order, with rowids that read back the cells. */
import { afterEach, expect, it } from 'vitest';
import { pairedRows, rowTexts } from '../../src/store/compare-rows.js';
import { pairedCells } from '../../src/store/run-pairs.js';
import { tempStore } from '../report/helpers.js';
import { storeBaseline, storeCandidate } from '../report/html-fixture.js';

let t: ReturnType<typeof tempStore> | undefined;
afterEach(() => t?.dispose());

it('pairs the cells pairedCells pairs, in the same order, and reads their texts by rowid', () => {
  t = tempStore();
  const a = storeBaseline(t.store);
  const b = storeCandidate(t.store);
  const key = (c: { providerLabel: string; promptId: string; testId: string; repeatIndex: number; statusA: string; statusB: string; description: string | null }) =>
    [c.providerLabel, c.promptId, c.testId, c.repeatIndex, c.statusA, c.statusB, c.description].join('|');
  const rows = [...pairedRows(t.store.db, a.id, b.id)];
  expect(rows.map(key)).toEqual([...pairedCells(t.store.db, a.id, b.id)].map(key));
  expect(rows).toHaveLength(620);
  const refund = rows.find((r) => r.testId === 'refund' && r.providerLabel === 'bot-a' && r.repeatIndex === 0)!;
  const texts = rowTexts(t.store.db, [refund.rowA, refund.rowB]);
  expect(texts.get(refund.rowA)).toEqual({ cellId: 'bot-a:support:refund:0', prompt: 'Answer the customer: Can I get a refund?', output: 'Refunds within 30 days.', toolCalls: null, error: null });
  expect(texts.get(refund.rowB)).toMatchObject({ output: 'Please contact us.' });
  expect(rowTexts(t.store.db, []).size).toBe(0);
  // A run against itself pairs each cell with itself.
  expect([...pairedRows(t.store.db, b.id, b.id)].every((r) => r.rowA === r.rowB)).toBe(true);
});
