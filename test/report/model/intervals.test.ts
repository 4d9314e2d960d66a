import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeJsonReport } from '../../../src/report/writers/json.js';
import { summarizeRun } from '../../../src/report/summary.js';
import { formatSummaryTable } from '../../../src/report/console/table.js';
import type { Store } from '../../../src/store/index.js';
import type { CellStatus } from '../../../src/types.js';
import { reportValidator, storeRun, tempStore, verdictCell } from '../helpers.js';

let t: ReturnType<typeof tempStore>;
let store: Store;
beforeEach(() => {
  t = tempStore();
  store = t.store;
});
afterEach(() => t.dispose());

const cells = (prompt: string, provider: string, statuses: CellStatus[]) =>
  statuses.map((s, i) => verdictCell(prompt, provider, i, s));

describe('pass-rate intervals', () => {
  it('gives each target and the total a 95 % Wilson interval; errors fail, skips are left out', () => {
    // 3 of 4 (one error, one skip that does not count); 0 of 8.
    const run = storeRun(store, [
      ...cells('p', 'three', ['pass', 'pass', 'error', 'pass', 'skipped']),
      ...cells('p', 'none', Array<CellStatus>(8).fill('fail')),
    ]);
    const s = summarizeRun(store, run);
    const [three, none] = s.targets;
    // Wilson 3/4: (2np̂ + z² ± z√(z² + 4np̂q̂)) / (2(n + z²)) = (9.841459 ± 5.126528) / 15.682918
    // = [0.300642, 0.954413]; R: prop.test(3, 4, correct = FALSE)$conf.int = 0.3006418 0.9544127.
    expect(three!.passRate).toBe(0.75);
    expect(three!.passRateInterval).toMatchObject({ method: 'wilson', confidence: 0.95 });
    expect(three!.passRateInterval!.low).toBeCloseTo(0.3006418, 6);
    expect(three!.passRateInterval!.high).toBeCloseTo(0.9544127, 6);
    expect(three!.failureRateUpperBound).toBeNull();
    // Wilson 0/8: exactly 0 below, z²/(n + z²) = 3.841459/11.841459 = 0.3244076 above.
    expect(none!.passRateInterval!.low).toBe(0);
    expect(none!.passRateInterval!.high).toBeCloseTo(0.3244076, 6);
    // Total 3 of 12, by the same formula evaluated independently in Python: [0.0889417, 0.5323053].
    expect(s.passRate).toBe(0.25);
    expect(s.passRateInterval!.low).toBeCloseTo(0.0889417, 6);
    expect(s.passRateInterval!.high).toBeCloseTo(0.5323053, 6);
  });

  it('has no interval when nothing ran', () => {
    const s = summarizeRun(store, storeRun(store, cells('p', 'a', ['skipped'])));
    expect(s.passRate).toBeNull();
    expect(s.passRateInterval).toBeNull();
    expect(s.failureRateUpperBound).toBeNull();
    expect(formatSummaryTable(s)).toMatch(/\ba\s+0\s+0\s+0\s+-\s/);
  });

  it('bounds the failure rate when everything passed: 1 − 0.05^(1/8) = 0.3123 for 8 of 8', () => {
    const s = summarizeRun(store, storeRun(store, [
      ...cells('one-sentence', 'careful-bot', [...Array<CellStatus>(8).fill('pass'), 'skipped']),
      ...cells('one-sentence', 'other', ['pass', 'fail']),
    ]));
    const careful = s.targets[0]!;
    expect(careful.failureRateUpperBound).toBeCloseTo(1 - 0.05 ** (1 / 8), 12);
    expect(careful.failureRateUpperBound).toBeCloseTo(0.312344, 6);
    expect(s.targets[1]!.failureRateUpperBound).toBeNull();
    expect(s.failureRateUpperBound).toBeNull();
    const lines = formatSummaryTable(s).split('\n');
    expect(lines.filter((l) => l.includes('failure rate ≤'))).toEqual([
      'one-sentence × careful-bot: 0 failures in 8 — failure rate ≤ 31.2 % (95 %)',
    ]);
  });

  it('prints the rate with its interval and keeps the columns aligned', () => {
    const s = summarizeRun(store, storeRun(store, [
      ...cells('p', 'three', ['pass', 'pass', 'fail', 'pass']),
      ...cells('p', 'none', Array<CellStatus>(8).fill('fail')),
    ]));
    const lines = formatSummaryTable(s).split('\n');
    expect(lines[0]).toMatch(/^prompt\s+provider\s+pass\s+fail\s+error\s+rate\s+tokens/);
    expect(lines[2]).toMatch(/^p\s+three\s+3\s+1\s+0\s+75\.0% \[30\.1–95\.4\]\s+0\/0\s+\$0/);
    expect(lines[3]).toMatch(/^p\s+none\s+0\s+8\s+0\s+0\.0% \[0\.0–32\.4\]\s+0\/0\s+\$0/);
    expect(lines[4]).toMatch(/^total\s+3\s+9\s+0\s+25\.0% \[8\.9–53\.2\]/);
    // Right-aligned: every rate cell ends where the header's `rate` ends.
    const end = lines[0]!.indexOf('rate') + 'rate'.length;
    for (const line of lines.slice(2, 5)) expect(line.slice(0, end)).toMatch(/\]$/);
    // The rule under the header is as wide as the widest rate cell.
    expect(lines[1]!.split('  ')[5]).toBe('─'.repeat('75.0% [30.1–95.4]'.length));
  });

  it('writes the intervals into a JSON report the schema accepts, and the schema rejects a malformed one', () => {
    const run = storeRun(store, cells('p', 'a', ['pass', 'pass']));
    const path = join(t.dir, 'r.json');
    writeJsonReport(path, store, run, summarizeRun(store, run), '1');
    const report = JSON.parse(readFileSync(path, 'utf8'));
    const validate = reportValidator();
    expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
    expect(report.summary.targets[0].passRateInterval).toMatchObject({ high: 1, method: 'wilson', confidence: 0.95 });
    expect(report.summary.targets[0].failureRateUpperBound).toBeCloseTo(1 - Math.sqrt(0.05), 12);
    expect(report.summary.comparisons).toEqual([]);
    const wald = structuredClone(report);
    wald.summary.passRateInterval.method = 'wald';
    expect(validate(wald)).toBe(false);
    const missing = structuredClone(report);
    delete missing.summary.targets[0].failureRateUpperBound;
    expect(validate(missing)).toBe(false);
  });
});
