import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeJsonReport } from '../../../src/report/writers/json.js';
import { jsonLine, writeJsonlReport } from '../../../src/report/writers/jsonl.js';
import { openJsonlStream } from '../../../src/report/writers/jsonl-stream.js';
import { summarizeRun } from '../../../src/report/summary.js';
import type { Store } from '../../../src/store/index.js';
import { fixedCells, storeCandidateRun } from '../fixed-runs.js';
import { tempStore } from '../helpers.js';

let t: ReturnType<typeof tempStore>;
let store: Store;
beforeEach(() => {
  t = tempStore();
  store = t.store;
});
afterEach(() => t.dispose());

const lines = (path: string) => readFileSync(path, 'utf8').split('\n');

describe('JSONL report', () => {
  it('has one line per cell, each the same object as in the JSON report', () => {
    const run = storeCandidateRun(store);
    writeJsonlReport(join(t.dir, 'r.jsonl'), store, run);
    writeJsonReport(join(t.dir, 'r.json'), store, run, summarizeRun(store, run), 't');
    const written = lines(join(t.dir, 'r.jsonl'));
    expect(written.pop()).toBe('');
    const report = JSON.parse(readFileSync(join(t.dir, 'r.json'), 'utf8')) as { cells: unknown[] };
    expect(written.map((l) => JSON.parse(l))).toEqual(report.cells);
    // Byte for byte too: a line from the stream and from the store serialise alike.
    expect(written).toEqual(report.cells.map((c) => JSON.stringify(c)));
  });

  it('streams cells as they finish: truncates a new file, appends on resume, ignores other events', () => {
    const path = join(t.dir, 'deep', 'stream.jsonl');
    const cells = fixedCells();
    const first = openJsonlStream(path);
    first.listener({ type: 'run-start', runId: 'r', suitePath: '/s', totalCells: 12, doneCells: 0 });
    first.listener({ type: 'node-end', cell: cells[0]! });
    // Visible before the stream closes: each line is written at once.
    expect(lines(path)).toEqual([jsonLine(cells[0]!).trimEnd(), '']);
    first.listener({ type: 'node-end', cell: cells[1]! });
    first.listener({ type: 'run-end', runId: 'r', status: 'interrupted', durationMs: 5 });
    first.close();
    first.close();
    first.listener({ type: 'node-end', cell: cells[5]! });
    expect(lines(path)).toHaveLength(3);

    const resumed = openJsonlStream(path, { append: true });
    resumed.listener({ type: 'node-end', cell: cells[2]! });
    resumed.close();
    expect(lines(path).slice(0, -1).map((l) => JSON.parse(l).cellId)).toEqual(cells.slice(0, 3).map((c) => c.cellId));

    const fresh = openJsonlStream(path);
    fresh.close();
    expect(readFileSync(path, 'utf8')).toBe('');
  });
});
